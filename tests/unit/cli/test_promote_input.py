"""Hostile or careless input to promote, rollback and history: exit 2, one line, before any engine work.

The engine name points nowhere, so anything that got as far as connecting would exit 1 instead.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from apps import make_app
from slipway_cli import slipway

REPO = "http://127.0.0.1:3000/slipway/gitops.git"
IMAGE = "localhost:5000/slipway-examples/web-api:" + "a" * 40


def _slipway(*args: str, token: str = "tok") -> subprocess.CompletedProcess[str]:
    return slipway(*args, env={"T": token}, timeout=60)


def _promote(*args: str) -> str:
    """The one error line of `slipway run promote ARGS` against the test repository."""
    return _one_error_line(_slipway("run", "promote", *args, "--repo", REPO, "--token", "env:T"))


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


@pytest.mark.parametrize("env", ["prod/", "./prod", "PROD", "prod ", "-prod", "pro\nd", "prod$(id)"])
def test_env_spellings_are_refused(env: str) -> None:
    for args in (
        ["run", "promote", "--app", "web-api", f"--env={env}", "--image", IMAGE, "--direct-push"],
        ["run", "rollback", "--app", "web-api", f"--env={env}"],
        ["history", "--app", "web-api", f"--env={env}"],
    ):
        line = _one_error_line(_slipway(*args, "--repo", REPO, "--token", "env:T"))
        assert "--env:" in line and "is not a valid name: must be a DNS-1123 label" in line


@pytest.mark.parametrize(
    "app", ["web-api$(git push -q origin HEAD:refs/heads/pwned-app >&2)", "web-api;id", "`id`", "-rf", "Web"]
)
def test_app_names_are_refused(app: str) -> None:
    line = _promote(f"--app={app}", "--env", "dev", "--image", IMAGE)
    assert "--app: app" in line and "is not a valid name" in line


def test_a_value_that_looks_like_an_option_needs_the_equals_form() -> None:
    line = _promote("--app", "web-api", "--env", "-prod", "--image", IMAGE)
    assert "--env" in line and "expected one argument" in line


@pytest.mark.parametrize(
    "base", ["main$(git push -q origin HEAD:refs/heads/pwned-base >&2)", "-main", "ma..in", "main;id", "a b"]
)
def test_base_branches_are_refused(base: str) -> None:
    line = _promote("--app", "web-api", "--env", "dev", "--image", IMAGE, f"--base={base}")
    assert "--base:" in line and "is not a valid branch name" in line


def test_unprotected_is_never_assumed_without_a_config() -> None:
    """No --source: dev is not known to be unprotected, so it gets the protected rules."""
    line = _promote("--app", "web-api", "--env", "dev", "--image", IMAGE, "--direct-push")
    assert "'dev' is protected (or not declared unprotected in slipway.yaml)" in line
    mutable = _promote(
        "--app", "web-api", "--env", "dev", "--image", "localhost:5000/slipway-examples/web-api:v1"
    )
    assert "the tag is mutable" in mutable


def test_app_must_match_the_config(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, "web-api")
    line = _promote("--source", str(app), "--app", "web-ui", "--env", "dev", "--image", IMAGE)
    assert "--app 'web-ui' does not match" in line


def test_unknown_from_env_is_named(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, "web-api")
    line = _promote("--source", str(app), "--env", "staging", "--from", "nope")
    assert "unknown environment 'nope'" in line


def test_credentials_in_the_url_are_refused_and_never_printed() -> None:
    url = "http://user:s3cr3t-pass@127.0.0.1:3000/slipway/gitops.git"
    for args in (
        ["run", "promote", "--app", "web-api", "--env", "dev", "--image", IMAGE],
        ["history", "--app", "web-api", "--env", "dev"],
        ["run", "rollback", "--app", "web-api", "--env", "dev"],
    ):
        proc = _slipway(*args, "--repo", url, "--token", "env:T")
        line = _one_error_line(proc)
        assert "carries credentials" in line and "--token" in line
        assert "s3cr3t-pass" not in proc.stderr + proc.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--app", "web-api", "--app", "web-ui", "--from", "dev", "--image", IMAGE], "with --from ENV only"),
        (["--app", "web-api", "--app", "web-ui"], "several apps are promoted with --from ENV"),
        (["--app", "web-api", "--app", "web-api", "--from", "dev"], "needs two or more apps"),
        (["--app", "web-api", "--app", "Web_UI", "--from", "dev"], "is not a valid name"),
        (["--app", "web-api", "--app", "web-ui", "--from", "dev", "--wait"], "no --wait"),
    ],
)
def test_a_group_promotion_is_refused_before_connecting(args: list[str], fragment: str) -> None:
    assert fragment in _promote("--env", "staging", *args)


def test_a_group_rollback_checks_every_app_name_before_connecting() -> None:
    proc = _slipway("run", "rollback", "--env", "staging", "--app", "web-api", "--app", "web ui",
                    "--repo", REPO, "--token", "env:T")  # fmt: skip
    assert "--app: app" in _one_error_line(proc)
