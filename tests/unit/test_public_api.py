"""`import slipway` is the Python face: the pipeline functions, lazy, checking input before connecting."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

import slipway
from slipway.errors import ConfigError

FUNCTIONS = ("build", "build_and_propose", "deploy", "plan", "promote", "rollback", "status")


def test_every_pipeline_function_is_exported_async_and_documented() -> None:
    assert set(FUNCTIONS) <= set(slipway.__all__)
    for name in FUNCTIONS:
        fn = getattr(slipway, name)
        assert inspect.iscoroutinefunction(fn), name
        assert fn.__doc__ and fn.__doc__.strip(), name


def test_importing_slipway_loads_neither_dagger_nor_the_cli() -> None:
    code = "import sys, slipway; print(sorted(m for m in sys.modules if m.split('.')[0] in ('dagger', 'typer', 'httpx')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_bad_input_is_refused_before_connecting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIPWAY_ENGINE_NAME", "slipway-no-such-engine")  # connecting would fail otherwise
    with pytest.raises(ConfigError, match="is not a valid name"):
        anyio.run(
            lambda: slipway.promote("PROD/", repo="http://127.0.0.1:9/o/r.git", token="t", app="web-api")
        )
    with pytest.raises(ConfigError, match="does not exist"):
        anyio.run(lambda: slipway.build(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="carries credentials"):
        anyio.run(
            lambda: slipway.rollback("dev", repo="http://u:secret@127.0.0.1/o/r.git", token="t", app="a")
        )
