"""yaml_schema: values and every problem (file:line, key, why) for a document against a small schema."""

from __future__ import annotations

from pathlib import Path

from slipway.yaml_schema import Field, ListOf, MapOf, Record, check_document

PATH = Path("app.yaml")
SCHEMA = Record(
    {
        "name": Field(str, required=True),
        "replicas": Field(int, default=1),
        "ratio": Field(float, default=0.5),
        "kind": Field(str, default="helm", choices=("helm", "kustomize")),
        "port": Field(int, check=lambda p: None if 0 < p < 65536 else "must be a port number"),
        "envs": Field(ListOf(Record({"name": Field(str, required=True)})), default=[]),
        "tools": Field(MapOf(str), default={}),
        "cache": Field(Record({"dir": Field(str, default="/tmp")})),
    }
)


def _problems(text: str) -> list[str]:
    return [str(p) for p in check_document(text, PATH, SCHEMA)[1]]


def test_a_valid_document_reads_with_defaults_filled_in() -> None:
    values, problems = check_document(
        "name: web\nratio: 2\nenvs:\n  - name: dev\ntools: {go: golang}\n", PATH, SCHEMA
    )
    assert problems == []
    assert values == {
        "name": "web", "replicas": 1, "ratio": 2.0, "kind": "helm", "port": None,
        "envs": [{"name": "dev"}], "tools": {"go": "golang"}, "cache": {"dir": "/tmp"},
    }  # fmt: skip


def test_every_problem_is_reported_in_line_order() -> None:
    text = "replicas: yes\nkind: docker\nport: 70000\nextra: 1\nenvs:\n  - {}\ntools: [a]\n"
    assert _problems(text) == [
        "app.yaml:1: name: required key is missing",
        "app.yaml:1: replicas: must be an integer (got bool)",
        "app.yaml:2: kind: must be one of helm, kustomize (got 'docker')",
        "app.yaml:3: port: must be a port number",
        "app.yaml:4: extra: unknown key (known keys: name, replicas, ratio, kind, port, envs, tools, cache)",
        "app.yaml:6: envs[0].name: required key is missing",
        "app.yaml:7: tools: must be a mapping",
    ]


def test_duplicate_keys_name_the_first_line() -> None:
    assert _problems("name: a\nname: b\n") == ["app.yaml:2: name: duplicate key 'name' (first at line 1)"]


def test_an_empty_or_broken_document_is_one_problem() -> None:
    assert _problems("") == ["app.yaml:1: document: is empty"]
    assert _problems("- just\n- a list\n") == ["app.yaml:1: document: must be a mapping"]
    [broken] = _problems("name: [unclosed\n")
    assert broken.startswith("app.yaml:") and "document: not valid YAML" in broken
