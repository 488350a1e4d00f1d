"""Reading rollouts back: helm history, ReplicaSet revisions, the reason a rollout failed.

The JSON under data/ was captured from the local cluster (kubectl v1.37.2, helm v3.22.0) and
trimmed to the fields slipway reads: a helm release deployed twice, failed (unschedulable,
rolled back by --atomic) and rolled back to revision 1; a Deployment whose newest revision
cannot be scheduled (nodeSelector matching no node) while the previous one still serves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slipway.errors import ConfigError, StageError
from slipway.kube.rollout import (
    HelmRevision,
    WorkloadState,
    helm_revision_deployed,
    helm_rollback_target,
    kube_failure,
    parse_helm_history,
    replicaset_rollback_target,
    rollout_problem,
    runs_image,
)
from slipway.refs import parse_ref

DATA = Path(__file__).parent / "data"
REPO = "localhost:5000/slipway-examples/web-api"
I1 = parse_ref(f"{REPO}@sha256:64b836c6aa04bc8818efca5be4c7cb142dcd064cd1b6bfd30240d1efe9cc48f5")
I2 = parse_ref(f"{REPO}@sha256:1ac10fdffae12ba874915d3663f135792c722f3e9d8cbb55a050699a08b272bd")
SCHEDULER = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector"
WHERE = "dev (namespace t-1)"


def _rev(n: int, status: str, description: str = "") -> HelmRevision:
    return HelmRevision(n, status, description)


# --- helm history -------------------------------------------------------------------------


def test_helm_history_is_parsed_oldest_first() -> None:
    history = parse_helm_history((DATA / "helm-history.json").read_text())
    assert [(r.revision, r.status) for r in history] == [
        (1, "superseded"), (2, "superseded"), (3, "failed"), (4, "superseded"), (5, "deployed"),
    ]  # fmt: skip
    assert [r.rolled_back_to for r in history] == [None, None, None, 2, 1]
    assert (
        parse_helm_history(json.dumps(list(reversed(json.loads((DATA / "helm-history.json").read_text())))))[
            0
        ].revision
        == 1
    )


@pytest.mark.parametrize(
    "text",
    ["", "not json", '{"revision": 1}', '[{"status": "deployed"}]', '[{"revision": "x", "status": "y"}]'],
)
def test_unreadable_helm_history_is_a_rollback_stage_error(text: str) -> None:
    with pytest.raises(StageError) as caught:
        parse_helm_history(text)
    assert str(caught.value).startswith("rollback: could not read helm history")


def test_after_an_atomic_rollback_the_target_is_before_the_restored_revision() -> None:
    # 1 and 2 healthy, 3 failed, 4 = "Rollback to 2" (helm --atomic): 4 runs 2, so go to 1.
    history = [
        _rev(1, "superseded"),
        _rev(2, "superseded"),
        _rev(3, "failed"),
        _rev(4, "deployed", "Rollback to 2"),
    ]
    assert helm_rollback_target(history, "web-api", WHERE).revision == 1


def test_the_newest_healthy_earlier_revision_is_chosen() -> None:
    history = [_rev(1, "superseded"), _rev(2, "superseded"), _rev(3, "deployed")]
    assert helm_rollback_target(history, "web-api", WHERE).revision == 2


def test_failed_revisions_are_never_a_target() -> None:
    history = [_rev(1, "superseded"), _rev(2, "failed"), _rev(3, "failed"), _rev(4, "deployed")]
    assert helm_rollback_target(history, "web-api", WHERE).revision == 1


def test_rolling_back_twice_returns_to_what_ran_before_the_first_rollback() -> None:
    # As `kubectl rollout undo`: the captured history ends with 5 = "Rollback to 1".
    history = parse_helm_history((DATA / "helm-history.json").read_text())
    assert helm_rollback_target(history, "web-api", WHERE).revision == 4


def test_no_healthy_earlier_revision_is_refused_naming_the_history() -> None:
    for history in (
        [_rev(1, "deployed")],
        [_rev(1, "failed"), _rev(2, "deployed")],
        [_rev(1, "superseded"), _rev(2, "failed"), _rev(3, "deployed", "Rollback to 1")],
    ):
        with pytest.raises(ConfigError) as caught:
            helm_rollback_target(history, "web-api", WHERE)
        message = str(caught.value)
        assert message.startswith(
            f"rollback: no healthy revision of release 'web-api' before revision {len(history)}"
        )
        assert "in dev (namespace t-1)" in message and "nothing was changed" in message


def test_a_release_with_an_operation_running_is_refused() -> None:
    with pytest.raises(ConfigError, match="is pending-upgrade at revision 2"):
        helm_rollback_target([_rev(1, "superseded"), _rev(2, "pending-upgrade")], "web-api", WHERE)
    with pytest.raises(ConfigError, match="has no history"):
        helm_rollback_target([], "web-api", WHERE)


def test_rollback_chains_that_loop_still_end() -> None:
    history = [
        _rev(1, "superseded"),
        _rev(2, "superseded", "Rollback to 3"),
        _rev(3, "deployed", "Rollback to 2"),
    ]
    assert helm_rollback_target(history, "web-api", WHERE).revision == 2


def test_the_revision_helm_upgrade_reports() -> None:
    out = (
        'Release "web-api" has been upgraded. Happy Helming!\nNAME: web-api\nSTATUS: deployed\nREVISION: 7\n'
    )
    assert helm_revision_deployed(out) == 7
    assert helm_revision_deployed("nothing") == 0


# --- workload state -----------------------------------------------------------------------


def _state(name: str) -> WorkloadState:
    return WorkloadState.parse((DATA / name).read_text(), "web-api")


def test_the_state_holds_the_deployment_and_its_replicasets_by_revision() -> None:
    state = _state("state-helm-rolled-back.json")
    assert state.revision == 5
    assert state.images == (str(I1),)
    assert [r.revision for r in state.replicasets] == [3, 4, 5]
    assert state.current is not None and state.current.name == "web-api-6b547dd949"
    assert [r.healthy for r in state.replicasets] == [False, True, True]


def test_a_missing_deployment_has_no_revision_or_images() -> None:
    state = WorkloadState.parse('{"items": []}', "web-api")
    assert (state.deployment, state.revision, state.images, state.current) == (None, 0, (), None)


def test_replicasets_of_other_deployments_are_not_ours() -> None:
    text = json.dumps({"items": [{"kind": "ReplicaSet", "metadata": {"name": "other-1", "annotations": {
        "deployment.kubernetes.io/revision": "1"}, "ownerReferences": [{"kind": "Deployment", "name": "other"}]},
        "spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}]})  # fmt: skip
    assert WorkloadState.parse(text, "web-api").replicasets == ()


@pytest.mark.parametrize("text", ["", "[", "[]"])
def test_unreadable_state_is_a_stage_error(text: str) -> None:
    with pytest.raises(StageError, match="could not read the state of deployment/web-api"):
        WorkloadState.parse(text, "web-api", "verify")


def test_images_match_by_digest_when_pinned() -> None:
    assert runs_image(f"{REPO}:abc@{I1.digest}", I1)
    assert runs_image(str(I1), I1)
    assert not runs_image(str(I2), I1)
    assert runs_image(f"{REPO}:abc", parse_ref(f"{REPO}:abc"))
    assert not runs_image(f"{REPO}:abcd", parse_ref(f"{REPO}:abc"))


# --- why a rollout failed -----------------------------------------------------------------


def test_an_unschedulable_pod_is_reported_in_the_schedulers_words() -> None:
    problem = rollout_problem(_state("state-kubectl-unschedulable.json"))
    assert problem == f"pod web-api-587d66b5cd-4wpcj Unschedulable: {SCHEDULER}"
    assert "preemption" not in problem


def test_after_helm_rolled_back_the_failed_replicasets_events_tell_why() -> None:
    # The failed pods are gone; the events of the newest ReplicaSet that ran the image remain.
    problem = rollout_problem(_state("state-helm-rolled-back.json"), I1, rolled_back=True)
    assert problem == f"pod web-api-697b68f549-xrss8 FailedScheduling: {SCHEDULER}"


def test_only_the_failed_replicasets_events_count() -> None:
    # The other unschedulable ReplicaSet (an older attempt, revision 3) is not this rollout's.
    problem = rollout_problem(_state("state-kubectl-unschedulable.json"))
    assert "web-api-5bb9c89854" not in problem


def _deployment(
    conditions: list[dict[str, str]], pods: list[dict[str, object]] | None = None
) -> WorkloadState:
    items: list[dict[str, object]] = [
        {"kind": "Deployment", "metadata": {"name": "web-api", "annotations": {"deployment.kubernetes.io/revision": "2"}},
         "spec": {"template": {"spec": {"containers": [{"image": str(I2)}]}}}, "status": {"conditions": conditions}},
        {"kind": "ReplicaSet", "metadata": {"name": "web-api-abc", "annotations": {"deployment.kubernetes.io/revision": "2"},
         "ownerReferences": [{"kind": "Deployment", "name": "web-api"}]},
         "spec": {"replicas": 2, "template": {"spec": {"containers": [{"image": str(I2)}]}}}, "status": {"readyReplicas": 1}},
        *(pods or []),
    ]  # fmt: skip
    return WorkloadState.parse(json.dumps({"items": items}), "web-api")


def test_progress_deadline_exceeded_is_the_deployments_condition() -> None:
    state = _deployment([
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "ok"},
        {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
         "message": 'ReplicaSet "web-api-abc" has timed out progressing.'},
    ])  # fmt: skip
    assert rollout_problem(state) == (
        'deployment/web-api ProgressDeadlineExceeded: ReplicaSet "web-api-abc" has timed out progressing.'
    )


def test_a_replica_failure_and_a_stuck_container_are_both_named() -> None:
    pod = {"kind": "Pod", "metadata": {"name": "web-api-abc-1", "ownerReferences": [{"kind": "ReplicaSet", "name": "web-api-abc"}]},
           "status": {"containerStatuses": [{"name": "web-api", "state": {"waiting": {
               "reason": "ImagePullBackOff", "message": "Back-off pulling image"}}}]}}  # fmt: skip
    state = _deployment(
        [
            {
                "type": "ReplicaFailure",
                "status": "True",
                "reason": "FailedCreate",
                "message": 'pods "x" is forbidden: quota',
            }
        ],
        [pod],
    )
    assert rollout_problem(state) == (
        'deployment/web-api FailedCreate: pods "x" is forbidden: quota; '
        "pod web-api-abc-1 container web-api ImagePullBackOff: Back-off pulling image"
    )


def test_without_any_reason_the_ready_count_is_reported() -> None:
    assert rollout_problem(_deployment([])) == (
        "replicaset web-api-abc: 1 of 2 pods ready, and the server reported no reason"
    )
    assert rollout_problem(WorkloadState.parse('{"items": []}', "web-api"), I1, rolled_back=True) == (
        "deployment/web-api: not ready in time, and the server reported no reason"
    )


def test_long_messages_are_cut_and_kept_on_one_line() -> None:
    state = _deployment(
        [{"type": "Progressing", "status": "False", "reason": "X", "message": "a\nb " + "c" * 500}]
    )
    problem = rollout_problem(state)
    assert "\n" not in problem and problem.endswith("...") and len(problem) < 300


# --- helm / kubectl errors ----------------------------------------------------------------


SERVER, NS = "https://127.0.0.1:16443", "t-1"


@pytest.mark.parametrize(
    ("stderr", "reason", "advice"),
    [
        ("Error: Kubernetes cluster unreachable: the server has asked for the client to provide credentials",
         f"the API server {SERVER} refused the kubeconfig's credentials (Unauthorized)", "renew the deploy kubeconfig"),
        ("error: You must be logged in to the server (Unauthorized)",
         f"the API server {SERVER} refused the kubeconfig's credentials (Unauthorized)", "renew the deploy kubeconfig"),
        ('Error: query: failed to query with labels: secrets is forbidden: User "slipway-deploy" cannot list '
         'resource "secrets" in API group "" in the namespace "t-1"',
         'query: failed to query with labels: secrets is forbidden: User "slipway-deploy" cannot list resource '
         '"secrets" in API group "" in the namespace "t-1"',
         "bind these credentials in t-1: slipway cluster namespace t-1"),
        ('Error from server (NotFound): namespaces "t-2" not found', 'Error from server (NotFound): namespaces "t-2" not found',
         "create the namespace: slipway cluster namespace t-2"),
        ("Error: Kubernetes cluster unreachable: Get \"https://slipway-kube:16443/version\": dial tcp: connection refused",
         'Kubernetes cluster unreachable: Get "https://slipway-kube:16443/version": dial tcp: connection refused',
         f"is the API server {SERVER} up? (slipway cluster status)"),
        ("W1130 15:00:00 warning\nError: path \"./chart\" not found\n", 'path "./chart" not found', ""),
    ],
)  # fmt: skip
def test_tool_errors_become_one_line_and_advice(stderr: str, reason: str, advice: str) -> None:
    assert kube_failure(stderr, server=SERVER, namespace=NS) == (reason, advice, False)


def test_a_timeout_is_told_apart() -> None:
    atomic = "Error: UPGRADE FAILED: release web-api failed, and has been rolled back due to atomic being set: context deadline exceeded"
    assert kube_failure(atomic, server=SERVER, namespace=NS)[2] is True
    status = 'Waiting for deployment "web-api" rollout to finish: 0 of 1 updated replicas are available...\nerror: timed out waiting for the condition'
    assert kube_failure(status, server=SERVER, namespace=NS) == (
        "timed out waiting for the condition",
        "",
        True,
    )
    assert kube_failure("", server=SERVER, namespace=NS) == ("no output", "", False)


# --- kubectl rollback target --------------------------------------------------------------


def test_the_newest_earlier_verified_replicaset_with_other_images_is_the_target() -> None:
    # Revision 5 (current) runs I1; revision 4 runs I2 and was verified; 3 never was.
    target = replicaset_rollback_target(_state("state-helm-rolled-back.json"), WHERE)
    assert (target.revision, target.images) == (4, (str(I2),))


def test_unverified_revisions_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        replicaset_rollback_target(_state("state-kubectl-unschedulable.json"), WHERE)
    message = str(caught.value)
    assert message.startswith(
        "rollback: no earlier revision of deployment/web-api in dev (namespace t-1) was verified"
    )
    assert "slipway.dev/rollout=healthy" in message and "nothing was changed" in message


def test_a_missing_deployment_is_nothing_to_roll_back() -> None:
    with pytest.raises(ConfigError, match="deployment/web-api does not exist in dev"):
        replicaset_rollback_target(WorkloadState.parse('{"items": []}', "web-api"), WHERE)
