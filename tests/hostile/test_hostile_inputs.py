"""Hostile slipway.yaml and values files: each is refused with one readable error, or accepted.

Every file in `configs/` and `values/` is a case, plus a few generated ones too big to keep in
the repository. Configs go through `load_config` and through the CLI (`slipway run build`,
pointed at an engine that does not exist, so nothing is reached); values files go through
`read_value` and `set_values`.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from slipway.config import load_config
from slipway.errors import ConfigError
from slipway.gitops.values_edit import read_value, set_values

HERE = Path(__file__).parent
CONFIGS = HERE / "configs"
VALUES = HERE / "values"
SHA = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32
DNS = "must be a DNS-1123 label: a-z, 0-9 and '-', at most 63, no '-' at either end"
INSIDE = "must be a relative path inside the GitOps repository"
TOO_BIG = "over the 1048576-byte limit for YAML files (shrink it, or raise SLIPWAY_MAX_YAML_BYTES)"

# Case file -> the fragment its error must contain ({file} is the config's path), None when accepted.
CONFIG_CASES: dict[str, str | None] = {
    "duplicate-key.yaml": "{file}:5: toolchain: duplicate key 'toolchain' (first at line 4)",
    "protected-true-then-false.yaml": (
        "{file}:13: environments[1].protected: duplicate key 'protected' (first at line 12)"
    ),
    "non-utf8.yaml": "config: {file}:3: is not UTF-8 text (byte 0xf4 at offset 50; save the file as UTF-8)",
    "bom-crlf.yaml": None,
    "flow-style.yaml": None,
    "values-path-application.yaml": (
        "{file}:14: gitops.values_path: may only use {{app}} and {{env}} (got '{{application}}')"
    ),
    "values-path-index.yaml": "{file}:14: gitops.values_path: may only use {{app}} and {{env}} (got '{{0}}')",
    "values-path-unclosed.yaml": (
        "{file}:14: gitops.values_path: may only use {{app}} and {{env}} (unexpected '{{' in field name)"
    ),
    "values-path-dotdot.yaml": f"{{file}}:14: gitops.values_path: {INSIDE} (it contains '..')",
    "values-path-absolute.yaml": f"{{file}}:14: gitops.values_path: {INSIDE} (it starts with '/')",
    "nul-byte.yaml": (
        "{file}:1: document: not valid YAML: unacceptable character #x0000: special characters are not allowed"
    ),
    "tab-indentation.yaml": (
        "{file}:6: document: not valid YAML: while scanning for the next token: "
        "found character '\\t' that cannot start any token"
    ),
    "terminal-escape-key.yaml": "{file}:15: '\\x1b]0;owned\\x07\\x1b[2J': unknown key",
    "app-command-substitution.yaml": f"{{file}}:1: app: {DNS} (got 'web-api$(id)')",
    "app-dash-rf.yaml": f"{{file}}:1: app: {DNS} (got '-rf')",
    "app-upper-case.yaml": f"{{file}}:1: app: {DNS} (got 'WEB')",
    "app-dots.yaml": f"{{file}}:1: app: {DNS} (got 'a..b')",
    "env-trailing-slash.yaml": f"{{file}}:11: environments[1].name: {DNS} (got 'prod/')",
    "env-dot-slash.yaml": f"{{file}}:11: environments[1].name: {DNS} (got './prod')",
    "env-upper-case.yaml": f"{{file}}:11: environments[1].name: {DNS} (got 'PROD')",
    "env-trailing-space.yaml": f"{{file}}:11: environments[1].name: {DNS} (got 'prod ')",
    "env-newline.yaml": f"{{file}}:11: environments[1].name: {DNS} (got 'prod\\n')",
}


def _base_config() -> str:
    return (CONFIGS / "bom-crlf.yaml").read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def _deeply_nested_config() -> bytes:
    return (_base_config() + "tools: " + "[" * 100_000 + "\n").encode()


def _two_mib_config() -> bytes:
    return (_base_config() + "# " + "x" * (2 << 20) + "\n").encode()


def _very_long_line_config() -> bytes:
    return _base_config().replace("toolchain: go", "toolchain: " + "go" * 200_000).encode()


# Generated cases: name -> (file content, expected fragment).
GENERATED_CONFIGS: dict[str, tuple[Callable[[], bytes], str]] = {
    "deeply-nested.yaml": (
        _deeply_nested_config,
        "{file}:15: document: not valid YAML: nested deeper than 64 levels",
    ),
    "two-mib.yaml": (_two_mib_config, f"config: {{file}} is 2097414 bytes, {TOO_BIG}"),
    "very-long-line.yaml": (
        _very_long_line_config,
        "{file}:4: toolchain: must be one of go, npm (got '" + ("go" * 28)[:55] + "...')",
    ),
}


def _config_cases() -> list[tuple[str, Callable[[], bytes], str | None]]:
    files = sorted(p.name for p in CONFIGS.glob("*.yaml"))
    assert files == sorted(CONFIG_CASES), "every file in configs/ needs an expectation, and back"
    cases = [(name, (CONFIGS / name).read_bytes, CONFIG_CASES[name]) for name in files]
    return cases + [(name, content, expected) for name, (content, expected) in GENERATED_CONFIGS.items()]


CASES = _config_cases()


def _app_dir(tmp_path: Path, content: bytes) -> Path:
    (tmp_path / "slipway.yaml").write_bytes(content)
    return tmp_path


def _check_error_lines(text: str) -> None:
    """One line; or, for a list of config problems, a head line counting the lines after it."""
    lines = text.splitlines()
    counted = re.match(r"(?:error: )?config: (\d+) problem\(s\) in ", lines[0])
    assert len(lines) == (int(counted.group(1)) + 1 if counted else 1), text
    assert all(line.isprintable() and len(line) <= 300 for line in lines), text


@pytest.mark.parametrize(("name", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_config_loader(tmp_path: Path, name: str, content: Callable[[], bytes], expected: str | None) -> None:
    app = _app_dir(tmp_path, content())
    if expected is None:
        assert load_config(app).app == "web-api"
        return
    with pytest.raises(ConfigError) as info:
        load_config(app)
    assert expected.format(file=app / "slipway.yaml") in str(info.value)
    assert info.value.exit_code == 2
    _check_error_lines(str(info.value))


REFUSED = [c for c in CASES if c[2] is not None]


@pytest.mark.parametrize(("name", "content", "expected"), REFUSED, ids=[c[0] for c in REFUSED])
def test_config_cli(tmp_path: Path, name: str, content: Callable[[], bytes], expected: str) -> None:
    app = _app_dir(tmp_path, content())
    env = {**os.environ, "SLIPWAY_ENGINE_NAME": "slipway-no-such-engine"}
    proc = subprocess.run(
        [sys.executable, "-m", "slipway.cli.app", "run", "build", "--source", str(app)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert expected.format(file=app / "slipway.yaml") in proc.stderr
    _check_error_lines(proc.stderr)


# Values file -> the fragment the edit's error must contain, None when the edit is accepted.
VALUES_CASES: dict[str, str | None] = {
    "merge-key.yaml": (
        "values: merge-key.yaml: image.tag comes from the anchor at line 3 (via <<); "
        "edit it there or remove the merge"
    ),
    "merge-key-override.yaml": None,
    "alias.yaml": (
        "values: alias.yaml: image.tag comes from the anchor at line 3 (via alias *image); "
        "edit it there or replace the alias"
    ),
    "scalar-alias.yaml": (
        "values: scalar-alias.yaml: image.tag comes from the anchor at line 1 (via alias *release); "
        "edit it there or replace the alias"
    ),
    "anchor.yaml": None,
    "flow-style.yaml": None,
    "bom-crlf.yaml": None,
    "tab-indentation.yaml": (
        "values: tab-indentation.yaml:4: malformed YAML: while scanning for the next token: "
        "found character '\\t' that cannot start any token"
    ),
    "nul-byte.yaml": (
        "values: nul-byte.yaml:6: malformed YAML: unacceptable character #x0000: special characters are not allowed"
    ),
    "duplicate-key.yaml": "values: duplicate-key.yaml:6: duplicate key 'tag' (first at line 4)",
    "block-scalar.yaml": "values: block-scalar.yaml:4: image.tag: only single-line scalars can be edited",
    "empty-tag.yaml": 'values: empty-tag.yaml:4: image.tag: has no value to replace (write tag: "" first)',
}
# Files whose image.tag can be read even though it cannot be edited.
READABLE = {"merge-key.yaml": "v1", "alias.yaml": "v1", "scalar-alias.yaml": "v1", "empty-tag.yaml": ""}

_VALUES_BASE = """\
# values for web-api in dev
image:
  repository: localhost:5000/hostile/web-api
  tag: v1  # set by slipway
  digest: ""
"""
GENERATED_VALUES: dict[str, tuple[Callable[[], str], str | None]] = {
    "deeply-nested.yaml": (
        lambda: _VALUES_BASE + "extra: " + "[" * 100_000 + "\n",
        "values: deeply-nested.yaml:6: malformed YAML: nested deeper than 64 levels",
    ),
    "two-mib.yaml": (
        lambda: _VALUES_BASE + "# " + "x" * (2 << 20) + "\n",
        f"values: two-mib.yaml is 2097276 bytes, {TOO_BIG}",
    ),
    "very-long-line.yaml": (lambda: _VALUES_BASE + "# " + "x" * 500_000 + "\n", None),
}


def _values_cases() -> list[tuple[str, Callable[[], str], str | None]]:
    files = sorted(p.name for p in VALUES.glob("*.yaml"))
    assert files == sorted(VALUES_CASES), "every file in values/ needs an expectation, and back"
    cases = [(n, (VALUES / n).read_bytes().decode, VALUES_CASES[n]) for n in files]
    return cases + [(n, content, expected) for n, (content, expected) in GENERATED_VALUES.items()]


VALUE_CASES = _values_cases()


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


@pytest.mark.parametrize(("name", "content", "expected"), VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_edit(name: str, content: Callable[[], str], expected: str | None) -> None:
    text = content()
    changes = {"image.tag": SHA, "image.digest": DIGEST}
    if expected is None:
        out = set_values(text, changes, name)
        assert read_value(out, "image.tag", name) == SHA
        assert read_value(out, "image.digest", name) == DIGEST
        assert len(_changed_lines(text, out)) <= 4  # at most two lines out, two lines in
        return
    if name in READABLE:
        assert read_value(text, "image.tag", name) == READABLE[name]
    with pytest.raises(ConfigError) as info:
        set_values(text, changes, name)
    assert expected in str(info.value)
    assert info.value.exit_code == 2
    _check_error_lines(str(info.value))


def test_twenty_mib_values_file_is_refused_quickly() -> None:
    text = _VALUES_BASE + "".join(f"key{i}: {'x' * 100}\n" for i in range(200_000))
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"values: big.yaml is \d+ bytes, over the 1048576-byte limit"):
        set_values(text, {"image.tag": SHA}, "big.yaml")
    with pytest.raises(ConfigError, match="over the 1048576-byte limit"):
        read_value(text, "image.tag", "big.yaml")
    assert time.monotonic() - started < 2
