"""Pipeline stages, one per file: a frozen config, a function that runs it, a result."""
