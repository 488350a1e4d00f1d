"""The Dagger engine slipway runs on: its settings, provisioning, health and connections."""
