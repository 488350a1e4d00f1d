"""The foundation: containers run, directories round-trip, images publish, caches persist."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from slipway.engine.settings import EngineSettings

pytestmark = pytest.mark.engine


async def test_container_stdout_comes_back(engine: EngineSettings) -> None:
    from dagger import dag

    token = uuid.uuid4().hex
    out = await (
        dag.container().from_("debian:bookworm").with_exec(["sh", "-c", f"echo {token} | rev"]).stdout()
    )
    assert out.strip() == token[::-1]


async def test_a_command_s_exit_code_and_both_streams_come_back_together(engine: EngineSettings) -> None:
    from dagger import ReturnType, dag

    from slipway.stages.engine_calls import ExecOutcome, exec_outcome

    token = uuid.uuid4().hex
    script = 'echo "out $1"; echo "err $1" >&2; exit 3'
    ctr = dag.container().from_("debian:bookworm")
    ran = ctr.with_exec(["sh", "-c", script, "sh", token], expect=ReturnType.ANY)
    assert await exec_outcome(ran) == ExecOutcome(3, f"out {token}\n", f"err {token}\n")
    ok = ctr.with_exec(["sh", "-c", 'printf %s "$1"', "sh", token], expect=ReturnType.ANY)
    assert await exec_outcome(ok) == ExecOutcome(0, token, "")


async def test_host_directory_round_trip(engine: EngineSettings, tmp_path: Path) -> None:
    from dagger import dag

    src = tmp_path / "in"
    src.mkdir()
    (src / "greeting.txt").write_text("hello\n")
    out_dir = tmp_path / "out"
    changed = (
        dag.container()
        .from_("debian:bookworm")
        .with_directory("/work", dag.host().directory(str(src)))
        .with_workdir("/work")
        .with_exec(["sh", "-c", "tr a-z A-Z < greeting.txt > shout.txt && echo world >> greeting.txt"])
        .directory("/work")
    )
    await changed.export(str(out_dir))
    assert (out_dir / "shout.txt").read_text() == "HELLO\n"
    assert (out_dir / "greeting.txt").read_text() == "hello\nworld\n"
    assert (src / "greeting.txt").read_text() == "hello\n", "the host input must stay untouched"


async def test_publish_and_pull_back_by_digest(engine: EngineSettings) -> None:
    from dagger import dag

    marker = uuid.uuid4().hex
    repo = f"{engine.registry}/slipway-test/publish"
    ref = await (
        dag.container()
        .from_("debian:bookworm")
        .with_new_file("/marker", marker)
        .publish(f"{repo}:{marker[:12]}")
    )
    assert "@sha256:" in ref
    digest = ref.split("@", 1)[1]
    manifest = httpx.get(
        f"http://{engine.registry}/v2/slipway-test/publish/manifests/{marker[:12]}",
        headers={
            "Accept": "application/vnd.oci.image.index.v1+json, "
            "application/vnd.oci.image.manifest.v1+json, "
            "application/vnd.docker.distribution.manifest.v2+json"
        },
        timeout=10,
    )
    assert manifest.status_code == 200
    assert manifest.headers["Docker-Content-Digest"] == digest
    pulled = await dag.container().from_(f"{repo}@{digest}").file("/marker").contents()
    assert pulled == marker


def _pipeline_script(volume: str, token: str, mode: str) -> str:
    return f"""
import anyio, sys
from slipway.engine.connection import engine_connection

async def main():
    async with engine_connection():
        from dagger import dag
        ctr = (dag.container().from_("debian:bookworm")
               .with_mounted_cache("/cache", dag.cache_volume({volume!r})))
        if {mode!r} == "write":
            await ctr.with_exec(["sh", "-c", "echo {token} > /cache/token"]).sync()
        else:
            out = await (ctr.with_env_variable("BUST", "{uuid.uuid4().hex}")
                         .with_exec(["cat", "/cache/token"]).stdout())
            sys.stdout.write(out)

anyio.run(main)
"""


def test_cache_volume_survives_into_a_separate_run(engine: EngineSettings) -> None:
    volume = f"slipway-test-{uuid.uuid4().hex[:8]}"
    token = uuid.uuid4().hex
    for mode in ("write", "read"):
        proc = subprocess.run(
            [sys.executable, "-c", _pipeline_script(volume, token, mode)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == token
