"""The GitOps repository, operated by git in a container on the engine.

The token reaches git only as a secret environment variable, turned into an HTTP header inside
the script's own environment: it is never in a command line, a file, a layer or a log.
Every script here is a constant: branch names, paths and commits reach git as environment
variables or positional arguments, never as script text. Repositories on the host's loopback
(the local forge) are reached through a host tunnel.

A clone fetches, under a lock, only what is new into a bare mirror of the repository kept on an
engine cache volume (one per URL), then checks out from it with `--shared`: every git container
mounts that volume, so the checkout's objects stay reachable in later steps.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from slipway.errors import ConfigError, StageError
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = [
    "GIT_CLONE",
    "PUSH_REBASE",
    "Change",
    "GitRemote",
    "PushOutcome",
    "clone",
    "clone_proposing",
    "delete_branch",
    "git_output",
    "push_commit",
    "symlink_refusal",
    "tunnel_loopback_forge",
]

_TUNNEL_ALIAS = "slipway-forge"
# What git says when another push won the race (as opposed to a hook or permission refusal).
_RACE = "fetch first|non-fast-forward|cannot lock ref|failed to update ref"
_PROTECTED = re.compile(r"protected|pre-receive hook declined|not allowed|permission", re.IGNORECASE)
_LOOPBACK = ("127.0.0.1", "localhost")
# A loopback forge given as a service (the module's case: see tunnel_loopback_forge).
_FORGE_SERVICES: dict[str, dagger.Service] = {}
_PRELUDE = """set -eu
export GIT_CONFIG_COUNT=2
export GIT_CONFIG_KEY_0=http.extraHeader
export GIT_CONFIG_VALUE_0="Authorization: Basic $(printf '%s:%s' "$GIT_USER" "$GIT_TOKEN" | base64 -w0)"
export GIT_CONFIG_KEY_1=safe.directory GIT_CONFIG_VALUE_1='*'
export GIT_TERMINAL_PROMPT=0
if [ -n "${GIT_INSTEAD:-}" ]; then
  export GIT_CONFIG_COUNT=3 GIT_CONFIG_KEY_2="${GIT_INSTEAD%%=*}" GIT_CONFIG_VALUE_2="${GIT_INSTEAD#*=}"
fi
"""
# Run in a checkout; arguments: repo-relative paths that must be regular files or absent, reached
# through no symbolic link. The first that is not: "<path>\t<where it resolves>" on stderr, exit 13.
# POSIX sh and busybox: no `realpath -m` (alpine/git, the upstream default, lacks it).
NO_SYMLINKS = """
root="$(pwd -P)"
for p in "$@"; do
  prefix=""; rest="$p"
  while [ -n "$rest" ]; do
    part="${rest%%/*}"; if [ "$part" = "$rest" ]; then rest=""; else rest="${rest#*/}"; fi
    [ -n "$part" ] || continue
    prefix="${prefix:+$prefix/}$part"
    [ -L "$root/$prefix" ] || continue
    real="$(readlink -f -- "$root/$p" 2>/dev/null)" || real="$(readlink -f -- "$root/$prefix" 2>/dev/null)" \\
      || real="$(readlink -- "$root/$prefix")"
    rel="${real#"$root"/}"; if [ "$real" = "$root" ]; then rel=.; fi
    printf '%s\\t%s\\n' "$p" "$rel" >&2; exit 13
  done
done
"""
_MIRROR = "/slipway-mirror"
# Into $SLIPWAY_CHECKOUT, from the bare mirror $SLIPWAY_MIRROR (created on first use). The mirror is
# fetched into under a lock (concurrent promotions share it) and never garbage-collected: checkouts
# made from it with --shared borrow its objects. With $SLIPWAY_PROPOSED (a branch prefix), the
# branches under it are fetched too, and each one's $SLIPWAY_SHOW_PATH is written to
# $SLIPWAY_PROPOSED_DIR/<branch> (empty when the branch lacks the file).
GIT_CLONE = """
if ! git check-ref-format --branch "$SLIPWAY_BASE" >/dev/null 2>&1; then
  echo "not a branch name: $SLIPWAY_BASE" >&2; exit 12
fi
exec 9>"$SLIPWAY_MIRROR.lock"
timeout 600 flock 9 || { echo "waited too long for another fetch of this repository" >&2; exit 11; }
if [ ! -f "$SLIPWAY_MIRROR/HEAD" ]; then
  rm -rf "$SLIPWAY_MIRROR"
  git init --quiet --bare "$SLIPWAY_MIRROR"
  git -C "$SLIPWAY_MIRROR" config gc.auto 0
fi
if ! git -C "$SLIPWAY_MIRROR" fetch --quiet --no-tags --prune -- "$REPO_URL" \\
    "+refs/heads/$SLIPWAY_BASE:refs/heads/$SLIPWAY_BASE" \\
    ${SLIPWAY_PROPOSED:+"+refs/heads/${SLIPWAY_PROPOSED}*:refs/proposed/${SLIPWAY_PROPOSED}*"} \\
    2>/tmp/clone.err; then
  cat /tmp/clone.err >&2
  if grep -q "couldn't find remote ref" /tmp/clone.err; then exit 12; fi
  exit 11
fi
if [ -n "${SLIPWAY_PROPOSED:-}" ]; then
  mkdir -p "$SLIPWAY_PROPOSED_DIR"
  git -C "$SLIPWAY_MIRROR" for-each-ref --format='%(refname)' "refs/proposed/${SLIPWAY_PROPOSED%/}" |
  while read -r ref; do
    out="$SLIPWAY_PROPOSED_DIR/${ref#refs/proposed/}"
    mkdir -p "$(dirname "$out")"
    git -C "$SLIPWAY_MIRROR" show "$ref:$SLIPWAY_SHOW_PATH" >"$out" 2>/dev/null || true
  done
fi
exec 9>&-
git clone --quiet --shared --branch "$SLIPWAY_BASE" -- "$SLIPWAY_MIRROR" "$SLIPWAY_CHECKOUT"
cd "$SLIPWAY_CHECKOUT"
git remote set-url origin "$REPO_URL"
"""
_CLONE = GIT_CLONE + NO_SYMLINKS
# Arguments: the paths to commit (none for a revert).
_PREPARE = """
if [ -n "$SLIPWAY_BRANCH" ]; then git checkout --quiet -B "$SLIPWAY_BRANCH"; fi
if [ -n "$SLIPWAY_REVERT" ]; then git revert --no-commit "$SLIPWAY_REVERT"; else git add -- "$@"; fi
git commit --quiet -F /tmp/slipway-message
"""
# Pushes onto the base from this engine take turns (a lock beside the mirror), so concurrent
# promotions queue instead of racing. One that waited its turn rebases onto the base first (the
# push before it moved it); a rejection then means a push from elsewhere.
PUSH_REBASE = """
exec 8>"$SLIPWAY_MIRROR.push-lock"
if ! flock -n 8; then
  echo "waiting for the other pushes from this engine" >&2
  timeout 600 flock 8 || { echo "waited too long for the other pushes from this engine" >&2; exit 4; }
  git fetch --quiet origin "$SLIPWAY_BASE" || exit 5
  git rebase --quiet "origin/$SLIPWAY_BASE" || exit 5
fi
i=0
while [ "$i" -lt "$SLIPWAY_ATTEMPTS" ]; do
  i=$((i+1))
  if git push --quiet origin "HEAD:refs/heads/$SLIPWAY_REF" 2>/tmp/push.err; then break; fi
  cat /tmp/push.err >&2
  grep -qE "$SLIPWAY_RACE" /tmp/push.err || exit 3
  [ "$i" -lt "$SLIPWAY_ATTEMPTS" ] || exit 4
  git fetch --quiet origin "$SLIPWAY_BASE" || exit 5
  git rebase --quiet "origin/$SLIPWAY_BASE" || exit 5
  [ "$i" -lt 2 ] || sleep "$(awk -v i="$i" 'BEGIN{srand(); print 0.1 + rand() * 0.4 * i}')"
done
echo "$(git rev-parse HEAD) $i"
"""
_PUSH_REPLACE = """
if ! git push --quiet --force origin "HEAD:refs/heads/$SLIPWAY_REF" 2>/tmp/push.err; then
  cat /tmp/push.err >&2; exit 3
fi
echo "$(git rev-parse HEAD) 1"
"""
_DELETE = 'git push --quiet origin --delete "refs/heads/$SLIPWAY_REF"\n'


@dataclass(frozen=True)
class GitRemote:
    """A GitOps repository URL, the forge user name, the token and the git image."""

    url: str
    username: str
    token: dagger.Secret
    image: str
    base: str = "main"


@dataclass(frozen=True)
class Change:
    """What one commit does: add `paths`, or revert the commit `revert`; on `branch` if set."""

    paths: tuple[str, ...] = ()
    revert: str = ""
    branch: str = ""


@dataclass(frozen=True)
class PushOutcome:
    """The commit that landed on `ref` and how many fetch-rebase rounds it took."""

    commit: str
    ref: str
    attempts: int


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


async def _tunnel(parts: SplitResult) -> dagger.Service:
    """The way to the forge on the caller's loopback: the module's service, else a host tunnel."""
    from slipway.engine.host_tunnel import host_tunnel

    if parts.netloc in _FORGE_SERVICES:
        return _FORGE_SERVICES[parts.netloc]
    return await host_tunnel(parts.hostname or "", _port(parts))


async def tunnel_loopback_forge(url: str, service: dagger.Service | None) -> None:
    """From inside a container (the Dagger module), reach a forge on the caller's loopback.

    There, `dag.host()` is the module's own container, so the caller passes the forge as a
    service (`tcp://localhost:PORT`); git containers bind it and the forge client's requests are
    routed to it. Nothing to do for a forge that is not on loopback.
    """
    from slipway.gitops.forges.base import route_forge

    parts = urlsplit(url)
    if parts.hostname not in _LOOPBACK:
        return
    if service is None:
        msg = (
            f"forge: {url} is on loopback: pass the forge as a service (--forge-service tcp://{parts.netloc})"
        )
        raise ConfigError(msg)
    _FORGE_SERVICES[parts.netloc] = service = await service.start()
    port = _port(parts)
    route_forge(parts.netloc, f"{await service.hostname()}:{port}")


async def git_container(remote: GitRemote) -> dagger.Container:
    """A git container holding the token as a secret and able to reach `remote.url`."""
    from dagger import dag

    mirror = dag.cache_volume(f"slipway-gitops-{hashlib.sha256(remote.url.encode()).hexdigest()[:16]}")
    ctr = (
        (await tool_container(remote.image))
        .with_mounted_cache(_MIRROR, mirror)
        .with_env_variable("SLIPWAY_MIRROR", f"{_MIRROR}/repo.git")
        .with_secret_variable("GIT_TOKEN", remote.token)
        .with_env_variable("GIT_USER", remote.username)
        .with_env_variable("GIT_AUTHOR_NAME", "slipway")
        .with_env_variable("GIT_AUTHOR_EMAIL", "slipway@localhost")
        .with_env_variable("GIT_COMMITTER_NAME", "slipway")
        .with_env_variable("GIT_COMMITTER_EMAIL", "slipway@localhost")
    )
    parts = urlsplit(remote.url)
    if parts.hostname in _LOOPBACK:
        port = _port(parts)
        origin = f"{parts.scheme}://{parts.netloc}/"
        ctr = ctr.with_service_binding(_TUNNEL_ALIAS, await _tunnel(parts)).with_env_variable(
            "GIT_INSTEAD", f"url.{parts.scheme}://{_TUNNEL_ALIAS}:{port}/.insteadOf={origin}"
        )
    return ctr


def _git_exec(
    ctr: dagger.Container, script: str, env: Mapping[str, str], args: Sequence[str] = ()
) -> dagger.Container:
    """`ctr` running the constant `script` with `env` set and `args` as "$@"."""
    from dagger import ReturnType

    for key, value in env.items():
        ctr = ctr.with_env_variable(key, value)
    return ctr.with_exec(["sh", "-c", _PRELUDE + script, "slipway-git", *args], expect=ReturnType.ANY)


def _fresh() -> dict[str, str]:
    """An environment value that keeps the engine from reusing a cached network operation."""
    return {"SLIPWAY_FRESH": f"{time.time_ns()}-{uuid.uuid4().hex}"}


def _unreachable(stage: str, url: str, output: str) -> StageError:
    refused = ("401", "403", "Authentication failed", "could not read Username")
    if any(marker in output for marker in refused):
        why = "the forge refused the token (check it and its scopes)"
    elif "not found" in output.lower() or "404" in output:
        why = "repository not found (check the URL)"
    else:
        why = f"{tail(output, 1)} (check the URL and that the forge is up)"
    return StageError(stage, f"could not reach {url}: {why}", details=tail(output))


async def _clone(
    remote: GitRemote, paths: Sequence[str], stage: str, env: Mapping[str, str]
) -> dagger.Container:
    """The container that cloned the base branch into /repo, checked and ready to read."""
    where = {"REPO_URL": remote.url, "SLIPWAY_BASE": remote.base, "SLIPWAY_CHECKOUT": "/repo"}
    ctr = _git_exec(await git_container(remote), _CLONE, {**where, **env, **_fresh()}, paths)
    async with stage_errors(stage, f"clone {remote.url}", "check the URL and token"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code == 12:
        msg = f"{stage}: branch {remote.base!r} does not exist in {remote.url} (check --base)"
        raise ConfigError(msg)
    if outcome.exit_code == 13:
        raise ConfigError(f"{stage}: {symlink_refusal(tail(outcome.stderr, 1), remote.url)}")
    if outcome.exit_code != 0:
        raise _unreachable(stage, remote.url, outcome.output)
    return ctr


async def clone(remote: GitRemote, *, paths: Sequence[str] = (), stage: str = "promote") -> dagger.Directory:
    """A fresh checkout of the base branch (its objects borrowed from the mirror).

    Each of `paths` must be a regular file (or absent), reached through no symbolic link.
    """
    ctr = await _clone(remote, paths, stage, {})
    async with stage_errors(stage, f"clone {remote.url}", "check the URL and token"):
        return await ctr.directory("/repo").sync()


async def clone_proposing(
    remote: GitRemote, path: str, prefix: str, *, stage: str = "promote"
) -> tuple[dagger.Directory, dagger.Directory]:
    """The checkout of the base branch (as `clone`), and `path` as each branch under `prefix` has it.

    In the second directory, each such branch is a file named after it (empty: the branch lacks `path`).
    """
    env = {"SLIPWAY_PROPOSED": prefix, "SLIPWAY_PROPOSED_DIR": "/proposed", "SLIPWAY_SHOW_PATH": path}
    ctr = await _clone(remote, (path,), stage, env)
    async with stage_errors(stage, f"clone {remote.url}", "check the URL and token"):
        return await ctr.directory("/repo").sync(), await ctr.directory("/proposed").sync()


def symlink_refusal(report: str, url: str) -> str:
    """Why the path NO_SYMLINKS reported (`path<TAB>where it resolves`) is refused, in one line."""
    path, _, real = report.partition("\t")
    where = (
        f"it resolves to {real}, outside the repository"
        if real.startswith("/") or not real
        else f"it resolves to {real}"
    )
    return (
        f"{path} in {url} is a symbolic link or lies under one ({where}); slipway edits only "
        "regular files inside the repository, reached through no symbolic link"
    )


async def git_output(
    remote: GitRemote,
    repo: dagger.Directory,
    script: str,
    what: str,
    *,
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    stage: str = "promote",
) -> str:
    """Run the constant read-only git `script` (values in `env`, `args` as "$@") in the clone; its stdout."""
    ctr = (await git_container(remote)).with_directory("/repo", repo).with_workdir("/repo")
    ctr = _git_exec(ctr, script, env or {}, args)
    async with stage_errors(stage, what, "see the git output"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code != 0:
        raise StageError(stage, f"could not {what}: {tail(outcome.output, 1)}", details=outcome.output)
    return outcome.stdout


def _refusal(stderr: str) -> str:
    """Git's own reason for refusing a push, as one line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    telling = [ln for ln in lines if ln.startswith(("remote:", "error:", "fatal:", "!")) and ln != "remote:"]
    return (telling or lines or ["no reason given"])[-1]


async def push_commit(
    remote: GitRemote,
    repo: dagger.Directory,
    *,
    change: Change,
    message: str,
    ref: str,
    rebase_onto_base: bool,
    attempts: int = 16,
    stage: str = "promote",
) -> PushOutcome:
    """Commit `change` and push HEAD to `ref`, retrying when it races.

    With `rebase_onto_base`, a rejected push fetches the base branch, rebases and tries again,
    up to `attempts` times; otherwise the push replaces a stale slipway-owned branch.
    """
    env = {
        "SLIPWAY_BRANCH": change.branch,
        "SLIPWAY_REVERT": change.revert,
        "SLIPWAY_REF": ref,
        "SLIPWAY_BASE": remote.base,
        "SLIPWAY_ATTEMPTS": str(attempts),
        "SLIPWAY_RACE": _RACE,
        **_fresh(),
    }
    ctr = (
        (await git_container(remote))
        .with_directory("/repo", repo)
        .with_workdir("/repo")
        .with_new_file("/tmp/slipway-message", message)  # noqa: S108  (inside the throwaway container)
    )
    script = _PREPARE + (PUSH_REBASE if rebase_onto_base else _PUSH_REPLACE)
    ctr = _git_exec(ctr, script, env, change.paths)
    async with stage_errors(stage, f"push to {ref}", "see the git output"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code != 0:
        reason = _refusal(outcome.stderr)
        hint = " (is the branch protected?)" if _PROTECTED.search(outcome.stderr) else ""
        reasons = {
            3: f"the forge refused the push to {ref}: {reason}{hint}",
            4: f"{attempts} pushes to {ref} lost the race against other pushes (retry): {reason}",
            5: f"rebasing onto {remote.base} conflicted (someone changed the same file): {reason}",
        }
        why = reasons.get(outcome.exit_code, tail(outcome.output, 1))
        raise StageError(stage, f"could not push: {why}", details=tail(outcome.output))
    commit, tries = outcome.stdout.split()[-2:]
    return PushOutcome(commit=commit, ref=ref, attempts=int(tries))


async def delete_branch(
    remote: GitRemote, repo: dagger.Directory, ref: str, *, stage: str = "promote"
) -> bool:
    """Delete the branch `ref` on the remote; whether that worked (never raises)."""
    ctr = (await git_container(remote)).with_directory("/repo", repo).with_workdir("/repo")
    ctr = _git_exec(ctr, _DELETE, {"SLIPWAY_REF": ref, **_fresh()})
    try:
        async with stage_errors(stage, f"delete {ref}", "delete it by hand"):
            return (await exec_outcome(ctr)).exit_code == 0
    except StageError:
        return False
