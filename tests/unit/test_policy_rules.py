"""The built-in rules have stable ids: the rego emits exactly the ids `slipway policy list` prints."""

from __future__ import annotations

import json
import re
from importlib.resources import files

from slipway.policy_rules import PROTECTED_ONLY_RULES, RULE_IDS, RULES, rule_id_problem
from slipway_cli import slipway


def _rego() -> str:
    return "".join(f.read_text() for f in files("slipway.policies").iterdir() if f.name.endswith(".rego"))


def test_every_deny_of_a_built_in_rule_names_a_listed_id() -> None:
    rego = _rego()
    emitted = re.findall(r'^deny contains slipway_failure\("([a-z-]+)", msg\) if \{$', rego, flags=re.M)
    assert sorted(emitted) == sorted(RULE_IDS)
    assert len(re.findall(r"^deny contains", rego, flags=re.M)) == len(emitted), "every deny carries its id"
    assert len(set(RULE_IDS)) == len(RULE_IDS)


def test_protected_only_rules_deny_only_when_protected() -> None:
    rego = _rego()
    for rule in PROTECTED_ONLY_RULES:
        body = rego.split(f'deny contains slipway_failure("{rule}", msg) if {{\n', 1)[1]
        assert body.lstrip().startswith("protected\n"), rule


def test_a_failure_carries_the_rule_the_kind_and_the_name() -> None:
    helper = next(line for line in _rego().splitlines() if line.startswith("slipway_failure(rule, msg) :="))
    for part in ('"rule": rule', '"kind": input.kind', '"name": input.metadata.name', '"msg": sprintf'):
        assert part in helper


def test_unknown_ids_are_refused_with_the_list() -> None:
    assert rule_id_problem("resource-limits") is None
    why = rule_id_problem("limits")
    assert why is not None and "unknown rule 'limits'" in why
    assert all(rule in why for rule in RULE_IDS)


def test_policy_list_prints_each_id_and_its_summary() -> None:
    proc = slipway("policy", "list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(RULES)
    for rule, line in zip(RULES, lines, strict=True):
        assert line.split(None, 1) == [rule.id, rule.summary]
    listed = json.loads(slipway("policy", "list", "--json").stdout)
    assert listed == [{"id": r.id, "summary": r.summary} for r in RULES]
