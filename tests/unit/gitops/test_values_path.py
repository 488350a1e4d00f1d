from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.gitops.values_path import safe_repo_path, template_problem, values_path

DEFAULT = "apps/{app}/overlays/{env}/values.yaml"


def test_default_template() -> None:
    assert values_path(DEFAULT, "web-api", "prod") == "apps/web-api/overlays/prod/values.yaml"
    assert values_path("./{env}//{app}.yaml", "a", "b") == "b/a.yaml"  # normalised
    assert template_problem(DEFAULT) is None


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("apps/{application}/{env}.yaml", "may only use {app} and {env} (got '{application}')"),
        ("apps/{0}/{env}.yaml", "may only use {app} and {env} (got '{0}')"),
        ("apps/{}/{env}.yaml", "may only use {app} and {env} (got '{}')"),
        ("apps/{app.upper}/x.yaml", "may only use {app} and {env} (got '{app.upper}')"),
        ("apps/{app!r}/x.yaml", "may only use {app} and {env} (got '{app!r}')"),
        ("apps/{app:>9}/x.yaml", "may only use {app} and {env} (got '{app:>9}')"),
        ("apps/{app", "may only use {app} and {env} (expected '}' before end of string)"),
        ("apps/}{app}", "may only use {app} and {env} (Single '}' encountered in format string)"),
    ],
)
def test_templates_may_only_use_app_and_env(template: str, why: str) -> None:
    assert template_problem(template) == why
    with pytest.raises(ConfigError) as info:
        values_path(template, "web", "dev")
    assert str(info.value).endswith(f": {why}")
    assert str(info.value).startswith("values: gitops.values_path '")


INSIDE = "must be a relative path inside the GitOps repository"


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("", "it is empty"),
        (".", "it names the repository root"),
        ("/etc/passwd", "it starts with '/'"),
        ("../x.yaml", "it contains '..'"),
        ("apps/../../x", "it contains '..'"),
        ("apps\\..\\x.yaml", "it contains '\\\\'; use letters, digits and ._-+@=,"),
        ("apps/a\x00b.yaml", "it contains '\\x00'; use letters, digits and ._-+@=,"),
        ('apps/"$(id)".yaml', "it contains '\"'; use letters, digits and ._-+@=,"),
        ("apps/a b.yaml", "it contains ' '; use letters, digits and ._-+@=,"),
        ("-rf", "the part '-rf' starts with '-'"),
        ("apps/--force/values.yaml", "the part '--force' starts with '-'"),
        (".git/hooks/post-checkout", "it points into .git"),
    ],
)
def test_paths_are_plain_and_inside_the_repo(path: str, why: str) -> None:
    with pytest.raises(ConfigError) as info:
        safe_repo_path(path)
    assert str(info.value).endswith(f": {INSIDE} ({why})")


@pytest.mark.parametrize(
    ("template", "why"),
    [("../{app}/{env}.yaml", "it contains '..'"), ("/srv/{app}/{env}.yaml", "it starts with '/'")],
)
def test_templates_must_stay_inside_the_repo(template: str, why: str) -> None:
    assert template_problem(template) == f"{INSIDE} ({why})"


@pytest.mark.parametrize("app", ["web-api$(id)", "-rf", "WEB", "a..b", "web\n", "", "a" * 64])
def test_app_names_must_be_dns_labels(app: str) -> None:
    with pytest.raises(ConfigError, match=r"^values: app name: must be a DNS-1123 label"):
        values_path(DEFAULT, app, "dev")


@pytest.mark.parametrize("env", ["prod/", "./prod", "PROD", "prod ", "prod\n", "../prod"])
def test_env_names_must_be_dns_labels(env: str) -> None:
    with pytest.raises(ConfigError, match=r"^values: environment name: must be a DNS-1123 label"):
        values_path(DEFAULT, "web", env)
