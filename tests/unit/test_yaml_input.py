from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from slipway.errors import ConfigError
from slipway.yaml_input import (
    MAX_YAML_BYTES,
    check_yaml_size,
    describe_yaml_error,
    max_yaml_bytes,
    read_yaml_file,
    shown,
)


def test_limit_defaults_to_one_mib_and_env_overrides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLIPWAY_MAX_YAML_BYTES", raising=False)
    assert max_yaml_bytes() == MAX_YAML_BYTES == 1 << 20
    monkeypatch.setenv("SLIPWAY_MAX_YAML_BYTES", "10")
    assert max_yaml_bytes() == 10
    with pytest.raises(ConfigError, match="over the 10-byte limit"):
        check_yaml_size("a: 12345678\n", "v.yaml", "values")
    check_yaml_size("a: 1\n", "v.yaml", "values")


@pytest.mark.parametrize("bad", ["-1", "0", "lots", "1e6"])
def test_bad_limit_override_is_a_config_error(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("SLIPWAY_MAX_YAML_BYTES", bad)
    with pytest.raises(ConfigError, match="SLIPWAY_MAX_YAML_BYTES must be a positive number of bytes"):
        max_yaml_bytes()


def test_size_counts_utf8_bytes_not_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIPWAY_MAX_YAML_BYTES", "8")
    check_yaml_size("a: 1234", "v.yaml", "values")  # 7 characters, 7 bytes
    with pytest.raises(ConfigError, match=r"values: v.yaml is 9 bytes, over the 8-byte limit"):
        check_yaml_size("a: ééé", "v.yaml", "values")  # 6 characters, 9 bytes


def test_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLIPWAY_MAX_YAML_BYTES", "100")
    path = tmp_path / "big.yaml"
    path.write_bytes(b"\xff" * 101)  # not UTF-8 either: the size is what is reported
    with pytest.raises(ConfigError) as info:
        read_yaml_file(path, "config")
    assert str(info.value) == (
        f"config: {path} is 101 bytes, over the 100-byte limit for YAML files "
        "(shrink it, or raise SLIPWAY_MAX_YAML_BYTES)"
    )


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        read_yaml_file(path, "config")
    assert str(info.value) == (
        f"config: {path}:2: is not UTF-8 text (byte 0xe9 at offset 11; save the file as UTF-8)"
    )


def test_bom_and_crlf_are_kept_for_the_parser(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\r\n")
    assert read_yaml_file(path, "config") == "\ufeffa: 1\r\n"


def test_unreadable_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config: could not read .*: (Is a directory|.*) \(check that"):
        read_yaml_file(tmp_path, "config")


def test_shown_escapes_and_shortens() -> None:
    assert shown("prod\n") == "'prod\\n'"
    assert shown("\x1b[2J") == "'\\x1b[2J'"
    long = shown("x" * 1000)
    assert len(long) == 60
    assert long.startswith("'xxx")
    assert long.endswith("...'")


def test_yaml_errors_become_one_line_with_the_line_number() -> None:
    text = "a: 1\nb: [\n"
    with pytest.raises(yaml.YAMLError) as info:
        yaml.safe_load(text)
    line, why = describe_yaml_error(info.value, text)
    assert line == 3
    assert "\n" not in why
    assert why == "while parsing a flow node at line 3: expected the node content, but found '<stream end>'"
    text = "a: 1\nb: \x00\n"
    with pytest.raises(yaml.YAMLError) as info:
        yaml.safe_load(text)
    assert describe_yaml_error(info.value, text) == (
        2,
        "unacceptable character #x0000: special characters are not allowed",
    )
