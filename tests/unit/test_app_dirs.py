"""`--source` patterns: the matching directories with a slipway.yaml, each once; none matching is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from slipway.errors import ConfigError
from slipway.source import app_dirs


def _monorepo(tmp_path: Path) -> Path:
    for name in ("web-ui", "web-api", "docs"):
        (tmp_path / "apps" / name).mkdir(parents=True)
    for name in ("web-ui", "web-api"):
        (tmp_path / "apps" / name / "slipway.yaml").write_text("app: x\n")
    (tmp_path / "apps" / "README.md").write_text("not an app\n")
    return tmp_path


def test_a_pattern_names_the_matching_app_directories_sorted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _monorepo(tmp_path)
    apps = root / "apps"
    assert app_dirs([str(apps / "*")]) == [apps / "web-api", apps / "web-ui"]
    monkeypatch.chdir(root)
    assert app_dirs(["apps/*"]) == [Path("apps/web-api"), Path("apps/web-ui")]
    assert app_dirs(["apps/web-ui", "apps/*"]) == [Path("apps/web-ui"), Path("apps/web-api")]


def test_a_plain_path_is_taken_as_given(tmp_path: Path) -> None:
    assert app_dirs([str(tmp_path / "nope")]) == [tmp_path / "nope"]


def test_a_pattern_matching_no_app_is_refused_in_one_line(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    with pytest.raises(ConfigError) as info:
        app_dirs([str(root / "apps" / "doc*")])
    assert str(info.value) == (
        f"--source '{root}/apps/doc*': no directory matching it holds a slipway.yaml (check the pattern)"
    )
