from __future__ import annotations

from slipway.errors import ConfigError, EngineError, SlipwayError, StageError


def test_hierarchy_and_exit_codes() -> None:
    assert issubclass(ConfigError, SlipwayError)
    assert issubclass(EngineError, StageError)
    assert ConfigError("x").exit_code == 2
    err = StageError("scan", "could not scan: 2 HIGH findings (fix or ignore them)")
    assert err.exit_code == 1
    assert err.stage == "scan"
    assert str(err) == "scan: could not scan: 2 HIGH findings (fix or ignore them)"
    assert str(EngineError("could not connect")) == "engine: could not connect"
