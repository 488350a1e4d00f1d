"""Image references: what parses, what is immutable, and hostile spellings that must not parse."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.refs import ImageRef, is_commit_sha, is_loopback_registry, parse_ref

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("localhost:5000/a/b:" + "c" * 40, ImageRef("localhost:5000/a/b", "c" * 40)),
        (f"ghcr.io/o/img@{DIGEST}", ImageRef("ghcr.io/o/img", "", DIGEST)),
        (f"r.io/o/img:v1.2@{DIGEST}", ImageRef("r.io/o/img", "v1.2", DIGEST)),
        ("debian", ImageRef("debian")),
    ],
)
def test_parses(text: str, expected: ImageRef) -> None:
    assert parse_ref(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize(
    "text",
    [
        "repo:tag\n",
        "repo:tag\nrm -rf /",
        "Repo:tag",
        "repo:-tag",
        "repo:$(id)",
        "repo:`id`",
        "repo:tag;id",
        "repo@sha256:abc",
        f"repo@{DIGEST}\n",
        "repo:tag@md5:" + "a" * 32,
        "",
        "/repo:tag",
        "repo//x:tag",
    ],
)
def test_hostile_refs_do_not_parse(text: str) -> None:
    with pytest.raises(ConfigError, match="refs: bad"):
        parse_ref(text)


def test_immutability() -> None:
    assert parse_ref("r/x:" + "a" * 40).is_immutable
    assert parse_ref(f"r/x:v1@{DIGEST}").is_immutable
    assert not parse_ref("r/x:v1").is_immutable
    assert not is_commit_sha("a" * 40 + "\n")
    with pytest.raises(ConfigError, match="is not a sha256 digest"):
        parse_ref("r/x:v1").with_digest(DIGEST + "\n")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost:5000", True),
        ("127.0.0.1:5000", True),
        ("localhost", True),
        ("registry.example.com", False),
        ("localhost.example.com:5000", False),
        ("10.0.0.5:5000", False),
    ],
)
def test_a_registry_is_on_the_loopback_by_its_host_name_whatever_the_port(host: str, loopback: bool) -> None:
    assert is_loopback_registry(host) is loopback
