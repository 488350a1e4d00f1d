"""`slipway tools`: the tool images an app's stages run in, and their lock (slipway.lock)."""

from __future__ import annotations

from pathlib import Path

import typer

from slipway.cli.console import info, result

tools_app = typer.Typer(
    help="Show and lock the tool images the stages run in.", no_args_is_help=True, rich_markup_mode=None
)

SOURCE_OPT = typer.Option(
    Path(), "--source", help="The application directory (has slipway.yaml).", metavar="DIR"
)


@tools_app.command("lock")
def lock(source: Path = SOURCE_OPT) -> None:
    """Write slipway.lock: each tool image pinned to the digest its registry serves for its tag now."""
    from slipway.config import load_config
    from slipway.errors import ConfigError
    from slipway.tool_images import LOCK_FILE, ToolImages
    from slipway.tool_lock import lock_entries, lock_text, read_lock

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


@tools_app.command("list")
def list_tools(source: Path = SOURCE_OPT) -> None:
    """Show each tool image the app's stages run in, pinned by its lock where it has one."""
    from slipway.config import load_config
    from slipway.tool_images import ToolImages

    config = load_config(source)
    for tool, ref in sorted(ToolImages.for_app(config).images.items()):
        result(f"{tool:<12} {ref}")
