"""slipway.yaml's signing: and require_signature: which environments verify, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_text import CONFIG_HEAD

from slipway.config import AppConfig, parse_config
from slipway.errors import ConfigError

ENVS = "  - name: dev\n  - name: prod\n    protected: true\n"


def _parse(text: str) -> AppConfig:
    return parse_config(CONFIG_HEAD + text, Path("/apps/demo/slipway.yaml"))


def test_without_signing_no_environment_requires_a_signature() -> None:
    cfg = _parse(ENVS)
    assert cfg.signing is None and cfg.public_key_path() is None
    assert not cfg.requires_signature("prod") and not cfg.requires_signature("dev")


def test_with_a_public_key_protected_environments_require_a_signature_by_default() -> None:
    cfg = _parse(ENVS + "signing:\n  public_key: keys/cosign.pub\n")
    assert cfg.public_key_path() == Path("/apps/demo/keys/cosign.pub")
    assert cfg.requires_signature("prod") and not cfg.requires_signature("dev")


def test_require_signature_overrides_the_default_either_way() -> None:
    text = (
        "  - name: dev\n    require_signature: true\n"
        "  - name: prod\n    protected: true\n    require_signature: false\n"
        "signing:\n  public_key: cosign.pub\n"
    )
    cfg = _parse(text)
    assert cfg.requires_signature("dev") and not cfg.requires_signature("prod")


def test_require_signature_without_a_public_key_is_refused() -> None:
    with pytest.raises(
        ConfigError, match=r"environments\[dev\]: require_signature: true needs signing.public_key"
    ):
        _parse("  - name: dev\n    require_signature: true\n")


@pytest.mark.parametrize("path", ["/etc/cosign.pub", "../cosign.pub"])
def test_the_public_key_must_be_inside_the_app(path: str) -> None:
    with pytest.raises(ConfigError, match="must be a path inside the app directory"):
        _parse(ENVS + f"signing:\n  public_key: {path}\n")


@pytest.mark.parametrize("written", ["2026-03-31", "'2026-03-31'", "2026-03-31 12:00:00"])
def test_the_key_expires_after_its_rotation_date(written: str) -> None:
    from datetime import date

    signing = _parse(ENVS + f"signing:\n  public_key: cosign.pub\n  expires: {written}\n").signing
    assert signing is not None and signing.expires == date(2026, 3, 31)
    assert not signing.expired(date(2026, 3, 31)) and signing.expired(date(2026, 4, 1))


def test_a_key_without_a_rotation_date_never_expires() -> None:
    from datetime import date

    signing = _parse(ENVS + "signing:\n  public_key: cosign.pub\n").signing
    assert signing is not None and signing.expires is None and not signing.expired(date(9999, 1, 1))


@pytest.mark.parametrize("written", ["soon", "2026-13-01", "20260331"])
def test_an_expiry_that_is_not_a_date_is_refused_at_its_line(written: str) -> None:
    with pytest.raises(ConfigError, match=r"slipway.yaml:\d+.*signing.expires.*a date \(YYYY-MM-DD\)"):
        _parse(ENVS + f"signing:\n  public_key: cosign.pub\n  expires: {written}\n")
