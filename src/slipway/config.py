"""slipway.yaml: an application's pipeline configuration, as frozen typed objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from slipway.errors import ConfigError
from slipway.gitops.key_paths import key_path_problem
from slipway.gitops.values_path import template_problem
from slipway.names import dns_label_problem
from slipway.policy_rules import PROTECTED_ONLY_RULES, rule_id_problem
from slipway.yaml_input import check_yaml_size, read_yaml_file, shown
from slipway.yaml_schema import Field, ListOf, MapOf, Record, check_document

__all__ = [
    "AppConfig",
    "BuildConfig",
    "ClusterConfig",
    "DeployConfig",
    "Environment",
    "GitopsConfig",
    "PolicyConfig",
    "PolicyException",
    "ScanConfig",
    "SigningConfig",
    "load_config",
    "parse_config",
]

CONFIG_FILE = "slipway.yaml"
TOOLCHAINS = ("go", "npm")
DEPLOY_KINDS = ("helm", "kustomize")
SEVERITIES = ("UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL")
DEPLOY_MODES = ("gitops", "direct")
LOCATORS = (
    "keys",
    "kustomize-images",
    "helmrelease",
    "argocd-helm-values",
    "argocd-helm-parameters",
    "argocd-kustomize-images",
)


def _relative(value: str) -> str | None:
    p = Path(value)
    if p.is_absolute() or ".." in p.parts:
        return "must be a path inside the app directory (no absolute path, no '..')"
    return None


def _severities(value: list[str]) -> str | None:
    bad = [s for s in value if s not in SEVERITIES]
    return f"unknown severities {shown(bad)} (use {', '.join(SEVERITIES)})" if bad else None


def _secret_source(value: str) -> str | None:
    kind, _, where = value.partition(":")
    if kind in ("env", "file") and where:
        return None
    return "must name where the kubeconfig is, as env:NAME or file:PATH (never the kubeconfig itself)"


def _said(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def _rule_ids(value: list[str]) -> str | None:
    return next((why for rule in value if isinstance(rule, str) and (why := rule_id_problem(rule))), None)


def _positive(value: int) -> str | None:
    return None if 0 < value <= 3600 else f"must be between 1 and 3600 seconds (got {value})"


_CLUSTER = Record(
    {
        "kubeconfig": Field(str, required=True, check=_secret_source),
        "namespace": Field(str, required=True, check=dns_label_problem),
        "rollout_timeout": Field(int, default=120, check=_positive),
        "workload": Field(str, default="", check=lambda v: dns_label_problem(v) if v else None),
    }
)

_ENVIRONMENT = Record(
    {
        "name": Field(str, required=True, check=dns_label_problem),
        "protected": Field(bool, default=False),
        "deploy": Field(str, default="gitops", choices=DEPLOY_MODES),
        "allow_direct": Field(bool, default=False),
        "cluster": Field(_CLUSTER, absent_none=True),
        "require_signature": Field(bool, absent_none=True),
    }
)

_SIGNING = Record(
    {
        "public_key": Field(str, required=True, check=_relative),
        # the key's rotation date: no signing with it, nor accepting its signatures, after that day
        "expires": Field(date),
    }
)

_EXCEPTION = Record(
    {
        "rule": Field(str, required=True, check=rule_id_problem),
        "kind": Field(str, default="*", check=_said),
        "name": Field(str, default="*", check=_said),
        "reason": Field(str, required=True, check=_said),
    }
)

_POLICY = Record(
    {
        "dir": Field(str, default="", check=_relative),
        "exceptions": Field(ListOf(_EXCEPTION), default=[]),
        "forbid_exceptions_in_protected": Field(
            ListOf(str), default=list(PROTECTED_ONLY_RULES), check=_rule_ids
        ),
    }
)

SCHEMA = Record(
    {
        "app": Field(str, required=True, check=dns_label_problem),
        "image": Field(Record({"repository": Field(str, required=True)}), required=True),
        "toolchain": Field(str, required=True, choices=TOOLCHAINS),
        "build": Field(
            Record(
                {
                    "dockerfile": Field(str, default="Dockerfile", check=_relative),
                    "context": Field(str, default=".", check=_relative),
                }
            ),
        ),
        "deploy": Field(
            Record(
                {
                    "kind": Field(str, required=True, choices=DEPLOY_KINDS),
                    "path": Field(str, required=True, check=_relative),
                    "values": Field(MapOf(str), default={}),
                    "overlays": Field(MapOf(str), default={}),
                }
            ),
            required=True,
        ),
        "environments": Field(ListOf(_ENVIRONMENT), required=True),
        "scan": Field(
            Record(
                {
                    "severities": Field(ListOf(str), default=["HIGH", "CRITICAL"], check=_severities),
                    "ignore_file": Field(str, default="", check=_relative),
                }
            ),
        ),
        "policy": Field(_POLICY),
        "gitops": Field(
            Record(
                {
                    "values_path": Field(
                        str, default="apps/{app}/overlays/{env}/values.yaml", check=template_problem
                    ),
                    "tag_key": Field(str, default="image.tag", check=key_path_problem),
                    "digest_key": Field(str, default="image.digest", check=key_path_problem),
                    "repository_key": Field(str, default="", check=key_path_problem),
                    "image_key": Field(str, default="", check=key_path_problem),
                    "supersede": Field(bool, default=True),
                    "locator": Field(str, default="keys", choices=LOCATORS),
                    "image_name": Field(str, default=""),
                    "create": Field(bool, default=False),
                }
            ),
        ),
        "tools": Field(MapOf(str), default={}),
        "signing": Field(_SIGNING, absent_none=True),
    }
)


@dataclass(frozen=True)
class ClusterConfig:
    """The Kubernetes API an environment runs on: where its kubeconfig is, and the namespace.

    `kubeconfig` names a secret source (`env:NAME` or `file:PATH`), never the kubeconfig itself.
    `workload` is the Deployment that runs the app (default: the app's name).
    """

    kubeconfig: str
    namespace: str
    rollout_timeout: int = 120
    workload: str = ""


@dataclass(frozen=True)
class Environment:
    """A deployment target; protected ones need pinned images and a reviewed pull request.

    `deploy` is `gitops` (a pull request to the GitOps repository) or `direct` (helm upgrade or
    kubectl apply against `cluster`); a protected environment deploys directly only with
    `allow_direct`. `cluster`, when set, also turns on the server-side dry-run in validate.
    """

    name: str
    protected: bool
    deploy: str = "gitops"
    allow_direct: bool = False
    cluster: ClusterConfig | None = None
    # None: required when the environment is protected and slipway.yaml has `signing:`.
    require_signature: bool | None = None


@dataclass(frozen=True)
class BuildConfig:
    """Where the Dockerfile and its build context are, relative to the app directory."""

    dockerfile: str
    context: str


@dataclass(frozen=True)
class DeployConfig:
    """How manifests are rendered: a Helm chart with per-env values, or kustomize overlays."""

    kind: str
    path: str
    values: Mapping[str, str]
    overlays: Mapping[str, str]


@dataclass(frozen=True)
class ScanConfig:
    """Which severities fail the scan gate, and the app's ignore file."""

    severities: tuple[str, ...]
    ignore_file: str


@dataclass(frozen=True)
class PolicyException:
    """A person's exception to a built-in rule: for which objects (kind and name globs), and why.

    `key` is where slipway.yaml writes it (`policy.exceptions[0]`), for messages and evidence.
    """

    rule: str
    reason: str
    kind: str = "*"
    name: str = "*"
    key: str = ""

    def matches(self, rule: str, kind: str, name: str) -> bool:
        """Whether this exception covers `rule`'s deny of the object `kind`/`name`."""
        return rule == self.rule and fnmatchcase(kind, self.kind) and fnmatchcase(name, self.name)

    @property
    def label(self) -> str:
        """The exception in one phrase: `rule Kind/name-pattern`."""
        return f"{self.rule} {self.kind}/{self.name}"


@dataclass(frozen=True)
class PolicyConfig:
    """The app's own conftest policies (`dir`) and its exceptions to the built-in rules.

    A protected environment never applies an exception to a rule in
    `forbid_exceptions_in_protected` (default: the image rules, which only deny there).
    """

    dir: str = ""
    exceptions: tuple[PolicyException, ...] = ()
    forbid_exceptions_in_protected: frozenset[str] = frozenset(PROTECTED_ONLY_RULES)


@dataclass(frozen=True)
class GitopsConfig:
    """Where an environment's image reference lives in the GitOps repository, and PR policy.

    With `repository_key` set, promotions write the image's repository there too (so another
    repository may be promoted); without it, only the app's own repository is accepted.
    `supersede` closes older open promotion PRs of the same app and environment.
    `locator` says what the file is: `keys` (tag_key/digest_key/repository_key, or image_key for
    the whole reference, are key paths in a YAML file), `helmrelease` and `argocd-helm-values`
    (the same keys under a Flux HelmRelease's `spec.values` or an Argo CD Application's
    `spec.source.helm.valuesObject`), `argocd-helm-parameters` (the keys name Helm parameters),
    or `kustomize-images` and `argocd-kustomize-images` (the image entry named `image_name`,
    by default the app's image repository, as `kustomize edit set image` would set it).
    `create` adds a missing key or entry instead of refusing the promotion.
    """

    values_path: str
    tag_key: str
    digest_key: str
    repository_key: str = ""
    supersede: bool = True
    locator: str = "keys"
    image_name: str = ""
    image_key: str = ""
    create: bool = False


@dataclass(frozen=True)
class SigningConfig:
    """The public key that verifies the app's image signatures and attestations (cosign PEM).

    `expires` is the key pair's rotation date: after it, slipway neither signs with the pair nor
    accepts its signatures (cosign keys carry no expiry of their own).
    """

    public_key: str
    expires: date | None = None
    # The key's text, when slipway.yaml came from a directory in the engine (the Dagger module),
    # where `public_key` names no file on this machine.
    public_key_pem: str = ""

    def expired(self, today: date | None = None) -> bool:
        """Whether the key pair is past its `expires` date (UTC today by default)."""
        if self.expires is None:
            return False
        from datetime import UTC, datetime

        return (today or datetime.now(UTC).date()) > self.expires


@dataclass(frozen=True)
class AppConfig:
    """One application's pipeline configuration (a parsed slipway.yaml)."""

    app: str
    repository: str
    toolchain: str
    build: BuildConfig
    deploy: DeployConfig
    environments: tuple[Environment, ...]
    scan: ScanConfig
    policy: PolicyConfig
    gitops: GitopsConfig
    tools: Mapping[str, str]
    source: Path
    signing: SigningConfig | None = None
    # slipway.lock beside slipway.yaml: tool name -> `ref@sha256:...` (tool_lock.py)
    tool_lock: Mapping[str, str] = field(default_factory=dict)

    def requires_signature(self, env: str) -> bool:
        """Whether promoting to `env` verifies the image's signature and attestations first."""
        environment = self.environment(env)
        if environment.require_signature is not None:
            return environment.require_signature
        return environment.protected and self.signing is not None

    def public_key_path(self) -> Path | None:
        """The signing public key's file, relative to slipway.yaml (None without `signing:`)."""
        return self.source.parent / self.signing.public_key if self.signing else None

    def public_key(self) -> str | None:
        """The signing public key (PEM, checked), or None without `signing:`; a ConfigError if unusable."""
        from slipway.keys import check_public_key, read_public_key

        if self.signing is None:
            return None
        if self.signing.public_key_pem:
            return check_public_key(self.signing.public_key_pem, self.signing.public_key)
        path = self.public_key_path()
        assert path is not None
        return read_public_key(path)

    def environment(self, name: str) -> Environment:
        """The environment called `name`, or a ConfigError listing the known ones."""
        for env in self.environments:
            if env.name == name:
                return env
        known = ", ".join(e.name for e in self.environments)
        msg = f"config: unknown environment {name!r} in {self.source} (known: {known})"
        raise ConfigError(msg)


def _cross_checks(values: dict[str, Any], path: Path) -> list[str]:
    problems = []
    envs = [e["name"] for e in values.get("environments") or [] if e and e.get("name")]
    if values.get("environments") == []:
        problems.append(f"{path}: environments: at least one environment is required")
    if len(set(envs)) != len(envs):
        problems.append(f"{path}: environments: names must be unique (got {shown(envs)})")
    deploy = values.get("deploy") or {}
    per_env = deploy.get("values") if deploy.get("kind") == "helm" else deploy.get("overlays")
    for env in values.get("environments") or []:
        if not env or not env.get("name"):
            continue
        where = f"{path}: environments[{env['name']}]"
        if env.get("require_signature") and not values.get("signing"):
            problems.append(
                f"{where}: require_signature: true needs signing.public_key "
                "(make a key pair with `slipway keys generate`)"
            )
        if env.get("deploy") == "direct" and not env.get("cluster"):
            problems.append(f"{where}: deploy: direct needs a cluster: (kubeconfig and namespace)")
        if env.get("deploy") == "direct" and env.get("protected") and not env.get("allow_direct"):
            problems.append(
                f"{where}: a protected environment deploys only through a reviewed pull request "
                "(set allow_direct: true to allow direct deploys of pinned digests)"
            )
    if deploy.get("kind") and per_env is not None:
        key = "values" if deploy["kind"] == "helm" else "overlays"
        unknown = sorted(set(per_env) - set(envs))
        if unknown:
            problems.append(f"{path}: deploy.{key}: names unknown environments {shown(unknown)}")
    return problems


def load_config(app_dir: Path, *, with_lock: bool = True) -> AppConfig:
    """Read `app_dir/slipway.yaml` (and its slipway.lock); one ConfigError lists every problem."""
    path = app_dir / CONFIG_FILE
    if not app_dir.is_dir():
        msg = f"config: source directory {app_dir} does not exist (pass an app directory)"
        raise ConfigError(msg)
    if not path.is_file():
        msg = f"config: no {CONFIG_FILE} in {app_dir} (create one with `slipway init`)"
        raise ConfigError(msg)
    from slipway.tool_lock import read_lock

    config = parse_config(read_yaml_file(path, "config"), path)
    lock = read_lock(app_dir) if with_lock else {}
    return replace(config, tool_lock=lock) if lock else config


def parse_config(text: str, path: Path) -> AppConfig:
    """Parse slipway.yaml text (read from `path`); one ConfigError lists every problem."""
    check_yaml_size(text, str(path), "config")
    values, problems = check_document(text, path, SCHEMA)
    messages = [str(p) for p in problems] + _cross_checks(values, path)
    if messages:
        head = f"config: {len(messages)} problem(s) in {path}"
        raise ConfigError("\n".join([head, *messages]))
    return _build(values, path)


def _build(v: dict[str, Any], path: Path) -> AppConfig:
    deploy, scan, gitops, build = v["deploy"], v["scan"], v["gitops"], v["build"]
    return AppConfig(
        app=v["app"],
        repository=v["image"]["repository"],
        toolchain=v["toolchain"],
        build=BuildConfig(build["dockerfile"], build["context"]),
        deploy=DeployConfig(deploy["kind"], deploy["path"], deploy["values"], deploy["overlays"]),
        environments=tuple(_environment(e) for e in v["environments"]),
        scan=ScanConfig(tuple(scan["severities"]), scan["ignore_file"]),
        policy=_policy(v["policy"]),
        gitops=GitopsConfig(
            gitops["values_path"],
            gitops["tag_key"],
            gitops["digest_key"],
            gitops["repository_key"],
            gitops["supersede"],
            gitops["locator"],
            gitops["image_name"],
            gitops["image_key"],
            gitops["create"],
        ),
        tools=v["tools"],
        source=path,
        signing=SigningConfig(v["signing"]["public_key"], v["signing"]["expires"]) if v["signing"] else None,
    )


def _policy(p: dict[str, Any]) -> PolicyConfig:
    exceptions = tuple(
        PolicyException(e["rule"], e["reason"], e["kind"], e["name"], f"policy.exceptions[{i}]")
        for i, e in enumerate(p["exceptions"])
    )
    return PolicyConfig(p["dir"], exceptions, frozenset(p["forbid_exceptions_in_protected"]))


def _environment(e: dict[str, Any]) -> Environment:
    c = e["cluster"]
    cluster = (
        ClusterConfig(c["kubeconfig"], c["namespace"], c["rollout_timeout"], c["workload"]) if c else None
    )
    return Environment(
        e["name"], e["protected"], e["deploy"], e["allow_direct"], cluster, e["require_signature"]
    )
