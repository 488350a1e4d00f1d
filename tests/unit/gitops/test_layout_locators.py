"""The example GitOps layouts (examples/gitops-layouts): each README's config, through its locator.

Every environment file is read, written with a pinned image and read back; only the image's
values change (or, where the README's `create: true` is needed, only lines are added).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from slipway.config import parse_config
from slipway.gitops.locators import Locator, locator_for
from slipway.gitops.values_path import values_path
from slipway.refs import ImageRef

LAYOUTS = Path(__file__).resolve().parents[3] / "examples" / "gitops-layouts"
REPO = "localhost:5000/slipway-examples/web-api"
SHA = "c0ffee" + "e" * 34
DIGEST = "sha256:" + "cd" * 32
ZEROS = "0" * 40
CONFIG = f"""\
app: {{app}}
image: {{{{repository: {REPO}}}}}
toolchain: go
deploy: {{{{kind: helm, path: chart}}}}
environments: [{{{{name: dev}}}}, {{{{name: staging}}}}, {{{{name: prod, protected: true}}}}]
"""


def _snippets(layout: str) -> list[str]:
    """The `gitops:` blocks of a layout's README."""
    readme = (LAYOUTS / layout / "README.md").read_text()
    return [s for s in re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL) if "gitops:" in s]


def _target(layout: str, snippet: str, app: str) -> tuple[Locator, str]:
    config = parse_config(CONFIG.format(app=app) + snippet, Path("slipway.yaml"))
    return locator_for(config.gitops, config.repository), config.gitops.values_path


def _changes(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    changed = [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]
    return [d[1:] for d in changed if d[0] == "-"], [d[1:] for d in changed if d[0] == "+"]


# layout, README snippet, app, environment, how the digest is written (or "create": added)
CASES = [
    ("flux-helmrelease", 0, "web-api", "dev", "digest key"),
    ("flux-helmrelease", 0, "web-api", "staging", "create"),
    ("flux-helmrelease", 0, "web-api", "prod", "digest key"),
    ("argocd-application", 0, "web-api", "dev", "folded"),
    ("argocd-application", 0, "web-api", "prod", "folded"),
    ("argocd-application", 1, "web-worker", "dev", "folded"),
    ("argocd-application", 1, "web-worker", "prod", "folded"),
    ("chart-with-test-hooks", 0, "web-api", "dev", "digest key"),
    ("chart-with-test-hooks", 0, "web-api", "staging", "digest key"),
    ("chart-with-test-hooks", 0, "web-api", "prod", "digest key"),
]


@pytest.mark.parametrize(
    ("layout", "snippet", "app", "env", "how"), CASES, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES]
)
def test_each_environment_file_takes_a_pinned_image_and_gives_it_back(
    layout: str, snippet: int, app: str, env: str, how: str
) -> None:
    locator, template = _target(layout, _snippets(layout)[snippet], app)
    path = LAYOUTS / layout / values_path(template, app, env)
    before = path.read_text()
    old = locator.read(before, path.name)
    pinned = ImageRef(REPO, SHA, DIGEST)
    after = locator.write(before, pinned, path.name)
    assert locator.read(after, path.name) in (pinned, ImageRef("", SHA, DIGEST))  # "": no repository key
    if how == "create":
        removed, added = _changes(before, after)
        assert old == ImageRef("")
        assert removed == []
        assert [line.strip() for line in added] == ["image:", f"tag: {SHA}", f"digest: {DIGEST}"]
        return
    assert old.tag == ZEROS and not old.digest
    if how == "digest key":
        assert after == before.replace(ZEROS, SHA).replace('digest: ""', f'digest: "{DIGEST}"')
    else:
        assert after == before.replace(ZEROS, f"{SHA}@{DIGEST}")
    assert locator.write(after, ImageRef(old.repository or REPO, old.tag, old.digest), path.name) == before


def test_every_environment_file_of_the_layouts_is_covered() -> None:
    files = {
        str(p.relative_to(LAYOUTS))
        for layout in ("flux-helmrelease", "argocd-application")
        for p in (LAYOUTS / layout).rglob("*.yaml")
        if "base" not in p.parts and p.name != "kustomization.yaml"
    }
    covered = {
        f"{c[0]}/{values_path(_target(c[0], _snippets(c[0])[c[1]], c[2])[1], c[2], c[3])}" for c in CASES
    }
    assert files - covered == {
        "argocd-application/argocd/staging/web-api.yaml",
        "argocd-application/argocd/staging/web-worker.yaml",
    }  # the same as dev but for names


def test_every_config_in_the_readme_table_loads_with_the_locator_it_names() -> None:
    readme = (LAYOUTS.parents[1] / "README.md").read_text()
    section = readme.split("## GitOps layouts", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ") and "`{" in line]
    assert len(rows) == 8
    for row in rows:
        snippet = row[1].strip("`")
        config = parse_config(CONFIG.format(app="web-api") + f"gitops: {snippet}\n", Path("slipway.yaml"))
        named = re.search(r"\(`([a-z-]+)`", row[0])
        assert named is not None and config.gitops.locator == named.group(1), row[0]
        assert locator_for(config.gitops, config.repository).kind == named.group(1)
