"""The smallest valid slipway.yaml, for unit tests that vary one part of it."""

# Everything but the environments' list items, which each test appends.
CONFIG_HEAD = """\
app: demo
image:
  repository: localhost:5000/demo
toolchain: go
deploy:
  kind: helm
  path: chart
environments:
"""
