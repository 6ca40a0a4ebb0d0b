"""RS256 service tokens and the key directory their JWKS is published from.

Every process that signs tokens for the services (the portal on a user's behalf, the worker for
workflows, `duixian token` and the tests) keeps its own RSA key in SIGNING_KEYS_DIR (default
DATA_DIR/keys): `NAME.pem` (private, mode 0600, created on first use) and `NAME.pub.pem` (public).
The portal serves every `*.pub.pem` of that directory as its JWKS; the services verify against it
(JWKS_URL). A key's id (kid) is its RFC 7638 thumbprint, so rotating is adding a key: tokens signed
with the old one stay valid until its public file is removed. In production the directory is a
mounted secret: each process gets its own private key, the portal only the public files.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from infra.auth import WORKFLOW_PRINCIPAL, token_claims
from infra.settings import Settings

MAX_TOKEN_SECONDS = 15 * 60
PUBLIC_SUFFIX = ".pub.pem"


def keys_dir(settings: Settings) -> Path:
    return settings.signing_keys_dir or settings.data_dir / "keys"


def with_local_jwks(settings: Settings) -> Settings:
    """The settings a command-line tool calls the services with: as given where JWKS_URL is set; where a portal
    of this DATA_DIR publishes the key directory (as under `make up`, which sets JWKS_URL only for its own
    processes) the services verify against its JWKS, so the tool signs RS256 as well; otherwise unchanged (HS256)."""
    if settings.jwks_url or not (keys_dir(settings) / f"portal{PUBLIC_SUFFIX}").exists():
        return settings
    return settings.model_copy(update={"jwks_url": f"{settings.portal_url}/.well-known/jwks.json"})


@dataclass(frozen=True)
class SigningKey:
    name: str
    private_key: rsa.RSAPrivateKey
    kid: str

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    jwk = json.loads(RSAAlgorithm.to_jwk(public_key))
    jwk["kid"] = thumbprint(jwk)
    return {**jwk, "use": "sig", "alg": "RS256"}


def thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order, base64url."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def load_or_create(directory: Path, name: str) -> SigningKey:
    """The key NAME.pem of `directory`, generated (0600) with its public file when missing."""
    private_path = directory / f"{name}.pem"
    if not private_path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return load_or_create(directory, name)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
    loaded = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{private_path} is not an RSA private key")
    key = loaded
    public_path = directory / f"{name}{PUBLIC_SUFFIX}"
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        public_path.write_bytes(public_pem)
    return SigningKey(name, key, public_jwk(key.public_key())["kid"])


@lru_cache(maxsize=8)
def cached_key(directory: Path, name: str) -> SigningKey:
    """load_or_create once per process (callers that sign on every request)."""
    return load_or_create(directory, name)


def published_jwks(directory: Path) -> dict[str, list[dict[str, str]]]:
    """Every public key of the directory, as a JWKS document."""
    keys = []
    for path in sorted(directory.glob(f"*{PUBLIC_SUFFIX}")) if directory.exists() else []:
        public_key = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(public_key, rsa.RSAPublicKey):
            keys.append(public_jwk(public_key))
    return {"keys": keys}


def sign_service_token(settings: Settings, key: SigningKey, *, subject: str, role: str, organisation: str,
                       region: str | None = None, chains: tuple[str, ...] | list[str] = (), name: str | None = None,
                       ttl_seconds: int = MAX_TOKEN_SECONDS) -> str:
    """A token with the claims infra.auth.verify_token reads, signed RS256 with `key` (≤ 15 minutes)."""
    return key.sign(token_claims(settings, subject=subject, role=role, organisation=organisation, region=region,
                                 chains=chains, ttl_seconds=min(ttl_seconds, MAX_TOKEN_SECONDS), name=name))


def worker_token(settings: Settings) -> str:
    """The workflow principal's token, signed with the worker's key (its public key is in the JWKS)."""
    key = cached_key(keys_dir(settings), "worker")
    return sign_service_token(settings, key, subject=WORKFLOW_PRINCIPAL.subject, role=WORKFLOW_PRINCIPAL.role,
                              organisation=WORKFLOW_PRINCIPAL.organisation, ttl_seconds=settings.service_token_ttl_seconds)
