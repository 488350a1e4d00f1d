"""The Dagger module's function signatures as the SDK registers them (no engine needed).

What the engine sees comes from the SDK's reading of each function: argument defaults, default
paths, ignore patterns and the check flag. String annotations (`from __future__ import
annotations`) once made the SDK drop `Annotated` metadata silently, so `--source` was required,
unfiltered and undocumented; these tests read what the SDK reads.
"""

from __future__ import annotations

from typing import Any

import pytest

from slipway.source import SOURCE_EXCLUDES


def _functions() -> dict[str, Any]:
    from slipway_module import Slipway

    return dict(Slipway.__dagger_module__._objects["Slipway"].functions)


@pytest.mark.parametrize(
    "name", ["build", "render", "publish", "build_and_propose", "promote", "rollback", "plan"]
)
def test_source_defaults_to_the_project_and_is_filtered(name: str) -> None:
    source = _functions()[name].parameters["source"]
    assert source.default_path == "."
    assert source.ignore == SOURCE_EXCLUDES
    assert source.doc == "application source with slipway.yaml"


def test_the_gates_are_checks_that_need_no_arguments() -> None:
    functions = _functions()
    checks = {name for name, fn in functions.items() if fn.check}
    assert checks == {"config", "test", "scan", "validate"}
    for name in checks:
        for param in functions[name].parameters.values():
            has_default = param.default_path or param.is_nullable or param.default_value is not None
            assert has_default, f"check {name} requires --{param.name}"


def test_the_constructor_reads_the_projects_tool_table() -> None:
    from slipway.tool_images import PROJECT_TOOL_IMAGES
    from slipway_module import Slipway

    constructor = Slipway.__dagger_module__._objects["Slipway"].get_constructor()
    project = constructor.parameters["project_tools"]
    assert project.default_path == "."
    assert project.ignore == ["*", f"!{PROJECT_TOOL_IMAGES}"]
