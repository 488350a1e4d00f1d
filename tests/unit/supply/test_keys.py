"""keys.py: public-key fingerprints, garbled keys refused, private keys checked without echoing."""

from __future__ import annotations

from pathlib import Path

import pytest

from slipway.errors import ConfigError
from slipway.keys import check_private_key, fingerprint, read_public_key

PUBLIC = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEas/r5L3ea5uhCuyN1FiMQsCLCpMB
ulQfKBUVnSRS378xP4ndupmFNCLBdRBb5lWRC8OY4Yjtg8e/iHrHPD7gcw==
-----END PUBLIC KEY-----
"""


def test_fingerprint_is_the_sha256_of_the_der_key() -> None:
    # as `openssl pkey -pubin -outform DER | sha256sum` gives for this key
    assert fingerprint(PUBLIC) == "SHA256:2e647d068d134e8b1f098441dfa8ebb038c5aee6ceedcec0f7a92aa3712e5ced"


@pytest.mark.parametrize(
    "text",
    [
        "not a key",
        PUBLIC.replace("MFkw", "!!!!"),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    ],
)
def test_a_garbled_public_key_is_refused_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "cosign.pub"
    path.write_text(text)
    with pytest.raises(ConfigError, match=f"signing: {path} is not a PEM public key"):
        read_public_key(path)


def test_a_missing_public_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        read_public_key(tmp_path / "nope.pub")


def test_a_private_key_that_is_not_cosign_is_refused_without_echoing_it() -> None:
    secret = "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LXZhbHVl\n-----END RSA PRIVATE KEY-----"
    with pytest.raises(ConfigError) as info:
        check_private_key(secret)
    assert "c2VjcmV0LXZhbHVl" not in str(info.value)
    assert check_private_key(_encrypted(_BODY)) == _encrypted(_BODY)


_BODY = {"kdf": {"name": "scrypt"}, "cipher": {"name": "nacl/secretbox"}, "ciphertext": "c2VjcmV0"}


def _encrypted(body: object) -> str:
    import base64
    import json

    text = base64.b64encode(json.dumps(body).encode()).decode()
    return f"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{text}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    "key",
    [
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nnot base64!\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----",
        _encrypted({"kdf": {"name": "scrypt"}, "cipher": {}}),
        _encrypted(["c2VjcmV0"]),
    ],
)
def test_a_garbled_cosign_private_key_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ConfigError, match="the cosign private key is garbled") as info:
        check_private_key(key)
    assert "not base64" not in str(info.value) and "c2VjcmV0" not in str(info.value)
