"""The check every clone runs on the files slipway reads or edits: no symbolic link on the way.

The shell check itself runs here, with the host's sh and realpath, on a checkout-like directory.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from slipway.gitops.repo import NO_SYMLINKS, symlink_refusal

VALUES = "apps/web/overlays/dev/values.yaml"
URL = "https://forge.test/acme/gitops.git"


def _check(root: Path, *paths: str) -> tuple[int, str]:
    proc = subprocess.run(["sh", "-c", NO_SYMLINKS, "check", *paths], cwd=root, capture_output=True,
                          text=True, check=False, timeout=30)  # fmt: skip
    return proc.returncode, proc.stderr.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "apps/web/overlays/dev").mkdir(parents=True)
    (root / VALUES).write_text("image:\n  tag: x\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "values.yaml").write_text("secret: 1\n")
    return root


def test_regular_and_absent_files_pass(checkout: Path) -> None:
    assert _check(checkout, VALUES, "apps/web/overlays/staging/values.yaml") == (0, "")


def test_a_symlinked_file_pointing_outside_is_reported_with_where_it_goes(checkout: Path) -> None:
    (checkout / VALUES).unlink()
    (checkout / VALUES).symlink_to(checkout.parent / "outside" / "values.yaml")
    code, report = _check(checkout, VALUES)
    assert code == 13
    assert report == f"{VALUES}\t{(checkout.parent / 'outside' / 'values.yaml').resolve()}"


def test_a_directory_symlinked_outside_is_reported(checkout: Path) -> None:
    (checkout / "apps/web/overlays/prod").symlink_to("../../../../outside")
    code, report = _check(checkout, VALUES, "apps/web/overlays/prod/values.yaml")
    assert code == 13
    assert (
        report == f"apps/web/overlays/prod/values.yaml\t{(checkout.parent / 'outside/values.yaml').resolve()}"
    )


def test_a_symlink_inside_the_repository_is_refused_too(checkout: Path) -> None:
    (checkout / "apps/web/overlays/staging").symlink_to("dev")
    code, report = _check(checkout, "apps/web/overlays/staging/values.yaml")
    assert (code, report) == (13, f"apps/web/overlays/staging/values.yaml\t{VALUES}")


def test_the_refusal_says_outside_when_the_link_leaves_the_repository() -> None:
    line = symlink_refusal(f"{VALUES}\t/etc/passwd", URL)
    assert line == (
        f"{VALUES} in {URL} is a symbolic link or lies under one (it resolves to /etc/passwd, outside "
        "the repository); slipway edits only regular files inside the repository, reached through no "
        "symbolic link"
    )
    assert "(it resolves to apps/x.yaml);" in symlink_refusal(f"{VALUES}\tapps/x.yaml", URL)
