"""Shared fixtures: one engine connection per session for every `engine` test."""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator

import pytest

from slipway.engine.settings import EngineSettings

# As the module runtime would under `dagger call`: name the main object before dagger.mod loads.
os.environ.setdefault("DAGGER_MODULE", "slipway")
os.environ.setdefault("DAGGER_MAIN_OBJECT", "Slipway")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Engine tests share the session event loop that holds the one connection."""
    for item in items:
        is_coroutine = inspect.iscoroutinefunction(getattr(item, "function", None))
        if item.get_closest_marker("engine") and is_coroutine:
            item.add_marker(pytest.mark.asyncio(loop_scope="session"))


@pytest.fixture(scope="session")
def engine_settings() -> EngineSettings:
    return EngineSettings.from_env()


@pytest.fixture(scope="session")
async def engine(engine_settings: EngineSettings) -> AsyncIterator[EngineSettings]:
    """A live connection on `dagger.dag`; without an engine: skip locally, FAIL under CI=true."""
    from slipway.engine.connection import engine_connection
    from slipway.errors import EngineError

    try:
        async with engine_connection():
            yield engine_settings
    except EngineError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no engine answers: {exc}")
        pytest.skip(f"no engine (run `make engine`): {exc}")
