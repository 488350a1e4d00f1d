"""Reading a Deployment's image and rollout, and Flux's Kustomization, from the API server's JSON."""

from __future__ import annotations

from typing import Any

from slipway.kube.live import deployment_state, image_digest, kustomization_state

DIGEST = "sha256:" + "ab" * 32


def _deployment(status: dict[str, Any], *, replicas: int = 1, generation: int = 2) -> dict[str, Any]:
    return {
        "metadata": {"name": "web-api", "generation": generation},
        "spec": {
            "replicas": replicas,
            "template": {"spec": {"containers": [
                {"name": "cache", "image": "redis:7"},
                {"name": "web-api", "image": f"localhost:5000/app:{'a' * 40}@{DIGEST}"},
            ]}},
        },
        "status": status,
    }  # fmt: skip


def test_digest_of_an_image_reference() -> None:
    assert image_digest(f"r:t@{DIGEST}") == DIGEST
    assert image_digest("r:t") == ""
    assert image_digest("r@md5:xyz") == ""


def test_a_finished_rollout_is_complete_and_names_the_workload_containers_image() -> None:
    done = {"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1}
    state = deployment_state(_deployment(done), "web-api")
    assert (state.rollout, state.digest, state.reason) == ("complete", DIGEST, "")
    # without a container of that name, the first container
    assert deployment_state(_deployment(done), "other").image == "redis:7"


def test_an_old_generation_or_missing_replicas_is_progressing_with_the_counts() -> None:
    stale = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1}
    assert deployment_state(_deployment(stale)).rollout == "progressing"
    partial = {
        "observedGeneration": 2, "replicas": 3, "updatedReplicas": 2, "availableReplicas": 1,
        "conditions": [{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                        "message": 'ReplicaSet "web-api-5d4" is progressing.'}],
    }  # fmt: skip
    state = deployment_state(_deployment(partial, replicas=3))
    assert state.rollout == "progressing"
    assert state.reason == '2/3 updated, 1 available: ReplicaSet "web-api-5d4" is progressing.'


def test_a_passed_progress_deadline_is_failed_with_the_servers_message() -> None:
    failed = {
        "observedGeneration": 2, "replicas": 2, "updatedReplicas": 1, "availableReplicas": 1,
        "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                        "message": 'ReplicaSet "web-api-7f" has timed out progressing.'}],
    }  # fmt: skip
    state = deployment_state(_deployment(failed))
    assert state.rollout == "failed"
    assert state.reason == 'ProgressDeadlineExceeded: ReplicaSet "web-api-7f" has timed out progressing.'


def _kustomization(name: str, namespace: str, ready: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {"targetNamespace": namespace},
        "status": {
            "lastAppliedRevision": "main@sha1:0123",
            "conditions": [{"type": "Ready", "status": ready, "reason": reason, "message": message}],
        },
    }


def test_the_kustomization_is_found_by_its_target_namespace() -> None:
    items = [
        _kustomization("other", "web-api-prod", "True", "ReconciliationSucceeded", "Applied"),
        _kustomization("web-api-dev", "web-api-dev", "False", "BuildFailed", "kustomize build failed: x"),
    ]
    state = kustomization_state(items, "web-api-dev")
    assert state is not None
    assert (state.name, state.ready, state.revision) == ("web-api-dev", False, "main@sha1:0123")
    assert state.reason == "BuildFailed: kustomize build failed: x"
    assert kustomization_state(items, "nowhere") is None
    assert kustomization_state([{"spec": {"targetNamespace": "n"}}], "n") == kustomization_state(
        [{"spec": {"targetNamespace": "n"}, "status": {}}], "n"
    )
