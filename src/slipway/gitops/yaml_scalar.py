"""How slipway writes a string scalar: plain when YAML reads it back as the same string, else quoted.

A value keeps the quoting style of the scalar it replaces (single quotes stay single quotes when
the value allows them); a plain scalar stays plain unless YAML 1.1 or 1.2 would read the value
as something other than that string (a number, a boolean, null) or the context forbids it.
"""

from __future__ import annotations

import re

__all__ = ["render_scalar"]

_PLAIN_SAFE = re.compile(r"[A-Za-z_/][\w./:@+-]*", re.ASCII)
# Words YAML 1.1 (which Helm's parser follows) reads as booleans or null when unquoted.
_YAML_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\0": "\\0", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _plain_ok(value: str, flow: bool) -> bool:
    return (
        bool(_PLAIN_SAFE.fullmatch(value))
        and value.lower() not in _YAML_WORDS
        and not value.endswith(":")
        and not (flow and ":" in value)
    )


def _double_quoted(value: str) -> str:
    def escape(c: str) -> str:
        if c in _ESCAPES:
            return _ESCAPES[c]
        if c.isprintable():
            return c
        code = ord(c)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return '"' + "".join(escape(c) for c in value) + '"'


def render_scalar(value: str, style: str | None = None, flow: bool = False) -> str:
    """`value` as a YAML string scalar in `style` ("'", '"', or None: plain when safe).

    `flow` says whether it goes inside a flow collection, where a plain scalar may hold no ':'.
    """
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if style is None and _plain_ok(value, flow):
        return value
    return _double_quoted(value)
