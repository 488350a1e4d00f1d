"""What every stage does with the engine: run a gate command and turn engine errors into StageErrors."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import StageError

if TYPE_CHECKING:
    import dagger

__all__ = ["ExecOutcome", "exec_outcome", "stage_errors", "tail"]


@dataclass(frozen=True)
class ExecOutcome:
    """A finished command: its exit code and both output streams."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Stdout then stderr, as a person reads them."""
        return "\n".join(s for s in (self.stdout.rstrip(), self.stderr.rstrip()) if s)


def tail(text: str, lines: int = 40) -> str:
    """The last `lines` lines of `text`."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


async def exec_outcome(ctr: dagger.Container) -> ExecOutcome:
    """Evaluate a container whose last exec ran with `expect=ANY`; never raises on exit code."""
    # One query for the three fields (the generated methods send one each: ~70 ms more per exec).
    fields = {"exit_code": "exitCode", "stdout": "stdout", "stderr": "stderr"}
    query = ctr._select_multiple(**fields)  # type: ignore[no-untyped-call]  # the SDK's own helper, untyped
    outcome: ExecOutcome = await query.execute(ExecOutcome)
    return outcome


def _engine_reason(exc: Exception) -> str:
    import dagger

    if isinstance(exc, dagger.ExecError):
        return tail(exc.stderr or exc.stdout or exc.message, 1)
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__


@contextlib.asynccontextmanager
async def stage_errors(stage: str, doing: str, hint: str) -> AsyncIterator[None]:
    """Re-raise engine errors inside the block as StageError('<stage>: could not <doing>: ...')."""
    import dagger

    try:
        yield
    except dagger.ExecError as exc:
        details = tail("\n".join(s for s in (exc.stdout, exc.stderr) if s))
        msg = f"could not {doing}: {_engine_reason(exc)} ({hint})"
        raise StageError(stage, msg, details=details) from exc
    except dagger.QueryError as exc:
        raise StageError(stage, f"could not {doing}: {_engine_reason(exc)} ({hint})") from exc
