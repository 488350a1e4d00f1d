"""The server-side dry-run's reading of kubectl's errors: the API server's words, minus the path."""

from __future__ import annotations

from slipway.stages.dry_run import server_problems

INVALID = (
    'The Deployment "web" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0\n'
)
FORBIDDEN = """\
Error from server (Forbidden): error when retrieving current configuration of:
Resource: "apps/v1, Resource=deployments", GroupVersionKind: "apps/v1, Kind=Deployment"
Name: "web", Namespace: "kube-system"
from server for: "/work/manifests.yaml": deployments.apps "web" is forbidden: User "slipway-deploy" \
cannot get resource "deployments" in API group "apps" in the namespace "kube-system"
"""
UNKNOWN = (
    'Error from server (BadRequest): error when creating "/work/manifests.yaml": Deployment in version '
    '"v1" cannot be handled as a Deployment: strict decoding error: unknown field '
    '"spec.template.spec.containers[0].bogus"\n'
)


def test_the_file_path_is_dropped_and_the_server_message_kept() -> None:
    assert server_problems(INVALID) == [INVALID.strip()]
    [line] = server_problems(UNKNOWN)
    assert line.endswith('strict decoding error: unknown field "spec.template.spec.containers[0].bogus"')
    assert "/work/manifests.yaml" not in line


def test_warnings_and_blank_lines_are_not_problems() -> None:
    stderr = "Warning: would violate PodSecurity\n\n" + INVALID + INVALID
    assert len(server_problems(stderr)) == 2


def test_a_refusal_spread_over_lines_is_one_problem_without_kubectls_framing() -> None:
    assert server_problems(FORBIDDEN) == [
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "slipway-deploy" cannot get '
        'resource "deployments" in API group "apps" in the namespace "kube-system"'
    ]


UNAUTHORIZED = (
    'error: error validating "/work/manifests.yaml": error validating data: failed to download openapi: '
    "the server has asked for the client to provide credentials; if you choose to ignore these errors, "
    "turn validation off with --validate=false\n"
)


def test_refused_credentials_keep_the_servers_reason_without_kubectls_advice() -> None:
    assert server_problems(UNAUTHORIZED) == [
        "failed to download openapi: the server has asked for the client to provide credentials"
    ]
