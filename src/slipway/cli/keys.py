"""`slipway keys`: make the cosign key pair that signs an app's images."""

from __future__ import annotations

from pathlib import Path

import typer

from slipway.cli.console import info, result

keys_app = typer.Typer(help="Make and manage the image signing keys.", no_args_is_help=True)


@keys_app.command("generate")
def generate(
    out: Path = typer.Option(Path(), "--out", help="Directory for cosign.key and cosign.pub.", metavar="DIR"),
    password: str = typer.Option(
        "",
        "--password",
        help="The private key's password as env:NAME or file:PATH (default: none).",
        metavar="SECRET",
    ),
) -> None:
    """Make a cosign key pair on the engine: cosign.key (private, 0600) and cosign.pub."""
    import anyio

    from slipway.engine.connection import engine_connection
    from slipway.keys import fingerprint, generate_key_pair
    from slipway.secrets import read_secret
    from slipway.tool_images import ToolImages

    secret = read_secret(password, "--password") if password else ""

    async def make() -> tuple[Path, Path]:
        async with engine_connection():
            return await generate_key_pair(out, ToolImages.resolve()["cosign"], secret)

    private, public = anyio.run(make)
    result(f"Private key: {private} (keep it secret; never commit it)")
    result(f"Public key:  {public} ({fingerprint(public.read_text())})")
    info(f"next: copy {public.name} into the app; in slipway.yaml: signing: {{public_key: {public.name}}}")
    info("      (protected environments then require a signature: environments[].require_signature)")
    pw = " --signing-password env:COSIGN_PASSWORD" if password else ""
    info(f"      build with: slipway run build-and-propose ... --signing-key file:{private}{pw}")
