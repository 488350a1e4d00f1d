"""Every step of the build and promotion graphs has a unit test module named after it.

A step `find-pr` is tested in tests/unit/**/test_find_pr.py (or test_find_pr_<what>.py): a new
step without such a module fails here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from slipway.config import load_config
from slipway.flows.build import BuildRequest, build_steps
from slipway.flows.build_and_propose import GitopsTarget
from slipway.flows.plan import proposal_request, proposal_steps
from slipway.gitops.repo import GitRemote
from slipway.promotion import promotion_steps
from slipway.refs import ImageRef

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "tests" / "unit"
CONFIG = load_config(ROOT / "examples" / "web-api")
SHA = "f" * 40
NO_ENGINE: Any = None
REQ = BuildRequest(CONFIG, NO_ENGINE, "dev", SHA, "2024-01-01T00:00:00Z", "https://git.test/web-api")
TARGET = GitopsTarget(
    GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_ENGINE, "alpine/git"), "t"
)
IMAGE = ImageRef(CONFIG.repository, SHA)


def _step_names() -> set[str]:
    promotion = proposal_request(REQ, TARGET, "dev", IMAGE)
    graphs = [
        build_steps(REQ),
        proposal_steps(REQ, TARGET, "prod", IMAGE),
        proposal_steps(REQ, TARGET, "prod", IMAGE, pushing=False),
        promotion_steps(dataclasses.replace(promotion, direct_push=True)),
    ]
    return {step.name for steps in graphs for step in steps}


def _test_modules(step: str) -> list[Path]:
    slug = step.replace("-", "_")
    return sorted({*UNIT.rglob(f"test_{slug}.py"), *UNIT.rglob(f"test_{slug}_*.py")})


def test_the_graphs_hold_the_steps_this_test_knows() -> None:
    assert _step_names() == {
        "test", "build", "scan", "render", "validate", "publish",
        "clone", "diff", "locate", "resolve", "edit", "find-pr", "push", "open-pr", "supersede",
    }  # fmt: skip


@pytest.mark.parametrize("step", sorted(_step_names()))
def test_each_step_has_a_unit_test_module(step: str) -> None:
    modules = _test_modules(step)
    assert modules, f"step {step!r} has no tests/unit/**/test_{step.replace('-', '_')}*.py"
    assert any("def test_" in m.read_text() for m in modules)


def test_a_step_without_a_module_is_caught() -> None:
    assert _test_modules("no-such-step") == []
