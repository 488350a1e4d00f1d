"""`slipway tools`: the tool images an app's stages run in, and their lock (slipway.lock)."""

from __future__ import annotations

from slipway.cli.console import info, result
from slipway.cli.options import add
from slipway.cli.parser import command, group

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `tools` and its commands."""
    tools = group(commands, "tools", "Show and lock the tool images the stages run in.")
    if tools is not None:
        command(tools, "lock", lock, _options)
        command(tools, "list", list_tools, _options)


def _options(parser: Parser) -> None:
    add(parser, "app-dir-here")


def lock(args: argparse.Namespace) -> None:
    """Write slipway.lock: each tool image pinned to the digest its registry serves for its tag now."""
    from slipway.config import load_config
    from slipway.errors import ConfigError
    from slipway.tool_images import LOCK_FILE, ToolImages
    from slipway.tool_lock import lock_entries, lock_text, read_lock

    source: Path = args.source
    config = load_config(source, with_lock=False)  # a stale or broken lock is what this replaces
    entries = lock_entries(config.tools, ToolImages.resolve(config.tools))
    try:
        before = read_lock(source)
    except ConfigError:
        before = {}
    path = source / LOCK_FILE
    path.write_text(lock_text(entries))
    for tool, ref in sorted(entries.items()):
        moved = "" if before.get(tool, ref) == ref else f" (was {before[tool].rpartition('@')[2]})"
        result(f"{tool:<12} {ref}{moved}")
    info(f"wrote {path}: commit it beside slipway.yaml; the stages now run these digests")


def list_tools(args: argparse.Namespace) -> None:
    """Show each tool image the app's stages run in, pinned by its lock where it has one."""
    from slipway.config import load_config
    from slipway.tool_images import ToolImages

    config = load_config(args.source)
    for tool, ref in sorted(ToolImages.for_app(config).images.items()):
        result(f"{tool:<12} {ref}")
