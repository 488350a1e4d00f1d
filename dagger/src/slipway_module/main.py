"""The module's one object; every function delegates to `slipway`."""

from __future__ import annotations

from typing import Annotated

import dagger
from dagger import Doc, dag, function, object_type

from slipway.engine.probe import engine_version


@object_type
class Slipway:
    """Build, scan, validate, publish and promote applications."""

    @function
    async def version(self) -> Annotated[str, Doc("the engine version running this module")]:
        """Return the version of the Dagger engine this module runs on."""
        return await engine_version()

    @function
    def base(
        self,
        image: Annotated[str, Doc("base image reference")] = "debian:bookworm",
    ) -> dagger.Container:
        """Return the base container the stages start from."""
        return dag.container().from_(image)
