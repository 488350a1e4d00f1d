"""push: what is committed where, and nothing when the target already holds the file."""

from __future__ import annotations

from typing import Any

from slipway.gitops.repo import Change, GitRemote
from slipway.gitops.trailers import parse_log
from slipway.promotion.steps.push import PushInput, commit_message, push, push_change
from slipway.refs import parse_ref

NO_TOKEN: Any = None
NO_REPO: Any = None
REMOTE = GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_TOKEN, "alpine/git")
PATH = "apps/web/dev/values.yaml"
BRANCH = "release/web/dev/x-12345678"


def test_a_pull_request_commits_on_the_release_branch_and_a_direct_push_on_the_base() -> None:
    pr_mode, direct = PushInput(REMOTE, "web", "dev"), PushInput(REMOTE, "web", "dev", direct=True)
    assert push_change(pr_mode, PATH, "new", None, BRANCH) == Change(paths=(PATH,), branch=BRANCH)
    assert push_change(pr_mode, PATH, "new", "stale", BRANCH) == Change(paths=(PATH,), branch=BRANCH)
    assert push_change(direct, PATH, "new", "old", BRANCH) == Change(paths=(PATH,))


async def test_a_ref_already_holding_the_file_is_not_pushed() -> None:
    inp = PushInput(REMOTE, "web", "dev")
    assert push_change(inp, PATH, "new", "new", BRANCH) is None
    pushed = await push(inp, NO_REPO, PATH, "new", "new", parse_ref("r.test/web:v1"), BRANCH)
    assert (pushed.ref, pushed.commit, pushed.attempts) == (BRANCH, "", 0)


def test_the_commit_message_carries_the_trailers_history_reads() -> None:
    image = parse_ref("r.test/web:" + "a" * 40 + "@sha256:" + "b" * 64)
    message = commit_message(PushInput(REMOTE, "web", "dev", source="c" * 40), image)
    assert message.startswith(f"Promote web {'a' * 40} to dev")
    (commit,) = parse_log(
        "\x1e" + "1" * 40 + "\x1f2026-01-01T00:00:00Z\x1f" + message + "\x1d\n\n" + PATH + "\n"
    )
    assert commit.trailers["Slipway-App"] == "web" and commit.trailers["Slipway-Env"] == "dev"
    assert commit.trailers["Slipway-Image"] == str(image)
