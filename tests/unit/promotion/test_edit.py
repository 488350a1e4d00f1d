"""edit: the image written into the file's text, the values diff, and 'unchanged' for what already landed."""

from __future__ import annotations

from slipway.gitops.locators import KeysLocator
from slipway.promotion.steps.edit import EditInput, edit
from slipway.refs import parse_ref

PATH = "apps/web/dev/values.yaml"
SHA = "b" * 40
DIGEST = "sha256:" + "cd" * 32
TEXT = f'# dev\nimage:\n  repository: r.test/web\n  tag: "{"a" * 40}"  # pinned\n  digest: ""\nreplicas: 2\n'


async def test_the_new_image_changes_its_lines_only_and_the_diff_shows_them() -> None:
    edited = await edit(EditInput(KeysLocator()), PATH, TEXT, parse_ref(f"r.test/web:{SHA}@{DIGEST}"))
    assert edited.changed and edited.old == TEXT
    assert edited.new == TEXT.replace("a" * 40, SHA).replace('digest: ""', f'digest: "{DIGEST}"')
    lines = edited.diff.splitlines()
    assert lines[:2] == [f"--- a/{PATH}", f"+++ b/{PATH}"]
    assert [ln for ln in lines if ln[:1] in "+-" and ln[:3] not in ("---", "+++")] == [
        f'-  tag: "{"a" * 40}"  # pinned', '-  digest: ""', f'+  tag: "{SHA}"  # pinned', f'+  digest: "{DIGEST}"',
    ]  # fmt: skip


async def test_the_image_already_there_changes_nothing() -> None:
    landed = TEXT.replace("a" * 40, SHA).replace('digest: ""', f'digest: "{DIGEST}"')
    edited = await edit(EditInput(KeysLocator()), PATH, landed, parse_ref(f"r.test/web:{SHA}@{DIGEST}"))
    assert not edited.changed and edited.diff == ""
