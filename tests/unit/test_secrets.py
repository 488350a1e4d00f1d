from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slipway.errors import ConfigError
from slipway.secrets import read_secret

TOKEN = "s3cr3t-t0ken"


@pytest.mark.parametrize("raw", [f"{TOKEN}\n", f"{TOKEN}\r\n", f"  {TOKEN}\t\n\n"])
def test_env_and_file_tokens_are_trimmed_alike(
    raw: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLIPWAY_TEST_TOKEN", raw)
    (tmp_path / "token").write_bytes(raw.encode())
    assert read_secret("env:SLIPWAY_TEST_TOKEN", "--token") == TOKEN
    assert read_secret(f"file:{tmp_path / 'token'}", "--token") == TOKEN


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (f"{TOKEN}\nsecond-line", "contains a line break (a token is one line)"),
        (f"{TOKEN}\rsecond", "contains a line break (a token is one line)"),
        (f"{TOKEN}\x00x", "contains a NUL byte"),
        (" \n\t", "is empty"),
    ],
)
def test_unusable_tokens_are_refused_without_echoing_them(
    raw: str, why: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "token"
    path.write_bytes(raw.encode())
    with pytest.raises(ConfigError) as info:
        read_secret(f"file:{path}", "--token")
    assert str(info.value) == f"--token: secret file {path} {why}"
    if "\x00" not in raw:  # the environment cannot hold a NUL byte
        monkeypatch.setenv("SLIPWAY_TEST_TOKEN", raw)
        with pytest.raises(ConfigError) as info:
            read_secret("env:SLIPWAY_TEST_TOKEN", "--token")
        assert str(info.value) == f"--token: environment variable SLIPWAY_TEST_TOKEN {why}"
    assert TOKEN not in str(info.value)


def test_non_utf8_token_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_bytes(b"s3cr3t\xff\xfe")
    with pytest.raises(ConfigError) as info:
        read_secret(f"file:{path}", "--token")
    assert str(info.value) == f"--token: secret file {path} is not UTF-8 text (save the token as plain UTF-8)"
    assert info.value.__cause__ is None  # the decode error would carry the file's bytes


def test_token_file_with_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "token").write_bytes(b"\xef\xbb\xbf" + TOKEN.encode() + b"\r\n")
    assert read_secret(f"file:{tmp_path / 'token'}", "--token") == TOKEN


def test_huge_token_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_bytes(b"x" * (64 * 1024 + 1))
    with pytest.raises(ConfigError, match=r"is over 65536 bytes \(a token is one short line\)"):
        read_secret(f"file:{path}", "--token")


def test_non_utf8_environment_token_is_refused() -> None:
    code = (
        "import os; from slipway.secrets import read_secret\n"
        "os.environb[b'SLIPWAY_TEST_TOKEN'] = b'tok\\xff'\n"
        "read_secret('env:SLIPWAY_TEST_TOKEN', '--token')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "ConfigError: --token: environment variable SLIPWAY_TEST_TOKEN is not UTF-8 text" in proc.stderr


def test_cli_refuses_a_two_line_token_with_one_line() -> None:
    env = {
        **os.environ,
        "SLIPWAY_ENGINE_NAME": "slipway-no-such-engine",
        "SLIPWAY_TEST_TOKEN": f"{TOKEN}\nsecond-line\n",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "slipway.cli.app", "run", "promote", "--app", "a", "--env", "dev",
         "--image", "r/a:" + "a" * 40, "--repo", "http://127.0.0.1:9/o/r.git",
         "--token", "env:SLIPWAY_TEST_TOKEN"],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == (
        "error: --token: environment variable SLIPWAY_TEST_TOKEN contains a line break (a token is one line)\n"
    )
