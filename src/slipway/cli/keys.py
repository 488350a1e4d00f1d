"""`slipway keys`: make the cosign key pair that signs an app's images."""

from __future__ import annotations

from slipway.cli.console import info, result
from slipway.cli.options import as_path
from slipway.cli.parser import command, group

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `keys` and its commands."""
    keys = group(commands, "keys", "Make and manage the image signing keys.")
    if keys is not None:
        command(keys, "generate", generate, _generate_options)


def _generate_options(parser: Parser) -> None:
    parser.add_argument(
        "--out", type=as_path, default=".", metavar="DIR", help="Directory for cosign.key and cosign.pub."
    )
    parser.add_argument(
        "--password",
        default="",
        metavar="SECRET",
        help="The private key's password as env:NAME or file:PATH (default: none).",
    )


def generate(args: argparse.Namespace) -> None:
    """Make a cosign key pair on the engine: cosign.key (private, 0600) and cosign.pub."""
    import anyio

    from slipway.engine.connection import engine_connection
    from slipway.keys import fingerprint, generate_key_pair
    from slipway.secrets import read_secret
    from slipway.tool_images import ToolImages

    password: str = args.password
    secret = read_secret(password, "--password") if password else ""

    async def make() -> tuple[Path, Path]:
        async with engine_connection():
            return await generate_key_pair(args.out, ToolImages.resolve()["cosign"], secret)

    private, public = anyio.run(make)
    result(f"Private key: {private} (keep it secret; never commit it)")
    result(f"Public key:  {public} ({fingerprint(public.read_text())})")
    info(f"next: copy {public.name} into the app; in slipway.yaml: signing: {{public_key: {public.name}}}")
    info("      (protected environments then require a signature: environments[].require_signature)")
    pw = " --signing-password env:COSIGN_PASSWORD" if password else ""
    info(f"      build with: slipway run build-and-propose ... --signing-key file:{private}{pw}")
