"""The options several commands share, by name: `add(parser, "repo", "token")` declares them alike."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Any

__all__ = ["add", "as_path"]


def as_path(text: str) -> Path:
    """A path option's value; pathlib is imported once an option is read, not for --help."""
    from pathlib import Path

    return Path(text)


_SHARED: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "app-dir": (
        ("--source",),
        {
            "type": as_path,
            "required": True,
            "metavar": "DIR",
            "help": "The application directory (has slipway.yaml).",
        },
    ),
    "app-dir-here": (
        ("--source",),
        {
            "type": as_path,
            "default": ".",
            "metavar": "DIR",
            "help": "The application directory (has slipway.yaml; default: here).",
        },
    ),
    "revision": (
        ("--revision",),
        {"default": "", "metavar": "SHA", "help": "Commit SHA (default: the checkout's HEAD)."},
    ),
    "json": (("--json",), {"dest": "as_json", "action": "store_true", "help": "Print the result as JSON."}),
    "kubeconfig": (
        ("--kubeconfig",),
        {
            "default": "",
            "metavar": "SECRET",
            "help": "Kubeconfig as env:NAME or file:PATH (default: each env's cluster.kubeconfig).",
        },
    ),
    "signing-key": (
        ("--signing-key",),
        {
            "default": "",
            "metavar": "SECRET",
            "help": "cosign private key as env:NAME or file:PATH: then sbom, sign and attest run.",
        },
    ),
    "signing-password": (
        ("--signing-password",),
        {
            "default": "",
            "metavar": "SECRET",
            "help": "The signing key's password as env:NAME or file:PATH (default: none).",
        },
    ),
    "repo": (
        ("--repo",),
        {
            "required": True,
            "metavar": "URL",
            "help": "GitOps repository URL (http[s]://host/owner/repo.git).",
        },
    ),
    "token": (
        ("--token",),
        {"required": True, "metavar": "SECRET", "help": "Forge/git token as env:NAME or file:PATH."},
    ),
    "base": (
        ("--base",),
        {"default": "main", "metavar": "BRANCH", "help": "The GitOps repository's default branch."},
    ),
    "forge": (
        ("--forge",),
        {"default": "", "metavar": "FORGE", "help": "gitea | github | gitlab (default: from the URL)."},
    ),
    "source": (
        ("--source",),
        {
            "type": as_path,
            "metavar": "DIR",
            "help": "App directory with slipway.yaml (for env rules and paths).",
        },
    ),
    "sources": (
        ("--source",),
        {
            "dest": "sources",
            "type": as_path,
            "action": "append",
            "metavar": "DIR",
            "help": "App directory with slipway.yaml (env rules and paths); may be repeated.",
        },
    ),
    "apps": (
        ("--app",),
        {
            "dest": "apps",
            "action": "append",
            "metavar": "APP",
            "help": "App name (when no --source); repeat it to move several apps in one commit.",
        },
    ),
    "wait": (
        ("--wait",),
        {
            "action": "store_true",
            "help": "Then wait until the environment's cluster runs it (after the PR merges).",
        },
    ),
    "wait-timeout": (
        ("--wait-timeout",),
        {"type": int, "default": 600, "metavar": "SECONDS", "help": "Seconds --wait waits at most."},
    ),
}


def add(parser: argparse.ArgumentParser, *names: str) -> None:
    """Declare the shared options `names` on `parser`."""
    for name in names:
        flags, settings = _SHARED[name]
        parser.add_argument(*flags, **settings)
