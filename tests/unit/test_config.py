from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slipway.config import load_config
from slipway.errors import ConfigError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("app", ["web-api", "web-ui"])
def test_examples_load(app: str) -> None:
    cfg = load_config(EXAMPLES / app)
    assert cfg.app == app
    assert [e.name for e in cfg.environments] == ["dev", "staging", "prod"]
    assert cfg.environment("prod").protected
    assert not cfg.environment("dev").protected


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "slipway.yaml").write_text(text)
    return tmp_path


GOOD = """\
app: demo
image:
  repository: localhost:5000/demo
toolchain: go
deploy:
  kind: helm
  path: chart
environments:
  - name: dev
"""


def test_defaults_fill_optional_sections(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.build.dockerfile == "Dockerfile"
    assert cfg.build.context == "."
    assert cfg.scan.severities == ("HIGH", "CRITICAL")
    assert cfg.gitops.tag_key == "image.tag"
    assert cfg.environments[0].protected is False


def test_every_problem_is_reported_at_once_with_lines(tmp_path: Path) -> None:
    text = """\
app: demo
image:
  repository: 42
toolchain: cobol
deploy:
  kind: helm
environments:
  - name: dev
    protected: maybe
colour: blue
"""
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    lines = str(info.value).splitlines()
    path = tmp_path / "slipway.yaml"
    assert lines[0] == f"config: 5 problem(s) in {path}"
    assert f"{path}:3: image.repository: must be a string (got int)" in lines
    assert f"{path}:4: toolchain: must be one of go, npm (got 'cobol')" in lines
    assert f"{path}:6: deploy.path: required key is missing" in lines
    assert f"{path}:9: environments[0].protected: must be true or false (got str)" in lines
    assert any(line.startswith(f"{path}:10: colour: unknown key") for line in lines)
    assert info.value.exit_code == 2


def test_unknown_environment_in_values_and_escaping_paths(tmp_path: Path) -> None:
    text = GOOD.replace("  path: chart\n", "  path: ../chart\n  values:\n    qa: v.yaml\n")
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    msg = str(info.value)
    assert "deploy.path: must be a path inside the app directory" in msg
    assert "deploy.values: names unknown environments ['qa']" in msg


def test_missing_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope")
    with pytest.raises(ConfigError, match="no slipway.yaml"):
        load_config(tmp_path)


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"slipway.yaml:2: document: not valid YAML"):
        load_config(_write(tmp_path, "app: x\n  bad: [\n"))


def test_unknown_environment_lookup(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="unknown environment 'qa'.*known: dev"):
        cfg.environment("qa")


def test_example_copy_is_independent(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "web-api", tmp_path / "app")
    assert load_config(tmp_path / "app").source == tmp_path / "app" / "slipway.yaml"
