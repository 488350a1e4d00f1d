"""The GitOps repository, operated by git in a container on the engine.

The token reaches git only as a secret environment variable, turned into an HTTP header inside
the script's own environment: it is never in a command line, a file, a layer or a log.
Repositories on the host's loopback (the local forge) are reached through a host tunnel.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from slipway.errors import StageError
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail

if TYPE_CHECKING:
    import dagger

__all__ = ["GitRemote", "PushOutcome", "clone", "git_script", "push_commit"]

_TUNNEL_ALIAS = "slipway-forge"
# What git says when another push won the race (as opposed to a hook or permission refusal).
_RACE = "fetch first|non-fast-forward|cannot lock ref|failed to update ref"
_LOOPBACK = ("127.0.0.1", "localhost")
_PRELUDE = """set -eu
export GIT_CONFIG_COUNT=2
export GIT_CONFIG_KEY_0=http.extraHeader
export GIT_CONFIG_VALUE_0="Authorization: Basic $(printf '%s:%s' "$GIT_USER" "$GIT_TOKEN" | base64 -w0)"
export GIT_CONFIG_KEY_1=safe.directory GIT_CONFIG_VALUE_1='*'
export GIT_TERMINAL_PROMPT=0
"""


@dataclass(frozen=True)
class GitRemote:
    """A GitOps repository URL, the forge user name, the token and the git image."""

    url: str
    username: str
    token: dagger.Secret
    image: str
    base: str = "main"


@dataclass(frozen=True)
class PushOutcome:
    """The commit that landed on `ref` and how many fetch-rebase rounds it took."""

    commit: str
    ref: str
    attempts: int


def _tunnel(dag: dagger.Client, parts: SplitResult) -> dagger.Service:
    from dagger import PortForward

    port = parts.port or (443 if parts.scheme == "https" else 80)
    return dag.host().service([PortForward(backend=port, frontend=port)], host=parts.hostname)


def git_container(remote: GitRemote) -> dagger.Container:
    """A git container holding the token as a secret and able to reach `remote.url`."""
    from dagger import dag

    ctr = (
        dag.container()
        .from_(remote.image)
        .with_secret_variable("GIT_TOKEN", remote.token)
        .with_env_variable("GIT_USER", remote.username)
        .with_env_variable("GIT_AUTHOR_NAME", "slipway")
        .with_env_variable("GIT_AUTHOR_EMAIL", "slipway@localhost")
        .with_env_variable("GIT_COMMITTER_NAME", "slipway")
        .with_env_variable("GIT_COMMITTER_EMAIL", "slipway@localhost")
    )
    parts = urlsplit(remote.url)
    if parts.hostname in _LOOPBACK:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        origin = f"{parts.scheme}://{parts.netloc}/"
        ctr = ctr.with_service_binding(_TUNNEL_ALIAS, _tunnel(dag, parts)).with_env_variable(
            "GIT_INSTEAD", f"url.{parts.scheme}://{_TUNNEL_ALIAS}:{port}/.insteadOf={origin}"
        )
    return ctr


def git_script(body: str) -> list[str]:
    """`sh -c` arguments running `body` with authentication and URL rewriting set up."""
    rewrite = (
        'if [ -n "${GIT_INSTEAD:-}" ]; then export GIT_CONFIG_COUNT=3 '
        'GIT_CONFIG_KEY_2="${GIT_INSTEAD%%=*}" GIT_CONFIG_VALUE_2="${GIT_INSTEAD#*=}"; fi\n'
    )
    return ["sh", "-c", _PRELUDE + rewrite + body]


def _unreachable(stage: str, url: str, output: str) -> StageError:
    refused = ("401", "403", "Authentication failed", "could not read Username")
    if any(marker in output for marker in refused):
        why = "the forge refused the token (check it and its scopes)"
    elif "not found" in output.lower() or "404" in output:
        why = "repository not found (check the URL)"
    else:
        why = f"{tail(output, 1)} (check the URL and that the forge is up)"
    return StageError(stage, f"could not reach {url}: {why}", details=tail(output))


async def clone(remote: GitRemote, branch: str, *, stage: str = "promote") -> dagger.Directory:
    """A fresh clone of the base branch, plus `origin/<branch>` when that branch exists."""
    from dagger import ReturnType

    script = (
        f'git clone --quiet --branch "{remote.base}" "$REPO_URL" /repo\ncd /repo\n'
        f'if git ls-remote --exit-code --heads origin "{branch}" >/dev/null; then '
        f'git fetch --quiet origin "{branch}:refs/remotes/origin/{branch}"; fi\n'
    )
    ctr = (
        git_container(remote)
        .with_env_variable("REPO_URL", remote.url)
        .with_env_variable("SLIPWAY_FRESH", f"{time.time_ns()}-{uuid.uuid4().hex}")
        .with_exec(git_script(script), expect=ReturnType.ANY)
    )
    async with stage_errors(stage, f"clone {remote.url}", "check the URL and token"):
        outcome = await exec_outcome(ctr)
        if outcome.exit_code != 0:
            raise _unreachable(stage, remote.url, outcome.output)
        return await ctr.directory("/repo").sync()


async def git_output(remote: GitRemote, repo: dagger.Directory, script: str, what: str) -> str:
    """Run a read-only git `script` in the clone and return its stdout."""
    from dagger import ReturnType

    ctr = (
        git_container(remote)
        .with_directory("/repo", repo)
        .with_workdir("/repo")
        .with_exec(git_script(script), expect=ReturnType.ANY)
    )
    async with stage_errors("promote", what, "see the git output"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code != 0:
        raise StageError("promote", f"could not {what}: {tail(outcome.output, 1)}", details=outcome.output)
    return outcome.stdout


async def push_commit(
    remote: GitRemote,
    repo: dagger.Directory,
    *,
    prepare: str,
    message: str,
    ref: str,
    rebase_onto_base: bool,
    attempts: int = 16,
    stage: str = "promote",
) -> PushOutcome:
    """Run `prepare` (edits/reverts that commit) then push HEAD to `ref`, retrying when it races.

    With `rebase_onto_base`, a rejected push fetches the base branch, rebases and tries again,
    up to `attempts` times; otherwise the push replaces a stale slipway-owned branch.
    """
    from dagger import ReturnType

    if rebase_onto_base:
        push = (
            f"i=0; while [ $i -lt {attempts} ]; do i=$((i+1));\n"
            f'  if git push --quiet origin "HEAD:refs/heads/{ref}" 2>/tmp/push.err; then break; fi\n'
            f"  cat /tmp/push.err >&2\n"
            f'  grep -qE "{_RACE}" /tmp/push.err || exit 3\n'
            f"  [ $i -lt {attempts} ] || exit 4\n"
            f'  git fetch --quiet origin "{remote.base}" || exit 5\n'
            f'  git rebase --quiet "origin/{remote.base}" || exit 5\n'
            f'  sleep "$(awk "BEGIN{{srand(); print 0.1 + rand() * 0.4 * $i}}")"\n'
            f"done\n"
        )
    else:
        push = f'git push --quiet --force origin "HEAD:refs/heads/{ref}" || exit 3\ni=1\n'
    script = prepare + "\n" + push + 'echo "$(git rev-parse HEAD) $i"\n'
    ctr = (
        git_container(remote)
        .with_directory("/repo", repo)
        .with_workdir("/repo")
        .with_new_file("/tmp/slipway-message", message)  # noqa: S108  (inside the throwaway container)
        .with_env_variable("SLIPWAY_FRESH", f"{time.time_ns()}-{uuid.uuid4().hex}")
        .with_exec(git_script(script), expect=ReturnType.ANY)
    )
    async with stage_errors(stage, f"push to {ref}", "see the git output"):
        outcome = await exec_outcome(ctr)
    reasons = {
        3: f"the forge refused the push to {ref}: {tail(outcome.stderr, 1)} (is it protected?)",
        4: f"{attempts} pushes to {ref} lost the race against other pushes (retry)",
        5: f"rebasing onto {remote.base} conflicted (someone changed the same file)",
    }
    if outcome.exit_code != 0:
        why = reasons.get(outcome.exit_code, tail(outcome.output, 1))
        raise StageError(stage, f"could not push: {why}", details=tail(outcome.output))
    commit, tries = outcome.stdout.split()[-2:]
    return PushOutcome(commit=commit, ref=ref, attempts=int(tries))
