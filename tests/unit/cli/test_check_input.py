"""Bad input to `slipway check` fails before any engine work: exit 2, one readable error."""

from __future__ import annotations

from pathlib import Path

from apps import make_app
from slipway_cli import slipway as _slipway


def test_unknown_check_name(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, "web-api")
    proc = _slipway("check", "--source", str(app), "test", "lint")
    assert proc.returncode == 2, proc.stderr
    assert (
        proc.stderr.strip() == "error: check: unknown checks ['lint'] (known: config, test, scan, validate)"
    )


def test_invalid_slipway_yaml_is_reported_before_connecting(tmp_path: Path) -> None:
    app, _ = make_app(
        tmp_path, "web-api", {"slipway.yaml": lambda t: t.replace("toolchain: go", "toolchain: 7")}
    )
    proc = _slipway("check", "--source", str(app))
    assert proc.returncode == 2, proc.stderr
    assert f"{app / 'slipway.yaml'}:" in proc.stderr and "toolchain:" in proc.stderr
    assert "Traceback" not in proc.stderr
