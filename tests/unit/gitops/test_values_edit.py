from __future__ import annotations

import difflib
import warnings
from pathlib import Path

import pytest

from slipway.errors import ConfigError
from slipway.gitops.values_edit import Select, read_value, safe_repo_path, set_values

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
    with pytest.raises(ConfigError) as info:
        set_values("name: x\n", {"image.tag": SHA}, "v.yaml")
    assert str(info.value) == "values: v.yaml: key path .image is absent (the document has 'name')"
    with pytest.raises(ConfigError) as info:
        set_values("image: v1\n", {"image.tag": SHA}, "v.yaml")
    assert str(info.value) == "values: v.yaml: key path .image is the scalar 'v1', not a mapping"
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


MERGED = """\
defaults: &image
  repository: r
  tag: v1
image:
  <<: *image
  digest: ""
"""


def test_merged_value_is_read_but_not_edited() -> None:
    assert read_value(MERGED, "image.tag", "f.yaml") == "v1"
    assert read_value(MERGED, "image.repository", "f.yaml") == "r"
    with pytest.raises(ConfigError) as info:
        set_values(MERGED, {"image.tag": SHA}, "f.yaml")
    assert str(info.value) == (
        "values: f.yaml: image.tag comes from the anchor at line 3 (via <<); edit it there or remove the merge"
    )
    # The key written in place next to the merge is edited normally.
    out = set_values(MERGED, {"image.digest": DIGEST}, "f.yaml")
    assert out == MERGED.replace('digest: ""', f'digest: "{DIGEST}"')


def test_merge_from_a_list_and_own_keys_win() -> None:
    text = "a: &a {x: 1}\nb: &b {tag: v0, x: 2}\nimage:\n  <<: [*a, *b]\n  x: 3\n"
    assert read_value(text, "image.tag") == "v0"
    assert read_value(text, "image.x") == "3"
    assert set_values(text, {"image.x": "4"}) == text.replace("x: 3", 'x: "4"')
    with pytest.raises(ConfigError, match=r"image.tag comes from the anchor at line 2 \(via <<\)"):
        set_values(text, {"image.tag": "v1"})


def test_alias_to_a_mapping_is_read_but_not_edited() -> None:
    text = "shared: &img\n  repository: r\n  tag: v1\nimage: *img\n"
    assert read_value(text, "image.tag", "f.yaml") == "v1"
    with pytest.raises(ConfigError) as info:
        set_values(text, {"image.tag": SHA}, "f.yaml")
    assert str(info.value) == (
        "values: f.yaml: image.tag comes from the anchor at line 3 (via alias *img); "
        "edit it there or replace the alias"
    )
    # At the anchor itself the edit is where the key path points.
    assert set_values(text, {"shared.tag": "v2"}) == text.replace("tag: v1", "tag: v2")


def test_scalar_alias_is_not_edited() -> None:
    text = "release: &rel v1\nimage:\n  tag: *rel\n"
    assert read_value(text, "image.tag") == "v1"
    with pytest.raises(ConfigError, match=r"image.tag comes from the anchor at line 1 \(via alias \*rel\)"):
        set_values(text, {"image.tag": SHA})


def test_self_merging_anchor_does_not_loop() -> None:
    with pytest.raises(ConfigError, match=r"key path .a.tag is absent"):
        set_values("a: &a\n  <<: *a\n  x: 1\n", {"a.tag": SHA})


def test_anchor_and_tag_before_the_value_are_kept() -> None:
    text = "image:\n  tag: &t v1  # c\n  digest: !!str old\nx: *t\n"
    out = set_values(text, {"image.tag": "v2", "image.digest": DIGEST})
    assert out == f"image:\n  tag: &t v2  # c\n  digest: !!str {DIGEST}\nx: *t\n"


def test_flow_mappings_bom_and_crlf() -> None:
    text = '\ufeffimage: {repository: r, tag: v1, digest: ""}  # c\r\nz: 1\r\n'
    out = set_values(text, {"image.tag": "a:b", "image.digest": DIGEST})
    assert out == f'\ufeffimage: {{repository: r, tag: "a:b", digest: "{DIGEST}"}}  # c\r\nz: 1\r\n'


@pytest.mark.parametrize("word", ["on", "off", "yes", "No", "y", "TRUE", "null", ".inf", "-1", "x:"])
def test_words_yaml_reads_as_other_types_are_quoted(word: str) -> None:
    out = set_values("tag: v1\n", {"tag": word})
    assert out == f'tag: "{word}"\n'
    assert read_value(out, "tag") == word


@pytest.mark.parametrize(
    ("value", "rendered"),
    [("a\nb", '"a\\nb"'), ("tab\there", '"tab\\there"'), ("nul\x00", '"nul\\0"'), ("\u2028", '"\\u2028"')],
)
def test_control_characters_stay_on_one_line(value: str, rendered: str) -> None:
    assert set_values("tag: 'v1'\n", {"tag": value}) == f"tag: {rendered}\n"


def test_values_read_as_written() -> None:
    text = "a: 1.10\nb: true\nc: ~\nd:\ne: 0x1F\n"
    assert [read_value(text, k) for k in "abcde"] == ["1.10", "true", "", "", "0x1F"]


def test_empty_and_multi_line_values_are_refused() -> None:
    with pytest.raises(ConfigError) as info:
        set_values("image:\n  tag:\n  x: 1\n", {"image.tag": SHA}, "f.yaml")
    assert str(info.value) == 'values: f.yaml:2: image.tag: has no value to replace (write tag: "" first)'
    with pytest.raises(ConfigError, match=r"f.yaml:2: image.tag: only single-line scalars can be edited"):
        set_values("image:\n  tag: >\n    v1\n", {"image.tag": SHA}, "f.yaml")
    with pytest.raises(ConfigError, match=r"f.yaml:2: image.tag: only single-line scalars can be edited"):
        set_values("image:\n  tag: v1\n    v2\n", {"image.tag": SHA}, "f.yaml")


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ConfigError) as info:
        read_value("image:\n  tag: v1\n  tag: v2\n", "image.tag", "f.yaml")
    assert str(info.value) == "values: f.yaml:3: duplicate key 'tag' (first at line 2)"


@pytest.mark.parametrize(
    ("nested", "line"), [(" " + "[" * 100_000, 3), (" " + "{a: " * 100_000, 3), ("\n" + "- " * 50_000, 4)]
)
def test_deep_nesting_is_refused_without_recursion_error(nested: str, line: int) -> None:
    with pytest.raises(ConfigError) as info:
        set_values("image:\n  tag: v1\nx:" + nested + "\n", {"image.tag": SHA}, "f.yaml")
    assert str(info.value) == f"values: f.yaml:{line}: malformed YAML: nested deeper than 64 levels"


def test_errors_are_one_line() -> None:
    with pytest.raises(ConfigError) as info:
        set_values("image:\n  tag: a\x00\n", {"image.tag": SHA}, "f.yaml")
    assert str(info.value) == (
        "values: f.yaml:2: malformed YAML: unacceptable character #x0000: special characters are not allowed"
    )


def test_files_over_the_size_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "image:\n  tag: v1\n"
    monkeypatch.setenv("SLIPWAY_MAX_YAML_BYTES", str(len(text)))
    assert read_value(text, "image.tag") == "v1"
    with pytest.raises(ConfigError, match=r"values: f.yaml is 18 bytes, over the 17-byte limit"):
        read_value(text + "#", "image.tag", "f.yaml")


def test_redefined_anchor_is_read_quietly_and_its_alias_not_edited() -> None:
    text = "a: &x 1\nb: &x v2\nimage:\n  tag: *x\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_value(text, "image.tag") == "v2"
        with pytest.raises(ConfigError, match=r"image.tag comes from the anchor at line 2 \(via alias \*x\)"):
            set_values(text, {"image.tag": SHA})


IMAGES = "images:\n  - name: a.b/x  # first\n    newTag: v1\n  - name: y\n    newTag: 'v1'\n"


def test_a_select_step_edits_the_one_matching_list_item() -> None:
    path = ("images", Select("name", "y"), "newTag")
    assert read_value(IMAGES, path) == "v1"
    assert read_value(IMAGES, ("images", Select("name", "a.b/x"), "newTag")) == "v1"  # dots need no escaping
    assert set_values(IMAGES, {path: "v2"}) == IMAGES.replace("'v1'", "'v2'")
    flow = "images: [{name: y, newTag: v1}, {name: z, newTag: v1}]\r\n"
    assert set_values(flow, {path: "a:b"}) == 'images: [{name: y, newTag: "a:b"}, {name: z, newTag: v1}]\r\n'


def test_a_select_step_matching_no_item_or_several_is_refused() -> None:
    with pytest.raises(ConfigError) as info:
        read_value(IMAGES, ("images", Select("name", "z"), "newTag"), "k.yaml")
    assert (
        str(info.value)
        == "values: k.yaml: key path .images[name=z] matches no item (found name: 'a.b/x', 'y')"
    )
    twice = IMAGES + "  - name: y\n    newTag: v3\n"
    with pytest.raises(ConfigError) as info:
        set_values(twice, {("images", Select("name", "y"), "newTag"): SHA}, "k.yaml")
    assert str(info.value) == "values: k.yaml: key path .images[name=y] matches 2 items (lines 4, 6)"
    with pytest.raises(ConfigError, match=r"key path .images is a mapping, not a list"):
        read_value("images: {name: y}\n", ("images", Select("name", "y"), "newTag"))
    with pytest.raises(ConfigError, match=r"key path .images\[name=y\].newTag is absent"):
        set_values("images:\n- name: y\n", {("images", Select("name", "y"), "newTag"): SHA})


def test_a_list_item_reached_through_an_alias_is_read_but_not_edited() -> None:
    text = "base: &b {name: y, newTag: v1}\nimages:\n  - *b\n"
    path = ("images", Select("name", "y"), "newTag")
    assert read_value(text, path, "k.yaml") == "v1"
    with pytest.raises(
        ConfigError, match=r"images\[name=y\].newTag comes from the anchor at line 1 \(via alias \*b\)"
    ):
        set_values(text, {path: SHA}, "k.yaml")
