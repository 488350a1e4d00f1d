"""Limits every YAML input passes before it is parsed: size, UTF-8 text, nesting depth.

slipway.yaml and GitOps values files come from repositories other people can change, so a
file that is huge, not text, or nested thousands of levels deep is refused with one readable
line instead of a traceback, a RecursionError or minutes of parsing.
"""

from __future__ import annotations

import os
from pathlib import Path

from slipway.errors import ConfigError

__all__ = [
    "MAX_YAML_BYTES",
    "MAX_YAML_BYTES_ENV",
    "MAX_YAML_DEPTH",
    "check_yaml_size",
    "decode_utf8",
    "describe_yaml_error",
    "max_yaml_bytes",
    "read_yaml_file",
    "shown",
]

MAX_YAML_BYTES = 1 << 20
MAX_YAML_BYTES_ENV = "SLIPWAY_MAX_YAML_BYTES"
MAX_YAML_DEPTH = 64
_SHOWN_LIMIT = 60


def max_yaml_bytes() -> int:
    """The size limit for YAML files: `SLIPWAY_MAX_YAML_BYTES` when set, else 1 MiB."""
    raw = os.environ.get(MAX_YAML_BYTES_ENV, "").strip()
    if not raw:
        return MAX_YAML_BYTES
    if not raw.isdigit() or int(raw) <= 0:
        msg = f"config: {MAX_YAML_BYTES_ENV} must be a positive number of bytes (got {shown(raw)})"
        raise ConfigError(msg)
    return int(raw)


def _too_large(stage: str, where: str, size: int, limit: int) -> ConfigError:
    return ConfigError(
        f"{stage}: {where} is {size} bytes, over the {limit}-byte limit for YAML files "
        f"(shrink it, or raise {MAX_YAML_BYTES_ENV})"
    )


def check_yaml_size(text: str, where: str, stage: str) -> None:
    """Refuse YAML `text` (from `where`) whose UTF-8 encoding exceeds the size limit."""
    limit = max_yaml_bytes()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise _too_large(stage, where, size, limit)


def read_yaml_file(path: Path, stage: str) -> str:
    """The text of the YAML file at `path`, refused when over the size limit or not UTF-8."""
    limit = max_yaml_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise _too_large(stage, str(path), size, limit)
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        msg = f"{stage}: could not read {path}: {exc.strerror or exc} (check that it is a readable file)"
        raise ConfigError(msg) from exc
    if len(data) > limit:
        raise _too_large(stage, str(path), len(data), limit)
    return decode_utf8(data, str(path), stage)


def decode_utf8(data: bytes, where: str, stage: str) -> str:
    """`data` decoded as UTF-8; a ConfigError naming `where` and the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        msg = (
            f"{stage}: {where}:{line}: is not UTF-8 text (byte 0x{data[exc.start]:02x} "
            f"at offset {exc.start}; save the file as UTF-8)"
        )
        raise ConfigError(msg) from exc


def shown(value: object, limit: int = _SHOWN_LIMIT) -> str:
    """`value` quoted for a message: control characters escaped, long values cut to `limit`."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 4]}...{text[-1]}" if text[-1] in "'\"])" else f"{text[: limit - 3]}..."


def _mark_line(exc: Exception, text: str) -> int | None:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        return text.count("\n", 0, position) + 1
    return None


def describe_yaml_error(exc: Exception, text: str) -> tuple[int | None, str]:
    """The line (1-based, when known) and a one-line description of a pyyaml or ruamel error."""
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None:
        context = f"{context} at line {context_mark.line + 1}"
    if problem:
        why = f"{context}: {problem}" if context else str(problem)
    else:
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    why = "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(why.split()))
    return _mark_line(exc, text), why[:200]
