"""slipway.lock: parsed and refused line by line, applied over the tool table, written, checked for drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from config_text import CONFIG_HEAD

from slipway.config import load_config, parse_config
from slipway.errors import ConfigError
from slipway.tool_images import DEFAULT_IMAGES, ToolImages, unpinned
from slipway.tool_lock import Drift, drift, lock_entries, lock_text, parse_lock, read_lock

A, B, C = ("sha256:" + x * 64 for x in "abc")
HELM = "localhost:5000/slipway-tools/helm:v3"


@pytest.fixture(autouse=True)
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "tool-images.json"
    path.write_text(json.dumps({"helm": f"{HELM}@{A}", "trivy": "localhost:5000/slipway-tools/trivy:1"}))
    monkeypatch.setenv("SLIPWAY_TOOL_IMAGES", str(path))
    return path


def _app(tmp_path: Path, tools: str = "{}", lock: dict[str, str] | None = None) -> Path:
    app = tmp_path / "app"
    app.mkdir(parents=True)
    (app / "slipway.yaml").write_text(f"{CONFIG_HEAD}  - name: dev\ntools: {tools}\n")
    if lock is not None:
        (app / "slipway.lock").write_text(lock_text(lock))
    return app


def test_a_written_lock_reads_back_sorted_and_yaml_reads_too(tmp_path: Path) -> None:
    entries = {"trivy": f"aquasec/trivy:0.74.0@{B}", "helm": f"{HELM}@{A}"}
    text = lock_text(entries)
    assert list(json.loads(text)["tools"]) == ["helm", "trivy"]
    assert parse_lock(text, tmp_path / "slipway.lock") == entries
    yaml_text = f"version: 1\ntools:\n  helm: {HELM}@{A}\n"
    assert parse_lock(yaml_text, tmp_path / "slipway.lock") == {"helm": f"{HELM}@{A}"}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            '{"version": 1, "tools": {"helm": "alpine/helm:3"}}',
            "tools.helm: 'alpine/helm:3' names no @sha256: digest",
        ),
        (
            json.dumps({"version": 1, "tools": {"cargo": f"rust@{A}"}}),
            "tools.cargo: unknown tool (known: base,",
        ),
        ('{"version": 1, "tools": {"helm": "alpine/helm:3@sha256:abc"}}', "tools.helm: bad digest in"),
        ('{"version": 2, "tools": {}}', "version: 2 is not 1"),
        ('{"tools": {}}', ":1: version: required key is missing"),
        ('{"version": 1, "tools": {"helm": "a"', ":1: document: not valid YAML"),
        ('{"version": 1, "tools": ["helm"]}', ":1: tools: must be a mapping"),
    ],
)
def test_a_bad_lock_is_one_line_naming_the_file_the_entry_and_the_fix(
    tmp_path: Path, text: str, where: str
) -> None:
    path = tmp_path / "slipway.lock"
    with pytest.raises(ConfigError) as caught:
        parse_lock(text, path)
    message = str(caught.value)
    assert message.startswith(str(path)) and where in message, message
    assert message.endswith("(run `slipway tools lock` to rewrite it)") and "\n" not in message


def test_the_config_carries_the_lock_beside_it_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    app = _app(tmp_path, lock={"helm": f"{HELM}@{B}"})
    assert load_config(app).tool_lock == {"helm": f"{HELM}@{B}"}
    assert load_config(app, with_lock=False).tool_lock == {}
    (app / "slipway.lock").write_text("{}")
    with pytest.raises(ConfigError, match=r"slipway\.lock:1: version: required key is missing"):
        load_config(app)
    (app / "slipway.lock").unlink()
    assert read_lock(app) == {} and load_config(app).tool_lock == {}


def test_the_lock_pins_its_tools_and_leaves_the_others_as_the_table_says(tmp_path: Path) -> None:
    app = _app(tmp_path, lock={"helm": f"{HELM}@{B}", "base": f"debian:bookworm@{C}"})
    tools = ToolImages.for_app(load_config(app))
    assert tools["helm"] == f"{HELM}@{B}"  # the lock's digest, not the local table's
    assert tools["base"] == f"debian:bookworm@{C}"
    assert tools["trivy"] == "localhost:5000/slipway-tools/trivy:1"
    assert tools["go"] == DEFAULT_IMAGES["go"]
    assert ToolImages.for_app(load_config(_app(tmp_path / "x"))).images["helm"] == f"{HELM}@{A}"


def test_a_tools_entry_naming_a_digest_wins_over_the_lock(tmp_path: Path) -> None:
    app = _app(tmp_path, tools=f"{{helm: 'acme/helm:9@{C}'}}", lock={"helm": f"{HELM}@{B}"})
    assert ToolImages.for_app(load_config(app))["helm"] == f"acme/helm:9@{C}"


def test_a_lock_for_another_image_than_the_table_names_is_stale(tmp_path: Path) -> None:
    app = _app(tmp_path, tools="{helm: 'acme/helm:9'}", lock={"helm": f"{HELM}@{B}"})
    with pytest.raises(ConfigError) as caught:
        ToolImages.for_app(load_config(app))
    assert str(caught.value) == (
        f"{app / 'slipway.lock'}: tools.helm locks {HELM} but the tool table names acme/helm:9 "
        "(run `slipway tools lock` to lock the image in use)"
    )


def test_parsed_configs_without_a_file_have_no_lock(tmp_path: Path) -> None:
    config = parse_config(f"{CONFIG_HEAD}  - name: dev\n", Path("slipway.yaml"))
    assert config.tool_lock == {}
    assert ToolImages.for_app(config)["helm"] == f"{HELM}@{A}"


def test_unpinned_drops_only_the_digest() -> None:
    assert unpinned(f"{HELM}@{A}") == HELM
    assert unpinned("localhost:5000/x/y@" + A) == "localhost:5000/x/y"
    assert unpinned("golang:1.26") == "golang:1.26"


def test_locking_asks_the_registry_for_each_tag_and_keeps_named_digests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def served(ref: str) -> str:
        asked.append(ref)
        return C

    monkeypatch.setattr("slipway.registry.served_digest", served)
    overrides = {"kustomize": f"acme/kustomize:5@{A}", "conftest": f"acme/conftest@{B}"}
    entries = lock_entries(overrides, ToolImages.resolve(overrides))
    assert set(entries) == set(DEFAULT_IMAGES)
    assert entries["kustomize"] == f"acme/kustomize:5@{A}"  # a tools: digest is locked as it is
    assert entries["conftest"] == f"acme/conftest@{B}"
    assert entries["helm"] == f"{HELM}@{C}"  # the table's digest is re-read from the registry
    assert entries["go"] == f"{DEFAULT_IMAGES['go']}@{C}"
    assert HELM in asked and not any("kustomize" in ref or "conftest" in ref for ref in asked)


def test_drift_names_the_tools_whose_tag_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("slipway.registry.served_digest", lambda ref: B if "helm" in ref else A)
    lock = {"helm": f"{HELM}@{A}", "trivy": f"aquasec/trivy:1@{A}", "git": f"alpine/git@{C}"}
    moved = drift(lock)
    assert moved == [Drift("helm", HELM, A, B)]
    assert str(moved[0]) == f"helm: {HELM} is locked at {A} but the registry serves {B}"


def test_provenance_records_a_locked_tool_by_the_digest_it_ran_without_asking_again() -> None:
    import anyio

    from slipway.flows.provenance_facts import tool_digests

    assert anyio.run(tool_digests, {"helm": f"{HELM}@{B}"}) == {"helm": f"{HELM}@{B}"}


class _Directory:
    """Stands in for a dagger.Directory already in the engine (files by name)."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    async def exists(self, path: str) -> bool:
        return path in self.files

    def file(self, path: str) -> _Directory:
        return _Directory({"": self.files[path]})

    async def contents(self) -> str:
        return self.files[""]


def test_the_module_reads_the_lock_from_the_source_directory_too() -> None:
    import anyio

    from slipway.flows.build import config_from_directory

    config = f"{CONFIG_HEAD}  - name: dev\n"
    source = _Directory({"slipway.yaml": config, "slipway.lock": lock_text({"helm": f"{HELM}@{B}"})})
    assert anyio.run(config_from_directory, source).tool_lock == {"helm": f"{HELM}@{B}"}
    assert anyio.run(config_from_directory, _Directory({"slipway.yaml": config})).tool_lock == {}
