"""Promotion and rollback commit messages, and the git log they are read back from."""

from __future__ import annotations

from slipway.gitops.history import Promotion, promotions
from slipway.gitops.trailers import Commit, parse_log, promotion_message, rollback_message

SHA1, SHA2, SHA3 = "1" * 40, "2" * 40, "3" * 40
WHEN = "2026-01-01T00:00:00Z"


def _record(sha: str, message: str, *files: str) -> str:
    return f"\x1e{sha}\x1f{WHEN}\x1f{message}\x1d\n\n" + "".join(f"{f}\n" for f in files)


def test_a_promotion_message_carries_every_non_empty_trailer() -> None:
    message = promotion_message(
        "web", "prod", "abc123", "r.test/web:abc", "", "https://git.test/web/commit/1"
    )
    assert message == (
        "Promote web abc123 to prod\n\n"
        "Slipway-App: web\nSlipway-Env: prod\nSlipway-Image: r.test/web:abc\n"
        "Slipway-Source: https://git.test/web/commit/1\n"
    )


def test_a_rollback_message_names_the_reverted_commit() -> None:
    reverted = Commit(SHA1, WHEN, "Promote web abc to dev", {})
    assert rollback_message("web", "dev", reverted) == (
        f"Roll back web in dev to before {SHA1[:12]}\n\n"
        f'This reverts commit {SHA1} ("Promote web abc to dev").\n\n'
        f"Slipway-App: web\nSlipway-Env: dev\nSlipway-Reverts: {SHA1}\n"
    )


def test_messages_round_trip_through_the_log() -> None:
    promoted = promotion_message("web", "dev", "abc", "r.test/web:abc", "sha256:" + "f" * 64, "src")
    log = _record(SHA2, promoted, "apps/web/dev/values.yaml") + _record(SHA1, "Seed\n\nno trailers here\n")
    first, second = parse_log(log)
    block = {"Slipway-App": "web", "Slipway-Image": "r.test/web:abc",
             "Slipway-Digest": "sha256:" + "f" * 64, "Slipway-Source": "src"}  # fmt: skip
    assert first == Commit(
        SHA2, WHEN, "Promote web abc to dev", {**block, "Slipway-Env": "dev"},
        ("apps/web/dev/values.yaml",), (block,),
    )  # fmt: skip
    assert first.group == ()
    assert (second.subject, second.trailers, second.files, second.apps) == ("Seed", {}, (), ())


def test_a_malformed_record_is_skipped() -> None:
    assert parse_log("\x1enot a commit\x1d\n") == []
    assert parse_log("") == []


def test_history_lists_one_apps_env_newest_first_and_marks_rolled_back_ones() -> None:
    def promo(sha: str, env: str, image: str) -> Commit:
        return Commit(sha, WHEN, "p", {"Slipway-App": "web", "Slipway-Env": env, "Slipway-Image": image})

    revert = Commit(SHA3, WHEN, "r", {"Slipway-App": "web", "Slipway-Env": "dev", "Slipway-Reverts": SHA2})
    other_app = Commit("4" * 40, WHEN, "p", {"Slipway-App": "api", "Slipway-Env": "dev"})
    commits = [revert, promo(SHA2, "dev", "web:2"), promo("5" * 40, "prod", "web:2"), other_app,
               promo(SHA1, "dev", "web:1")]  # fmt: skip
    assert promotions(commits, "web", "dev") == [
        Promotion(SHA2, WHEN, "web:2", "", "", rolled_back=True),
        Promotion(SHA1, WHEN, "web:1", "", "", rolled_back=False),
    ]
