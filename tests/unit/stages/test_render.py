"""render's helm command and its output: no test hooks, the other hooks apart, canonical bytes."""

from __future__ import annotations

from slipway.refs import ImageRef
from slipway.stages.render import RenderConfig, helm_template_args, split_hooks

SHA = "c" * 40
CONFIG = RenderConfig(
    app="web", env="dev", kind="helm", path="chart", env_file="chart/values-dev.yaml",
    image=ImageRef("localhost:5000/web", SHA), tool_image="helm",
)  # fmt: skip
RENDERED = """\
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
---
# Source: web/templates/migrate.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: web-migrate
  annotations:
    "helm.sh/hook": pre-upgrade
"""


def test_helm_template_skips_test_hooks_and_sets_namespace_values_and_image() -> None:
    args = helm_template_args(CONFIG)
    assert args[:4] == ["helm", "template", "web", "./chart"]
    assert "--skip-tests" in args
    assert args[args.index("--namespace") + 1] == "web-dev"
    assert args[args.index("--values") + 1] == "chart/values-dev.yaml"
    assert f"image.tag={SHA}" in args


def test_helm_hooks_are_kept_apart_from_the_manifests() -> None:
    applied, hooks = split_hooks(RENDERED, "helm")
    assert "kind: Service" in applied and "kind: Job" not in applied
    assert [(h.kind, h.name, h.hook) for h in hooks] == [("Job", "web-migrate", "pre-upgrade")]


def test_kustomize_output_is_applied_whole() -> None:
    applied, hooks = split_hooks(RENDERED.removeprefix("---\n"), "kustomize")
    assert hooks == ()
    assert applied == RENDERED


def test_the_output_is_canonical_so_equal_documents_give_equal_bytes() -> None:
    crlf = RENDERED.replace("\n", "\r\n").replace("---\r\n", "---\r\n\r\n")
    assert split_hooks(crlf, "helm") == split_hooks(RENDERED, "helm")
