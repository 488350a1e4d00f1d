"""Bad input to `slipway run build` fails before any engine work: exit 2, one readable error."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps import make_app
from slipway_cli import slipway as _slipway


def test_missing_source_directory(tmp_path: Path) -> None:
    proc = _slipway("run", "build", "--source", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == f"error: config: source directory {tmp_path / 'nope'} does not exist (pass an app directory)"
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("toolchain: go", "toolchain: cobol"),
            "toolchain: must be one of go, npm (got 'cobol')",
        ),
        (lambda t: t.replace("app: web-api", "app: [web-api]"), "app: must be a string"),
        (lambda t: t.replace("app: web-api", "# no app"), "app: required key is missing"),
    ],
)
def test_bad_config_is_exit_2_with_file_and_line(tmp_path: Path, edit, expected: str) -> None:
    app, _ = make_app(tmp_path, "web-api", {"slipway.yaml": edit})
    proc = _slipway("run", "build", "--source", str(app))
    assert proc.returncode == 2, proc.stderr
    assert f"{app / 'slipway.yaml'}:" in proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr


def test_latest_tag_is_refused_before_anything_runs(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, "web-api")
    proc = _slipway("run", "build", "--source", str(app), "--tag", "latest", "--allow-custom-tag")
    assert proc.returncode == 2
    assert "refusing to push 'latest'" in proc.stderr


def test_prod_promotion_of_latest_is_refused_before_any_clone() -> None:
    proc = _slipway(
        "run",
        "promote",
        "--app",
        "web-api",
        "--env",
        "prod",
        "--image",
        "localhost:5000/x/web-api:latest",
        "--repo",
        "http://127.0.0.1:9/slipway/gitops.git",
        "--token",
        "env:PATH",
    )
    assert proc.returncode == 2, proc.stderr
    assert "'latest' is never promoted" in proc.stderr


def test_mutable_tag_to_protected_env_is_refused() -> None:
    proc = _slipway(
        "run",
        "promote",
        "--app",
        "web-api",
        "--env",
        "prod",
        "--image",
        "localhost:5000/x/web-api:v1.2",
        "--repo",
        "http://127.0.0.1:9/slipway/gitops.git",
        "--token",
        "env:PATH",
    )
    assert proc.returncode == 2
    assert "the tag is mutable" in proc.stderr


@pytest.mark.parametrize(
    "token", ["s3cr3t-plain-token", "env:SLIPWAY_NO_SUCH_VAR", "file:/nonexistent/token"]
)
def test_secrets_must_be_env_or_file_references(token: str) -> None:
    proc = _slipway(
        "run",
        "promote",
        "--app",
        "a",
        "--env",
        "dev",
        "--image",
        "r/a:" + "a" * 40,
        "--repo",
        "http://127.0.0.1:9/o/r.git",
        "--token",
        token,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --token: ")
    assert "s3cr3t-plain-token" not in proc.stderr


def test_values_path_escaping_the_repo_is_refused(tmp_path: Path) -> None:
    app, _ = make_app(
        tmp_path,
        "web-api",
        {
            "slipway.yaml": lambda t: t.replace(
                "values_path: apps/{app}/overlays/{env}/values.yaml",
                "values_path: ../{app}/{env}.yaml",
            )
        },
    )
    proc = _slipway(
        "run",
        "promote",
        "--source",
        str(app),
        "--env",
        "dev",
        "--image",
        "r/a:" + "a" * 40,
        "--repo",
        "http://127.0.0.1:9/o/r.git",
        "--token",
        "env:PATH",
    )
    assert proc.returncode == 2, proc.stderr
    assert "must be a relative path inside the GitOps repository" in proc.stderr
