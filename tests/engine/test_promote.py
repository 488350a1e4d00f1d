"""Promotion, rollback and history against the real local Gitea, with git in engine containers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import anyio
import pytest

from conftest import Forge, GitopsRepo, app_source, seed_repo
from slipway.engine.settings import EngineSettings
from slipway.errors import ConfigError, StageError
from slipway.gitops.values_edit import read_value
from slipway.host import GitopsOptions, PromoteOptions, run_history, run_promote, run_rollback
from slipway.promotion import release_branch
from slipway.refs import parse_ref

pytestmark = pytest.mark.engine

SHA_A = "a" * 40
SHA_B = "b" * 40
REPO = "localhost:5000/slipway-examples/web-api"
DIGEST = "sha256:" + "cd" * 32
VALUES = "apps/web-api/overlays/{env}/values.yaml"


def _gitops(forge: Forge, repo: GitopsRepo, token: str | None = None) -> GitopsOptions:
    return GitopsOptions(repo.url, token or forge.token)


def _diff_lines(checkout: Path, base: str, head: str) -> list[str]:
    out = subprocess.run(
        ["git", "diff", "--unified=0", base, head],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


async def test_dev_promotion_opens_a_pr_with_one_changed_line_and_reruns_idempotently(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    options = PromoteOptions(
        _gitops(forge, gitops_repo),
        "dev",
        source=app_source(tmp_path),
        image=f"{REPO}:{SHA_A}",
        evidence="### Scan\n0 HIGH, 0 CRITICAL",
        source_revision=SHA_A,
    )
    first = await run_promote(options)
    assert first.status == "proposed"
    branch = release_branch("web-api", "dev", parse_ref(f"{REPO}:{SHA_A}"))
    assert branch.startswith(f"release/web-api/dev/{SHA_A}-")
    assert first.branch == branch and first.pull_request is not None

    checkout = gitops_repo.checkout
    forge.git(checkout, "fetch", "-q", "origin", f"{branch}:refs/remotes/origin/{branch}")
    assert _diff_lines(checkout, "origin/main", f"origin/{branch}") == [
        '-  tag: "0000000000000000000000000000000000000000"',
        f'+  tag: "{SHA_A}"',
    ]
    message = forge.git(checkout, "log", "-1", "--format=%B", f"origin/{branch}")
    assert message.startswith(f"Promote web-api {SHA_A} to dev\n")
    for trailer in (
        "Slipway-App: web-api",
        "Slipway-Env: dev",
        f"Slipway-Image: {REPO}:{SHA_A}",
        f"Slipway-Source: {SHA_A}",
    ):
        assert trailer in message

    with forge.api() as api:
        pr = api.get(f"/repos/slipway/{gitops_repo.name}/pulls/{first.pull_request.number}").json()
    assert pr["state"] == "open" and pr["head"]["ref"] == branch and pr["base"]["ref"] == "main"
    assert f"`{REPO}:{SHA_A}`" in pr["body"] and "0 HIGH, 0 CRITICAL" in pr["body"]
    assert f'+  tag: "{SHA_A}"' in pr["body"]

    tip = forge.git(checkout, "rev-parse", f"origin/{branch}").strip()
    again = await run_promote(options)
    assert again.status == "already-proposed"
    assert again.commit == ""
    assert again.pull_request == first.pull_request
    forge.git(checkout, "fetch", "-q", "origin", f"{branch}:refs/remotes/origin/{branch}")
    assert forge.git(checkout, "rev-parse", f"origin/{branch}").strip() == tip


async def test_direct_promotion_then_rollback_restores_the_file_byte_for_byte(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    source = app_source(tmp_path)
    path = gitops_repo.checkout / VALUES.format(env="dev")
    before = path.read_bytes()
    gitops = _gitops(forge, gitops_repo)
    landed = await run_promote(
        PromoteOptions(
            gitops,
            "dev",
            source=source,
            image=f"{REPO}:{SHA_A}@{DIGEST}",
            direct_push=True,
            source_revision=SHA_A,
        )
    )
    assert landed.status == "landed" and landed.pull_request is None
    after = gitops_repo.pull(forge) / VALUES.format(env="dev")
    assert read_value(after.read_text(), "image.digest") == DIGEST
    assert (
        await run_promote(
            PromoteOptions(gitops, "dev", source=source, image=f"{REPO}:{SHA_A}@{DIGEST}", direct_push=True)
        )
    ).status == "already-landed"

    history = await run_history(gitops, "web-api", "dev", source)
    assert [(h.commit, h.digest, h.source, h.rolled_back) for h in history] == [
        (landed.commit, DIGEST, SHA_A, False)
    ]

    rolled = await run_rollback(gitops, "web-api", "dev", source)
    assert rolled.reverted == landed.commit and rolled.pull_request is None
    assert (gitops_repo.pull(forge) / VALUES.format(env="dev")).read_bytes() == before
    assert (await run_history(gitops, "web-api", "dev", source))[0].rolled_back


async def test_promote_from_dev_to_staging_copies_the_artifact(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    gitops = _gitops(forge, gitops_repo)
    source = app_source(tmp_path)
    await run_promote(
        PromoteOptions(gitops, "dev", source=source, image=f"{REPO}:{SHA_B}@{DIGEST}", direct_push=True)
    )
    moved = await run_promote(
        PromoteOptions(gitops, "staging", source=source, from_env="dev", direct_push=True)
    )
    assert moved.status == "landed"
    text = (gitops_repo.pull(forge) / VALUES.format(env="staging")).read_text()
    assert read_value(text, "image.tag") == SHA_B
    assert read_value(text, "image.digest") == DIGEST


async def test_protected_rollback_goes_through_a_pull_request(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    gitops = _gitops(forge, gitops_repo)
    source = app_source(tmp_path)
    await run_promote(PromoteOptions(gitops, "dev", source=source, image=f"{REPO}:{SHA_A}", direct_push=True))
    # Only dev promotions exist; prod has nothing to roll back.
    with pytest.raises(ConfigError, match="no promotion of 'web-api' to 'prod'"):
        await run_rollback(gitops, "web-api", "prod", source)

    # A prod promotion that a reviewer merged (made here with host git, as the merge would).
    prod_path = gitops_repo.pull(forge) / VALUES.format(env="prod")
    before = prod_path.read_bytes()
    prod_path.write_text(prod_path.read_text().replace("0" * 40, SHA_B, 1))
    forge.git(gitops_repo.checkout, "commit", "-qam",
              f"Promote web-api {SHA_B} to prod\n\nSlipway-App: web-api\nSlipway-Env: prod\n")  # fmt: skip
    forge.git(gitops_repo.checkout, "push", "-q", "origin", "main")
    main_before = forge.git(gitops_repo.checkout, "ls-remote", "origin", "main")
    rolled = await run_rollback(gitops, "web-api", "prod", source)
    assert rolled.pull_request is not None and rolled.branch.startswith("rollback/web-api/prod/")
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin", "main") == main_before, "no direct push"
    forge.git(
        gitops_repo.checkout, "fetch", "-q", "origin", f"{rolled.branch}:refs/remotes/origin/{rolled.branch}"
    )
    shown = subprocess.run(["git", "show", f"origin/{rolled.branch}:{VALUES.format(env='prod')}"],
                           cwd=gitops_repo.checkout, capture_output=True, check=True).stdout  # fmt: skip
    assert shown == before


async def test_eight_concurrent_promotions_all_land(
    engine: EngineSettings, forge: Forge, tmp_path: Path
) -> None:
    repo = seed_repo(forge, tmp_path, extra_apps=8)
    gitops = _gitops(forge, repo)
    results: dict[str, object] = {}

    sources = {i: app_source(tmp_path, f"app-{i}") for i in range(1, 9)}

    async def one(i: int) -> None:
        results[f"app-{i}"] = await run_promote(
            PromoteOptions(gitops, "dev", source=sources[i], image=f"{REPO}:{f'{i}' * 40}", direct_push=True)
        )

    async with anyio.create_task_group() as tg:
        for i in range(1, 9):
            tg.start_soon(one, i)
    checkout = repo.pull(forge)
    for i in range(1, 9):
        text = (checkout / f"apps/app-{i}/overlays/dev/values.yaml").read_text()
        assert read_value(text, "image.tag") == f"{i}" * 40, f"app-{i} lost"
    log = forge.git(checkout, "log", "--format=%s", "origin/main")
    assert sum(line.startswith("Promote app-") for line in log.splitlines()) == 8


@pytest.mark.parametrize(
    ("seed_edit", "app", "expected"),
    [
        (lambda t: t.replace("image:", "image: [", 1), "web-api", r"malformed YAML"),
        (lambda t: t.replace("  tag:", "  label:", 1), "web-api", r"key path .image.tag is absent"),
        (None, "no-such-app", r"no values file apps/no-such-app/overlays/dev/values.yaml"),
    ],
)
async def test_bad_gitops_content_fails_cleanly(
    engine: EngineSettings,
    forge: Forge,
    gitops_repo: GitopsRepo,
    seed_edit,
    app: str,
    expected: str,
    tmp_path: Path,
) -> None:
    if seed_edit is not None:
        path = gitops_repo.checkout / VALUES.format(env="dev")
        path.write_text(seed_edit(path.read_text()))
        forge.git(gitops_repo.checkout, "commit", "-qam", "break it")
        forge.git(gitops_repo.checkout, "push", "-q", "origin", "main")
    head = forge.git(gitops_repo.checkout, "ls-remote", "origin").strip()
    with pytest.raises(ConfigError, match=expected):
        await run_promote(
            PromoteOptions(
                _gitops(forge, gitops_repo), "dev", source=app_source(tmp_path, app), image=f"{REPO}:{SHA_A}"
            )
        )
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin").strip() == head, "something was pushed"


async def test_unreachable_repo_and_wrong_token(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    image = f"{REPO}:{SHA_A}"
    source = app_source(tmp_path)
    with pytest.raises(StageError, match=r"could not reach .*: the forge refused the token"):
        await run_promote(
            PromoteOptions(
                _gitops(forge, gitops_repo, token="wrong-token"), "dev", source=source, image=image
            )
        )
    bad = GitopsOptions("http://127.0.0.1:9/slipway/nothing.git", forge.token)
    with pytest.raises(StageError, match=r"promote: could not reach http://127.0.0.1:9/slipway/nothing.git"):
        await run_promote(PromoteOptions(bad, "dev", source=source, image=image))


async def test_push_to_protected_branch_is_rejected(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    with forge.api() as api:
        resp = api.post(
            f"/repos/slipway/{gitops_repo.name}/branch_protections",
            json={"branch_name": "main", "enable_push": False},
        )
        assert resp.status_code == 201, resp.text
    head = forge.git(gitops_repo.checkout, "ls-remote", "origin", "main").strip()
    with pytest.raises(StageError, match=r"forge refused the push to main: .*\(is the branch protected\?\)"):
        await run_promote(
            PromoteOptions(
                _gitops(forge, gitops_repo),
                "dev",
                source=app_source(tmp_path),
                image=f"{REPO}:{SHA_A}",
                direct_push=True,
            )
        )
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin", "main").strip() == head
