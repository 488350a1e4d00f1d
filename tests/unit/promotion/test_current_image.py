"""`promote --from`: the source environment's image, from its newest trailer, else its file, and why."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import slipway.promotion as promotion
from slipway.errors import ConfigError
from slipway.gitops.locators import KeysLocator, KustomizeImagesLocator
from slipway.gitops.repo import GitRemote
from slipway.gitops.trailers import Commit, promotion_message
from slipway.host import GitopsOptions, app_target, promote_env
from slipway.promotion import PromoteRequest, PromoteResult, SourceImage
from slipway.promotion.current_image import file_image, trailer_image
from slipway.refs import ImageRef, split_ref

PATH = "apps/web/overlays/dev/values.yaml"
REPO = "localhost:5000/acme/web"
SHA_A, SHA_B = "a" * 40, "b" * 40
DIGEST = "sha256:" + "c" * 64
NO_TOKEN: Any = None
REMOTE = GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_TOKEN, "alpine/git")


def _promotion(sha: str, image: str, *, app: str = "web", env: str = "dev", path: str = PATH) -> Commit:
    message = promotion_message(app, env, "t", image, "", "")
    trailers = dict(line.split(": ", 1) for line in message.splitlines() if line.startswith("Slipway-"))
    return Commit(sha, "2024-01-01T00:00:00Z", message.splitlines()[0], trailers, (path,))


def _commit(sha: str, trailers: dict[str, str] | None = None, path: str = PATH) -> Commit:
    return Commit(sha, "2024-01-01T00:00:00Z", "edit", trailers or {}, (path,))


def test_the_newest_promotion_trailer_wins_and_names_its_commit() -> None:
    commits = [
        _promotion("1234567" + "0" * 33, f"{REPO}:{SHA_B}@{DIGEST}"),
        _promotion("7654321" + "0" * 33, f"{REPO}:{SHA_A}"),
        _commit("f" * 40),
    ]
    found = trailer_image(commits, "web", "dev", PATH)
    assert found == SourceImage(
        ImageRef(REPO, SHA_B, DIGEST), "from the newest promotion trailer, commit 1234567"
    )


def test_a_rolled_back_promotion_gives_way_to_the_one_before() -> None:
    commits = [
        _commit("9" * 40, {"Slipway-App": "web", "Slipway-Env": "dev", "Slipway-Reverts": "2" * 40}),
        _promotion("2" * 40, f"{REPO}:{SHA_B}"),
        _promotion("1" * 40, f"{REPO}:{SHA_A}"),
    ]
    found = trailer_image(commits, "web", "dev", PATH)
    assert found is not None and found.image == ImageRef(REPO, SHA_A) and "commit 1111111" in found.origin


def test_other_apps_envs_and_files_are_not_read() -> None:
    commits = [
        _promotion("3" * 40, f"{REPO}:{SHA_B}", path="apps/web/overlays/prod/values.yaml", env="prod"),
        _promotion("2" * 40, f"{REPO}:{SHA_B}", app="api", path="apps/api/overlays/dev/values.yaml"),
        _promotion("1" * 40, f"{REPO}:{SHA_A}"),
    ]
    found = trailer_image(commits, "web", "dev", PATH)
    assert found is not None and found.image.tag == SHA_A


def test_a_hand_edit_after_the_promotion_leaves_the_file_to_say() -> None:
    commits = [_commit("4" * 40), _promotion("1" * 40, f"{REPO}:{SHA_A}")]
    assert trailer_image(commits, "web", "dev", PATH) is None


def test_no_promotion_at_all_gives_no_trailer() -> None:
    assert trailer_image([_commit("1" * 40)], "web", "dev", PATH) is None
    assert trailer_image([], "web", "dev", PATH) is None


def test_without_a_trailer_the_file_s_repository_and_tag_are_used() -> None:
    text = f"image:\n  repository: {REPO}\n  tag: {SHA_A}\n  digest: ''\n"
    found = file_image(text, PATH, KeysLocator(), "other.test/ignored")
    assert found == SourceImage(ImageRef(REPO, SHA_A), f"from {PATH} (locator keys)")


def test_a_kustomization_entry_names_its_repository_itself() -> None:
    text = f"images:\n- name: {REPO}\n  newTag: {SHA_A}\n"
    found = file_image(text, "k.yaml", KustomizeImagesLocator(REPO), "")
    assert found.image == ImageRef(REPO, SHA_A) and found.origin == "from k.yaml (locator kustomize-images)"


def test_only_a_tag_in_the_file_takes_the_repository_from_slipway_yaml() -> None:
    text = f"image:\n  tag: {SHA_A}\n  digest: {DIGEST}\n"
    found = file_image(text, PATH, KeysLocator(), REPO)
    assert found.image == ImageRef(REPO, SHA_A, DIGEST)
    assert found.origin == f"tag from {PATH} (locator keys), repository from slipway.yaml's image.repository"


def test_a_file_without_a_repository_and_no_slipway_yaml_is_refused_by_name() -> None:
    with pytest.raises(ConfigError) as info:
        file_image(f"image:\n  tag: {SHA_A}\n  digest: ''\n", PATH, KeysLocator(), "")
    assert str(info.value).startswith(f"promote --from: {PATH} (locator keys) names no image repository")
    assert "--source APP_DIR" in str(info.value)


def test_a_file_without_a_tag_or_digest_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match=rf"{PATH} \(locator keys\) names no image tag or digest"):
        file_image("image:\n  tag: ''\n  digest: ''\n", PATH, KeysLocator(), REPO)


def test_a_file_without_the_locator_s_place_is_refused_naming_file_and_locator() -> None:
    with pytest.raises(ConfigError, match=rf"values: {PATH}.*locator keys"):
        file_image("replicas: 2\n", PATH, KeysLocator(), REPO)


async def test_promote_from_says_where_the_image_came_from_and_puts_it_in_the_pr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = SourceImage(split_ref(f"{REPO}:{SHA_A}"), "from the newest promotion trailer, commit 1234567")
    asked: list[dict[str, Any]] = []
    sent: list[PromoteRequest] = []

    async def fake_source(remote: GitRemote, path: str, locator: Any, **kw: Any) -> SourceImage:
        asked.append({"path": path, **kw})
        return found

    async def fake_promote(req: PromoteRequest, on_change: object = None) -> PromoteResult:
        sent.append(req)
        return PromoteResult("landed", "main", "c" * 40, "diff", image=str(req.image))

    monkeypatch.setattr(promotion, "source_image", fake_source)
    monkeypatch.setattr(promotion, "promote", fake_promote)
    lines: list[str] = []
    target = dataclasses.replace(app_target(None, "web", "staging"), protected=False, repository=REPO)
    gitops = GitopsOptions("https://forge.test/acme/gitops.git", "tok")
    result = await promote_env(
        target,
        REMOTE,
        gitops,
        from_env="dev",
        direct_push=True,
        evidence="gates: ok",
        on_progress=lines.append,
    )
    line = f"from dev: image {REPO}:{SHA_A} (from the newest promotion trailer, commit 1234567)"
    assert lines == [line] and result.origin == line
    assert asked == [{"path": PATH, "app": "web", "env": "dev", "repository": REPO}]
    assert sent[0].image == ImageRef(REPO, SHA_A) and sent[0].evidence == f"Promoted {line}.\n\ngates: ok"
