"""EnvStatus.in_sync: the cluster runs what git asks for, fully rolled out."""

from __future__ import annotations

from slipway.flows.status import EnvStatus

DIGEST = "sha256:" + "cd" * 32
IMAGE = "localhost:5000/app:" + "0" * 40


def test_a_pinned_desire_matches_on_the_digest_only_once_rolled_out() -> None:
    want = EnvStatus("dev", f"{IMAGE}@{DIGEST}", DIGEST, "abc")
    assert EnvStatus(
        **{**want.__dict__, "live_image": f"other@{DIGEST}", "live_digest": DIGEST, "rollout": "complete"}
    ).in_sync
    assert not EnvStatus(**{**want.__dict__, "live_digest": DIGEST, "rollout": "progressing"}).in_sync
    assert not EnvStatus(
        **{**want.__dict__, "live_digest": "sha256:" + "00" * 32, "rollout": "complete"}
    ).in_sync


def test_an_unpinned_desire_matches_on_the_whole_reference() -> None:
    want = EnvStatus("dev", IMAGE, "", "")
    assert EnvStatus(**{**want.__dict__, "live_image": IMAGE, "rollout": "complete"}).in_sync
    assert not EnvStatus(**{**want.__dict__, "live_image": IMAGE + "x", "rollout": "complete"}).in_sync
    assert not EnvStatus(**{**want.__dict__, "rollout": ""}).in_sync  # no cluster: never in sync
