"""Bad input to `slipway run build-and-propose` with several apps fails before any engine work: exit 2, one line."""

from __future__ import annotations

from pathlib import Path

from apps import make_app
from slipway_cli import slipway as _slipway

GITOPS = ("--repo", "https://forge.test/acme/gitops.git", "--token", "env:SLIPWAY_TEST_TOKEN")
TOKEN = {"SLIPWAY_TEST_TOKEN": "t"}


def _propose(*args: str) -> tuple[int, str]:
    proc = _slipway("run", "build-and-propose", *args, *GITOPS, env=TOKEN)
    assert "Traceback" not in proc.stderr
    return proc.returncode, proc.stderr.strip()


def test_a_pattern_matching_no_app_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "apps" / "docs").mkdir(parents=True)
    code, err = _propose("--source", f"{tmp_path}/apps/*")
    assert (code, err) == (
        2,
        f"error: --source '{tmp_path}/apps/*': no directory matching it holds a slipway.yaml (check the pattern)",
    )


def test_several_apps_with_wait_are_refused(tmp_path: Path) -> None:
    api, _ = make_app(tmp_path / "apps", "web-api")
    ui, _ = make_app(tmp_path / "apps", "web-ui")
    code, err = _propose("--source", str(api), "--source", str(ui), "--wait")
    assert (code, err) == (
        2,
        "error: build-and-propose: --wait takes one app (several: merge, then check each)",
    )


def test_apps_proposed_into_different_first_environments_are_refused(tmp_path: Path) -> None:
    make_app(tmp_path / "apps", "web-api")

    def staging_first(text: str) -> str:
        swapped = text.replace("- name: dev\n", "- name: tmp\n").replace("- name: staging\n", "- name: dev\n")
        return swapped.replace("- name: tmp\n", "- name: staging\n")

    make_app(tmp_path / "apps", "web-ui", {"slipway.yaml": staging_first})
    code, err = _propose("--source", f"{tmp_path}/apps/*")
    assert code == 2
    assert err == (
        "error: build-and-propose: one pull request moves the apps into one environment, "
        "but their first environments differ (web-api: dev, web-ui: staging)"
    )


def test_the_same_app_twice_is_refused(tmp_path: Path) -> None:
    api, _ = make_app(tmp_path / "a", "web-api")
    again, _ = make_app(tmp_path / "b", "web-api")
    code, err = _propose("--source", str(api), "--source", str(again))
    assert (code, err) == (2, "error: build-and-propose: web-api named more than once")
