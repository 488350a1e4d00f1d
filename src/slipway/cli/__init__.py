"""The slipway command line: thin argparse commands over the library.

Start-up is part of the interface: the modules import argparse and each other at the top, and
everything else (pathlib, json, subprocess, the library) where a command runs. `TYPE_CHECKING =
False` stands in for typing's (mypy reads the name alike), since importing typing costs a tenth of
`slipway --help`.
"""
