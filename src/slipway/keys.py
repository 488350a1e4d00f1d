"""cosign key pairs: checking what a user hands in, fingerprints, and `slipway keys generate`.

The private key stays encrypted (cosign's own format) and only ever travels as an engine
secret; the public key (PEM, SubjectPublicKeyInfo) lives beside slipway.yaml.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from pathlib import Path

from slipway.errors import ConfigError
from slipway.stages.tool_container import tool_container

__all__ = [
    "PRIVATE_KEY_FILE",
    "PUBLIC_KEY_FILE",
    "check_private_key",
    "check_public_key",
    "fingerprint",
    "generate_key_pair",
    "read_public_key",
]

PRIVATE_KEY_FILE = "cosign.key"
PUBLIC_KEY_FILE = "cosign.pub"
_PUBLIC = re.compile(r"-----BEGIN PUBLIC KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----")
_PRIVATE = re.compile(
    r"-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----(.+)-----END ENCRYPTED \1 PRIVATE KEY-----", re.S
)
# cosign's encrypted key: base64 of {"kdf": {...}, "cipher": {...}, "ciphertext": "..."}
_ENCRYPTED_PARTS = ("kdf", "cipher", "ciphertext")


def _encrypted_body(body: str) -> bool:
    try:
        doc = json.loads(base64.b64decode("".join(body.split()), validate=True))
    except (ValueError, binascii.Error):
        return False
    return isinstance(doc, dict) and all(doc.get(part) for part in _ENCRYPTED_PARTS)


def check_private_key(text: str) -> str:
    """`text` when it is an encrypted cosign private key; a ConfigError (never echoing it) if not."""
    match = _PRIVATE.search(text)
    if match is None:
        msg = "--signing-key: not an encrypted cosign private key (make one with `slipway keys generate`)"
        raise ConfigError(msg)
    if not _encrypted_body(match.group(2)):
        msg = (
            "--signing-key: the cosign private key is garbled (its body is not an encrypted key); "
            "use the cosign.key `slipway keys generate` wrote"
        )
        raise ConfigError(msg)
    return text


def _public_der(text: str, where: str) -> bytes:
    match = _PUBLIC.search(text)
    try:
        if match is None:
            raise ValueError
        der = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (ValueError, binascii.Error):
        msg = f"signing: {where} is not a PEM public key (expected cosign.pub from `slipway keys generate`)"
        raise ConfigError(msg) from None
    if len(der) < 32 or der[0] != 0x30:  # a DER SEQUENCE: SubjectPublicKeyInfo
        msg = f"signing: {where} is not a PEM public key (its body is not a DER key)"
        raise ConfigError(msg)
    return der


def fingerprint(public_key: str, where: str = "the public key") -> str:
    """`SHA256:<hex>` of the key's DER bytes: how evidence names the key that signed."""
    return "SHA256:" + hashlib.sha256(_public_der(public_key, where)).hexdigest()


def check_public_key(text: str, where: str) -> str:
    """`text` when it is a PEM public key; a ConfigError naming `where` if not."""
    _public_der(text, where)
    return text


def read_public_key(path: Path) -> str:
    """The PEM public key at `path`, checked; a ConfigError naming the file when unusable."""
    if not path.is_file():
        msg = f"signing: public key {path} does not exist (slipway.yaml signing.public_key)"
        raise ConfigError(msg)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"signing: could not read public key {path}: {exc}"
        raise ConfigError(msg) from None
    _public_der(text, str(path))
    return text


def _refuse_existing(out: Path) -> tuple[Path, Path]:
    private, public = out / PRIVATE_KEY_FILE, out / PUBLIC_KEY_FILE
    existing = [str(p) for p in (private, public) if p.exists()]
    if existing:
        msg = f"keys: {', '.join(existing)} already exist (choose another --out; keys are never overwritten)"
        raise ConfigError(msg)
    return private, public


def _write_pair(out: Path, key_text: str, pub_text: str) -> tuple[Path, Path]:
    import os

    private, public = _refuse_existing(out)
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key_text)
    public.write_text(pub_text)
    return private, public


async def generate_key_pair(out: Path, tool_image: str, password: str) -> tuple[Path, Path]:
    """Cosign generate-key-pair in a container on the engine; the pair written into `out` (0600 key)."""
    import secrets

    from dagger import dag

    from slipway.stages.engine_calls import stage_errors

    _refuse_existing(out)
    ctr = (
        (await tool_container(tool_image))
        .with_workdir("/keys")
        # a fresh pair every time: without it the engine would answer from its cache
        .with_env_variable("SLIPWAY_KEYGEN_NONCE", secrets.token_hex(16))
        .with_secret_variable("COSIGN_PASSWORD", dag.set_secret("slipway-key-password", password))
        .with_exec(["cosign", "generate-key-pair"])
    )
    async with stage_errors("keys", "generate a key pair", "check the cosign tool image"):
        key_text = await ctr.file(f"/keys/{PRIVATE_KEY_FILE}").contents()
        pub_text = await ctr.file(f"/keys/{PUBLIC_KEY_FILE}").contents()
    return _write_pair(out, key_text, pub_text)
