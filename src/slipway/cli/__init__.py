"""The slipway command line: thin typer commands over the library."""
