"""Templates `slipway init` writes: slipway.yaml and CI files."""
