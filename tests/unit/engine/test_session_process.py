"""The `dagger session` process started ahead of the SDK: its connect line, its failure, its end.

The CLI here is a script speaking the session protocol the Python SDK reads (one JSON line with
the port and token on stdout, ending when stdin closes); the real CLI is what every engine test uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from slipway.engine.connection import private_log
from slipway.engine.session_process import SessionProcess, joined
from slipway.errors import EngineError


def _cli(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "dagger"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def test_gives_the_port_and_token_and_ends_when_closed(tmp_path: Path) -> None:
    args = tmp_path / "args"
    cli = _cli(
        tmp_path,
        f"""echo "$@" > {args}
echo '{{"port": 41234, "session_token": "tok-1"}}'
cat >/dev/null
echo ended >> {args}""",
    )
    with (tmp_path / "log").open("w") as log:
        session = SessionProcess(cli, log)
        assert session.params() == (41234, "tok-1")
        assert session.close() == 0
    said = args.read_text().splitlines()
    assert said[0].startswith("session --label dagger.io/sdk.name:python --label dagger.io/sdk.version:")
    assert said[1] == "ended"  # it saw stdin close and finished before close() returned


def test_a_session_that_cannot_start_names_its_status_and_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("_EXPERIMENTAL_DAGGER_RUNNER_HOST", "docker-container://nowhere")
    cli = _cli(tmp_path, "echo 'engine unreachable' >&2; exit 3")
    path = tmp_path / "session.log"
    with private_log(path) as log:  # the log engine_connection gives the session
        session = SessionProcess(cli, log)
        with pytest.raises(EngineError) as raised:
            session.params()
    assert str(raised.value) == (
        f"engine: could not connect to docker-container://nowhere: the session exited with status 3; "
        f"its log: {path} (run `slipway doctor`)"
    )
    assert path.read_text() == "engine unreachable\n"


def test_joined_points_the_sdk_at_the_session_only_while_it_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGGER_SESSION_PORT", raising=False)
    monkeypatch.delenv("DAGGER_SESSION_TOKEN", raising=False)
    with joined(41234, "tok-1"):
        assert (os.environ["DAGGER_SESSION_PORT"], os.environ["DAGGER_SESSION_TOKEN"]) == ("41234", "tok-1")
    assert "DAGGER_SESSION_PORT" not in os.environ and "DAGGER_SESSION_TOKEN" not in os.environ
