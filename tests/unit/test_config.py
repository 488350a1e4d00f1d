from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from config_text import CONFIG_HEAD

from slipway.config import load_config, parse_config
from slipway.errors import ConfigError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("app", ["web-api", "web-ui"])
def test_examples_load(app: str) -> None:
    cfg = load_config(EXAMPLES / app)
    assert cfg.app == app
    assert [e.name for e in cfg.environments] == ["dev", "staging", "prod"]
    assert cfg.environment("prod").protected
    assert not cfg.environment("dev").protected


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "slipway.yaml").write_text(text)
    return tmp_path


GOOD = CONFIG_HEAD + "  - name: dev\n"


def test_defaults_fill_optional_sections(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.build.dockerfile == "Dockerfile"
    assert cfg.build.context == "."
    assert cfg.scan.severities == ("HIGH", "CRITICAL")
    assert cfg.gitops.tag_key == "image.tag"
    assert cfg.environments[0].protected is False


def test_every_problem_is_reported_at_once_with_lines(tmp_path: Path) -> None:
    text = """\
app: demo
image:
  repository: 42
toolchain: cobol
deploy:
  kind: helm
environments:
  - name: dev
    protected: maybe
colour: blue
"""
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    lines = str(info.value).splitlines()
    path = tmp_path / "slipway.yaml"
    assert lines[0] == f"config: 5 problem(s) in {path}"
    assert f"{path}:3: image.repository: must be a string (got int)" in lines
    assert f"{path}:4: toolchain: must be one of go, npm (got 'cobol')" in lines
    assert f"{path}:6: deploy.path: required key is missing" in lines
    assert f"{path}:9: environments[0].protected: must be true or false (got str)" in lines
    assert any(line.startswith(f"{path}:10: colour: unknown key") for line in lines)
    assert info.value.exit_code == 2


def test_unknown_environment_in_values_and_escaping_paths(tmp_path: Path) -> None:
    text = GOOD.replace("  path: chart\n", "  path: ../chart\n  values:\n    qa: v.yaml\n")
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    msg = str(info.value)
    assert "deploy.path: must be a path inside the app directory" in msg
    assert "deploy.values: names unknown environments ['qa']" in msg


def test_missing_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope")
    with pytest.raises(ConfigError, match="no slipway.yaml"):
        load_config(tmp_path)


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"slipway.yaml:2: document: not valid YAML"):
        load_config(_write(tmp_path, "app: x\n  bad: [\n"))


def test_unknown_environment_lookup(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="unknown environment 'qa'.*known: dev"):
        cfg.environment("qa")


def test_example_copy_is_independent(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "web-api", tmp_path / "app")
    assert load_config(tmp_path / "app").source == tmp_path / "app" / "slipway.yaml"


def _problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "slipway.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.exit_code == 2
    return [line.replace(f"{path}:", "") for line in str(info.value).splitlines()[1:]]


def test_duplicate_keys_at_every_level_are_problems(tmp_path: Path) -> None:
    text = """\
app: demo
image:
  repository: localhost:5000/demo
  repository: localhost:5000/other
toolchain: go
deploy:
  kind: helm
  path: chart
  values: {dev: a.yaml, dev: b.yaml}
environments:
  - name: dev
    protected: true
    protected: false
app: demo2
colour: blue
"""
    assert _problems(tmp_path, text) == [
        "4: image.repository: duplicate key 'repository' (first at line 3)",
        "9: deploy.values.dev: duplicate key 'dev' (first at line 9)",
        "13: environments[0].protected: duplicate key 'protected' (first at line 12)",
        "14: app: duplicate key 'app' (first at line 1)",
        "15: colour: unknown key (known keys: app, image, toolchain, build, deploy, environments, "
        "scan, policy, gitops, tools, signing)",
    ]


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("'{application}/{env}.yaml'", "may only use {app} and {env} (got '{application}')"),
        ("'{0}/{env}.yaml'", "may only use {app} and {env} (got '{0}')"),
        ("'{app/{env}.yaml'", "may only use {app} and {env} (unexpected '{' in field name)"),
        ("'../{app}/{env}.yaml'", "must be a relative path inside the GitOps repository (it contains '..')"),
        ("'/abs/{app}.yaml'", "must be a relative path inside the GitOps repository (it starts with '/')"),
        (
            "apps/{app}/../../{env}.yaml",
            "must be a relative path inside the GitOps repository (it contains '..')",
        ),
    ],
)
def test_values_path_template_is_checked_at_load(tmp_path: Path, template: str, why: str) -> None:
    text = GOOD + f"gitops:\n  values_path: {template}\n"
    assert _problems(tmp_path, text) == [f"11: gitops.values_path: {why}"]


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "slipway.yaml").write_bytes(("\ufeff" + GOOD).replace("\n", "\r\n").encode())
    assert load_config(tmp_path).environments[0].name == "dev"


def test_non_utf8_config_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "slipway.yaml").write_bytes(GOOD.replace("demo\n", "d\xe9mo\n", 1).encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    path = tmp_path / "slipway.yaml"
    assert str(info.value) == (
        f"config: {path}:1: is not UTF-8 text (byte 0xe9 at offset 6; save the file as UTF-8)"
    )


def test_config_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIPWAY_MAX_YAML_BYTES", str(len(GOOD)))
    assert load_config(_write(tmp_path, GOOD)).app == "demo"
    with pytest.raises(ConfigError, match=r"slipway.yaml is \d+ bytes, over the \d+-byte limit"):
        load_config(_write(tmp_path, GOOD + "# one more line\n"))


@pytest.mark.parametrize(
    "nested",
    ["[" * 100_000, "{a: " * 100_000, "- " * 100_000, "".join(f"{' ' * i}a:\n" for i in range(1, 200))],
)
def test_deep_nesting_is_refused_without_recursion_error(tmp_path: Path, nested: str) -> None:
    problems = _problems(tmp_path, GOOD + "tools:\n " + nested + "\n")
    assert len(problems) == 1
    assert problems[0].endswith("document: not valid YAML: nested deeper than 64 levels")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (("app: demo", 'app: "demo\\n"'), "1: app: must be a DNS-1123 label"),
        (
            ("name: dev", 'name: "dev "'),
            "9: environments[0].name: must be a DNS-1123 label: a-z, 0-9 and '-', at most 63, "
            "no '-' at either end (got 'dev ')",
        ),
        (("toolchain: go", "toolchain: " + "x" * 5000), "4: toolchain: must be one of go, npm (got 'xxxx"),
        (("app: demo", "app: demo\n'\\e[2J': 1"), "2: '\\x1b[2J': unknown key"),
    ],
)
def test_echoed_values_are_escaped_and_short(tmp_path: Path, edit: tuple[str, str], problem: str) -> None:
    text = GOOD.replace(*edit).replace("'\\e[2J'", '"\\e[2J"')
    problems = _problems(tmp_path, text)
    assert problems[0].startswith(problem)
    assert all(p.isprintable() and len(p) < 200 for p in problems)


def test_gitops_pr_policy_keys(tmp_path: Path) -> None:
    """`gitops.repository_key` and `gitops.supersede` are read; their defaults keep the strict rules."""
    text = (EXAMPLES / "web-api" / "slipway.yaml").read_text()
    path = tmp_path / "slipway.yaml"
    defaults = parse_config(text, path).gitops
    assert (defaults.repository_key, defaults.supersede) == ("", True)
    changed = text.replace("  digest_key: image.digest\n",
                           "  digest_key: image.digest\n  repository_key: image.repository\n  supersede: false\n")  # fmt: skip
    got = parse_config(changed, path).gitops
    assert (got.repository_key, got.supersede) == ("image.repository", False)
    with pytest.raises(ConfigError, match=r"gitops.supersede: must be true or false"):
        parse_config(changed.replace("supersede: false", "supersede: sometimes"), path)
