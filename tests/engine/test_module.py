"""The Dagger module, exercised in-process over a client connection (no `dagger call` here)."""

from __future__ import annotations

import pytest

from slipway.engine.settings import EngineSettings

pytestmark = pytest.mark.engine


async def test_module_type_definitions_are_accepted(engine: EngineSettings) -> None:
    from slipway_module import Slipway

    # What the runtime's `register()` computes before writing it to the engine's type-def file.
    module_id = await Slipway.__dagger_module__._typedefs()  # noqa: SLF001
    assert module_id, "the engine returned no module ID for the type definitions"


async def test_version_function_reports_the_engine(engine: EngineSettings) -> None:
    from slipway_module import Slipway

    assert await Slipway().version() == f"v{engine.dagger_version}"


async def test_base_function_returns_a_chainable_container(engine: EngineSettings) -> None:
    from slipway_module import Slipway

    out = await Slipway().base().with_exec(["cat", "/etc/debian_version"]).stdout()
    assert out.strip().startswith("12.")
