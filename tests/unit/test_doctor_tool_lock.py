"""`slipway doctor`'s tool-lock checks: drift is a warning naming both digests, no lock a note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from config_text import CONFIG_HEAD

from slipway.engine.health import Check, tool_lock_checks
from slipway.errors import ConfigError
from slipway.tool_lock import lock_text

A, B = ("sha256:" + x * 64 for x in "ab")
HELM = "localhost:5000/slipway-test/helm:v1"
TRIVY = "localhost:5000/slipway-tools/trivy:v0.74.0"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What the fake registry serves, by reference; anything else is missing."""
    registry: dict[str, str] = {}

    def digest(ref: str) -> str:
        if ref not in registry:
            msg = f"tools: {ref} does not exist in its registry"
            raise ConfigError(msg)
        return registry[ref]

    monkeypatch.setattr("slipway.registry.served_digest", digest)
    return registry


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    table = tmp_path / "tool-images.json"
    table.write_text(json.dumps({"trivy": f"{TRIVY}@{A}"}))
    monkeypatch.setenv("SLIPWAY_TOOL_IMAGES", str(table))
    app = tmp_path / "app"
    app.mkdir()
    (app / "slipway.yaml").write_text(f"{CONFIG_HEAD}  - name: dev\n")
    return app


def test_locks_that_match_their_registry_are_one_ok_line_each(app: Path, served: dict[str, str]) -> None:
    served.update({TRIVY: A, HELM: A})
    (app / "slipway.lock").write_text(lock_text({"helm": f"{HELM}@{A}"}))
    checks = tool_lock_checks(app)
    assert [(c.name, c.ok, c.warning) for c in checks] == [
        ("tool table", True, False),
        ("tool lock", True, False),
    ]
    assert checks[1].detail == f"1 tools in {app / 'slipway.lock'} match their registry"


def test_a_moved_tag_is_a_warning_naming_the_tool_the_tag_and_both_digests(
    app: Path, served: dict[str, str]
) -> None:
    served.update({TRIVY: A, HELM: B, f"{HELM}@{A}": A})
    (app / "slipway.lock").write_text(lock_text({"helm": f"{HELM}@{A}"}))
    drifted = tool_lock_checks(app)[1]
    assert drifted == Check(
        "tool lock helm",
        ok=True,
        warning=True,
        detail=f"helm: {HELM} is locked at {A} but the registry serves {B} ({app / 'slipway.lock'})",
        fix="run `slipway tools lock` to accept the new image, or rebuild the image the lock names",
    )


def test_a_locked_image_gone_from_the_registry_fails(app: Path, served: dict[str, str]) -> None:
    served.update({TRIVY: B})
    checks = tool_lock_checks(None)
    assert [(c.name, c.ok) for c in checks] == [("tool table trivy", False)]
    assert checks[0].detail.endswith("and the locked image is gone from the registry")
    assert "make engine" in checks[0].fix


def test_no_lock_is_a_note_and_a_broken_one_a_failure(app: Path, served: dict[str, str]) -> None:
    served.update({TRIVY: A})
    note = tool_lock_checks(app)[-1]
    assert (note.name, note.ok, note.warning) == ("tool lock", True, False)
    assert "no slipway.lock in" in note.detail and "`slipway tools lock` pins them" in note.detail
    assert [c.name for c in tool_lock_checks(app.parent)] == ["tool table"]  # not an app: no lock line
    (app / "slipway.lock").write_text('{"version": 1, "tools": {"helm": "alpine/helm:3"}}')
    broken = tool_lock_checks(app)[-1]
    assert not broken.ok and "tools.helm: 'alpine/helm:3' names no @sha256: digest" in broken.detail


def test_a_table_without_digests_is_a_note(app: Path, served: dict[str, str]) -> None:
    (app.parent / "tool-images.json").write_text(json.dumps({"trivy": TRIVY}))
    (check,) = tool_lock_checks(None)
    assert check.ok and "pins no digests (rerun `make engine` to record them)" in check.detail
