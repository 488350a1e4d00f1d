"""The Dagger module, exercised in-process over a client connection (no `dagger call` here)."""

from __future__ import annotations

import pytest

from slipway.engine.settings import EngineSettings

pytestmark = pytest.mark.engine


async def test_module_type_definitions_are_accepted(engine: EngineSettings) -> None:
    # What the runtime's `register()` computes before writing it to the engine's type-def file.
    from dagger import dag

    from slipway_module import Slipway

    module_id = await Slipway.__dagger_module__._typedefs()
    module = dag.load_module_from_id(module_id)
    objects = await module.objects()
    main = [o.as_object() for o in objects]
    names = {await o.name() for o in main}
    assert "Slipway" in names
    slipway = main[[await o.name() for o in main].index("Slipway")]
    functions = {await f.name(): await f.description() for f in await slipway.functions()}
    assert set(functions) >= {
        "test",
        "build",
        "scan",
        "render",
        "validate",
        "publish",
        "buildAndPropose",
        "promote",
        "rollback",
        "plan",
        "deploy",
        "rollbackDirect",
    }
    assert all(desc.strip() for desc in functions.values()), "every function needs a docstring"


async def test_version_function_reports_the_engine(engine: EngineSettings) -> None:
    from dagger import dag

    from slipway_module import Slipway

    assert await Slipway(project_tools=dag.directory()).version() == f"v{engine.dagger_version}"


async def test_base_function_returns_a_chainable_container(engine: EngineSettings) -> None:
    from dagger import dag

    from slipway_module import Slipway

    out = (
        await Slipway(project_tools=dag.directory()).base().with_exec(["cat", "/etc/debian_version"]).stdout()
    )
    assert out.strip().startswith("12.")
