"""slipway.yaml's `policy`: exceptions a person writes, checked where they are written."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_text import CONFIG_HEAD

from slipway.config import AppConfig, PolicyException, load_config
from slipway.errors import ConfigError
from slipway.policy_rules import RULE_IDS

BASE = CONFIG_HEAD + "  - name: dev\n  - name: prod\n    protected: true\n"


def _load(tmp_path: Path, policy: str) -> AppConfig:
    (tmp_path / "slipway.yaml").write_text(BASE + policy)
    return load_config(tmp_path)


def _problems(tmp_path: Path, policy: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, policy)
    assert info.value.exit_code == 2
    return str(info.value).splitlines()[1:]


def test_defaults_allow_no_exceptions_and_forbid_the_image_rules_in_protected_envs(tmp_path: Path) -> None:
    policy = _load(tmp_path, "").policy
    assert policy.dir == "" and policy.exceptions == ()
    assert policy.forbid_exceptions_in_protected == {"mutable-tag", "unpinned-image"}


def test_exceptions_are_read_with_where_they_are_written(tmp_path: Path) -> None:
    policy = _load(
        tmp_path,
        "policy:\n  dir: policy\n  exceptions:\n"
        '    - {rule: resource-limits, kind: Pod, name: "*-test-*", reason: "helm test pods are short-lived"}\n'
        "    - rule: resource-limits\n      reason: every job of this app\n"
        "  forbid_exceptions_in_protected: []\n",
    ).policy
    assert policy.dir == "policy"
    assert policy.exceptions == (
        PolicyException(
            "resource-limits", "helm test pods are short-lived", "Pod", "*-test-*", "policy.exceptions[0]"
        ),
        PolicyException("resource-limits", "every job of this app", "*", "*", "policy.exceptions[1]"),
    )
    assert policy.forbid_exceptions_in_protected == frozenset()


def test_an_unknown_rule_names_the_file_the_key_and_the_valid_ids(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "policy:\n  exceptions:\n    - {rule: limits, reason: x}\n")
    path = tmp_path / "slipway.yaml"
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:14: policy.exceptions[0].rule: unknown rule 'limits' (rules: ")
    assert all(rule in problems[0] for rule in RULE_IDS)


def test_a_reason_is_required_and_must_say_something(tmp_path: Path) -> None:
    path = tmp_path / "slipway.yaml"
    problems = _problems(
        tmp_path,
        "policy:\n  exceptions:\n    - {rule: resource-limits, kind: Pod}\n"
        '    - {rule: resource-limits, reason: "  "}\n    - {rule: resource-limits, name: "", reason: r}\n',
    )
    assert problems == [
        f"{path}:14: policy.exceptions[0].reason: required key is missing",
        f"{path}:15: policy.exceptions[1].reason: must not be empty",
        f"{path}:16: policy.exceptions[2].name: must not be empty",
    ]


def test_unknown_keys_and_unknown_forbidden_rules_are_refused(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        "policy:\n  exceptions:\n    - {rule: resource-limits, reason: r, env: dev}\n"
        "  forbid_exceptions_in_protected: [mutable-tag, latest]\n",
    )
    assert len(problems) == 2
    assert "policy.exceptions[0].env: unknown key (known keys: rule, kind, name, reason)" in problems[0]
    assert "policy.forbid_exceptions_in_protected: unknown rule 'latest'" in problems[1]


@pytest.mark.parametrize(
    ("kind", "name", "obj", "expected"),
    [
        ("Pod", "*-test-*", ("Pod", "web-test-conn"), True),
        ("Pod", "*-test-*", ("Job", "web-test-conn"), False),
        ("Pod", "*-test-*", ("Pod", "web-tests"), False),
        ("*", "*", ("Deployment", "web"), True),
        ("Deploy*", "web", ("Deployment", "web"), True),
        ("pod", "*", ("Pod", "x"), False),
    ],
)
def test_exceptions_match_kind_and_name_globs(
    kind: str, name: str, obj: tuple[str, str], expected: bool
) -> None:
    exception = PolicyException("resource-limits", "r", kind, name)
    assert exception.matches("resource-limits", *obj) is expected
    assert exception.matches("mutable-tag", *obj) is False
