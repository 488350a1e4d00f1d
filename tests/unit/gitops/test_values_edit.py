from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from slipway.errors import ConfigError
from slipway.gitops.values_edit import read_value, safe_repo_path, set_values

GITOPS = Path(__file__).resolve().parents[3] / "examples" / "gitops" / "apps"
SHA = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


@pytest.mark.parametrize("path", sorted(GITOPS.glob("*/overlays/*/values.yaml")), ids=str)
def test_seed_files_change_exactly_the_values(path: Path) -> None:
    before = path.read_text()
    after = set_values(before, {".image.tag": SHA, ".image.digest": DIGEST})
    changed = _changed_lines(before, after)
    assert len(changed) == 4, changed  # two lines out, two lines in
    assert read_value(after, ".image.tag") == SHA
    assert read_value(after, "image.digest") == DIGEST
    # Reverting the values restores the file byte for byte.
    restored = set_values(
        after,
        {
            "image.tag": read_value(before, "image.tag"),
            "image.digest": read_value(before, "image.digest"),
        },
    )
    assert restored == before


def test_quoting_comments_and_crlf_survive() -> None:
    text = "# header\r\nimage:\r\n  repository: r  # the repo\r\n  tag: 'old'   # pinned\r\n  digest: \"\"\r\nz: 1\r\n"
    out = set_values(text, {"image.tag": SHA, "image.digest": DIGEST})
    assert out == (
        f"# header\r\nimage:\r\n  repository: r  # the repo\r\n  tag: '{SHA}'   # pinned\r\n"
        f'  digest: "{DIGEST}"\r\nz: 1\r\n'
    )


def test_plain_scalars_stay_plain_unless_they_would_change_type() -> None:
    assert set_values("tag: v1  # c\n", {"tag": "abc"}) == "tag: abc  # c\n"
    all_digits = "1234567890" * 4
    assert set_values("tag: v1\n", {"tag": all_digits}) == f'tag: "{all_digits}"\n'
    assert read_value(set_values("tag: v1\n", {"tag": "1e10"}), "tag") == "1e10"


def test_absent_key_and_collections_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"key path .image.tag is absent"):
        set_values("image:\n  repository: r\n", {"image.tag": SHA})
    with pytest.raises(ConfigError, match=r"key path .image is absent or not a mapping"):
        set_values("name: x\n", {"image.tag": SHA})
    with pytest.raises(ConfigError, match="holds a collection"):
        set_values("image:\n  tag: [a]\n", {"image": SHA})


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(ConfigError, match=r"values: v.yaml:\d+: malformed YAML"):
        set_values("image:\n  tag: [unclosed\n", {"image.tag": SHA}, name="v.yaml")


@pytest.mark.parametrize("bad", ["../x.yaml", "/etc/passwd", "apps/../../x", ""])
def test_paths_must_stay_inside_the_repo(bad: str) -> None:
    with pytest.raises(ConfigError, match="inside the GitOps repository"):
        safe_repo_path(bad)
    assert safe_repo_path("apps/a/overlays/dev/values.yaml") == "apps/a/overlays/dev/values.yaml"
