"""`slipway --help` stays fast: it imports neither dagger nor the stage modules, nor what only running needs."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_help_imports_no_dagger() -> None:
    code = (
        "import sys\n"
        "from slipway.cli.app import main\n"
        "rc = main(['--help'])\n"
        "heavy = sorted(m for m in sys.modules if m == 'dagger' or m.startswith(('dagger.', 'slipway.stages')))\n"
        "print('HEAVY', heavy, rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY [] 0" in proc.stdout, proc.stdout[-500:]


@pytest.mark.parametrize("args", [["--help"], ["plan", "--help"], ["run", "build-and-propose", "--help"]])
def test_help_imports_only_the_parser(args: list[str]) -> None:
    """Help needs argparse alone: typing, pathlib, json, subprocess and the libraries wait for a command."""
    code = (
        "import sys\n"
        "from slipway.cli.app import main\n"
        f"rc = main({args!r})\n"
        "late = ('typing', 'dataclasses', 'inspect', 'pathlib', 'json', 'subprocess', 'anyio', 'yaml', 'rich', 'httpx', 'slipway.host')\n"
        "print('LOADED', sorted(m for m in late if m in sys.modules), rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED [] 0" in proc.stdout, proc.stdout[-500:]


def test_unknown_command_is_a_usage_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "slipway.cli.app", "no-such-command"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: slipway: no such command 'no-such-command'"), lines
    assert "commands: check, doctor" in lines[0]


def test_unknown_flag_and_missing_argument_are_usage_errors() -> None:
    for args in (["run", "build", "--no-such-flag"], ["run", "build"], ["run", "no-such-function"]):
        proc = subprocess.run(
            [sys.executable, "-m", "slipway.cli.app", *args], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
