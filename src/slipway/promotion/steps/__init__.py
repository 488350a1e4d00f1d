"""The promotion's steps, one per file.

Each step is a frozen `…Input` (its configuration, taken from the request), the outputs of the
steps it needs as arguments, a frozen named output and one async function; `promotion/graph.py`
wires them with `needs`.
"""
