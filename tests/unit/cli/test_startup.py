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


def test_help_lists_every_command_with_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Commands not being run are declared without options, but help still names and sums up each."""
    from slipway.cli.app import build_parser, main

    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    full = build_parser(None)
    choices = full._subparsers._group_actions[0].choices
    for name, parser in choices.items():
        summary = (parser.description or "").splitlines()[0]
        assert name in listed and summary.split()[0] in listed, (name, summary)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "build", "--source", "app", "--env", "dev"],
        ["cluster", "namespace", "a", "b"],
        [
            "--debug",
            "run",
            "promote",
            "--to",
            "dev",
            "--repo",
            "r",
            "--token",
            "env:T",
            "--app",
            "x",
            "--app",
            "y",
        ],
        ["tools", "lock"],
    ],
)
def test_the_command_being_run_parses_as_when_every_command_is_declared(args: list[str]) -> None:
    from slipway.cli.app import build_parser

    lazy, full = build_parser(args).parse_args(args), build_parser(None).parse_args(args)
    assert vars(lazy) | {"help_of": None} == vars(full) | {"help_of": None}
