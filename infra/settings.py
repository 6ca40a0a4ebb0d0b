"""One settings object, read from the environment (pydantic-settings)."""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "duixian-development-secret-do-not-use-in-production"
MIN_PRODUCTION_SECRET_BYTES = 32  # HS256 needs a key at least as long as its 256-bit hash (RFC 7518 3.2)
MAX_TRUSTED_PROXY_ADDRESSES = 256  # a /24: an ingress's addresses, not a whole pod network
DEVELOPMENT_OIDC_CLIENT_SECRET = "duixian-portal-development-secret"
DEVELOPMENT_AUDIT_KEY = "duixian-development-audit-key-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")

    # Databases. Per-service URL wins; else DATABASE_URL with one schema per service; else SQLite files.
    database_url: str | None = None
    intake_database_url: str | None = None
    review_database_url: str | None = None
    payout_database_url: str | None = None

    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    amqp_namespace: str = ""  # prefix for exchange and queue names; empty in production
    amqp_heartbeat: int = 30  # seconds; the broker drops a connection that misses two
    relay_enabled: bool = True
    consumers_enabled: bool = True
    relay_poll_seconds: float = 0.5

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "duixian"

    intake_port: int = 8001
    review_port: int = 8002
    payout_port: int = 8003
    # Where the worker finds the services; default: this machine at the ports above.
    intake_url: str = ""
    review_url: str = ""
    payout_url: str = ""

    jwt_secret: SecretStr = SecretStr(DEVELOPMENT_JWT_SECRET)
    jwt_issuer: str = "duixian"
    jwt_audience: str = "duixian"
    jwks_url: str | None = None
    service_token_ttl_seconds: int = 3600
    # Longest lifetime (exp - iat) a token may have: longer ones are refused however they are signed.
    token_max_lifetime_seconds: int = 12 * 3600
    # RS256 signing keys of the portal, the worker and `duixian token` (infra/signing.py); default DATA_DIR/keys.
    signing_keys_dir: Path | None = None

    # The web portal (services/portal) and the OpenID Connect provider it signs users in with.
    portal_port: int = 8000
    portal_url: str = ""  # the address users' browsers reach the portal at; default http://127.0.0.1:PORTAL_PORT
    portal_database_url: str | None = None
    portal_directory_file: Path | None = None  # who may do what; default: the demo directory shipped with the portal
    portal_session_idle_seconds: int = 30 * 60
    portal_session_absolute_seconds: int = 8 * 3600
    oidc_issuer: str = "http://127.0.0.1:9400"
    oidc_client_id: str = "duixian-portal"
    oidc_client_secret: SecretStr = SecretStr(DEVELOPMENT_OIDC_CLIENT_SECRET)
    oidc_port: int = 9400  # the local development provider (`duixian idp`)

    # The audit chain (infra/audit.py) is HMAC-SHA256 under AUDIT_KEY, held by the three services and by whoever
    # runs `duixian audit verify` (in production they refuse the development key and keys under 32 bytes; other
    # processes hold none); after a rotation the old keys stay in AUDIT_RETIRED_KEYS (a JSON list) to verify
    # what they signed. Each service publishes its chain head for the others to keep (infra/audit_checkpoints.py)
    # after AUDIT_CHECKPOINT_EVERY records, and every AUDIT_CHECKPOINT_SECONDS when the chain has moved.
    audit_key: SecretStr = SecretStr(DEVELOPMENT_AUDIT_KEY)
    audit_retired_keys: list[SecretStr] = []
    audit_checkpoint_every: int = Field(default=100, ge=1)
    audit_checkpoint_seconds: float = Field(default=300.0, gt=0)

    serve_host: str = "127.0.0.1"  # SERVE_HOST=0.0.0.0 in containers
    # Proxies whose X-Forwarded-For names the client (rate limits): uvicorn replaces the peer address only
    # for these. Anyone else's X-Forwarded-For is ignored, so a client cannot dodge a limit by inventing one.
    # Production refuses "*" and ranges wider than a /24 (see forwarded_allow_ips_problem).
    forwarded_allow_ips: str = "127.0.0.1,::1"
    # Prometheus metrics on their own port, never the API's (which the ingress publishes); unset: not served.
    metrics_port: int | None = None

    # A disbursement's date lies within its stage's budget year (the approval's year, Asia/Shanghai) widened by
    # this many days on each side, and never after today: a quarter covers December approvals paid, returned
    # and paid again in the first quarter of the next year, and still refuses a year typed wrong.
    disbursement_date_window_days: int = Field(default=90, ge=0, le=366)

    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _service_urls(self) -> Settings:
        for service in ("intake", "review", "payout"):
            if not getattr(self, f"{service}_url"):
                setattr(self, f"{service}_url", f"http://127.0.0.1:{getattr(self, f'{service}_port')}")
        if not self.portal_url:
            self.portal_url = f"http://127.0.0.1:{self.portal_port}"
        self.portal_url = self.portal_url.rstrip("/")
        return self

    def port_of(self, service: str) -> int:
        return int(getattr(self, f"{service}_port"))

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        if self.environment == "production" and not self.jwks_url:
            secret = self.jwt_secret.get_secret_value()
            if secret == DEVELOPMENT_JWT_SECRET:
                raise ValueError("production requires JWKS_URL or a real JWT_SECRET, not the development secret")
            if len(secret.encode()) < MIN_PRODUCTION_SECRET_BYTES:
                raise ValueError(f"production requires JWKS_URL or a JWT_SECRET of at least {MIN_PRODUCTION_SECRET_BYTES} bytes")
        return self

    @model_validator(mode="after")
    def _bounded_tokens_and_trusted_proxies(self) -> Settings:
        if not 0 < self.service_token_ttl_seconds <= self.token_max_lifetime_seconds:
            raise ValueError("SERVICE_TOKEN_TTL_SECONDS must be positive and at most TOKEN_MAX_LIFETIME_SECONDS")
        if self.environment == "production" and (problem := forwarded_allow_ips_problem(self.forwarded_allow_ips)):
            raise ValueError(f"FORWARDED_ALLOW_IPS: {problem}")
        return self

    def database_url_for(self, service: str) -> tuple[str, str | None]:
        """(url, schema) for a service's own database."""
        own = getattr(self, f"{service}_database_url", None)
        if own:
            return normalise_url(own), None
        if self.database_url:
            url = normalise_url(self.database_url)
            return url, (service if url.startswith("postgresql") else None)
        return f"sqlite:///{(self.data_dir / f'{service}.db').as_posix()}", None


def forwarded_allow_ips_problem(value: str) -> str | None:
    """None when `value` names only proxies (addresses, or networks of at most a /24), else why not:
    whoever is trusted here may name any client address in X-Forwarded-For and so pick its own
    rate-limit bucket, so it must be the ingress, not every pod of the cluster."""
    for entry in (part.strip() for part in value.split(",") if part.strip()):
        if entry == "*":
            return "'*' trusts every peer's X-Forwarded-For; list the ingress's addresses"
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return f"{entry!r} is not an IP address or network"
        if network.num_addresses > MAX_TRUSTED_PROXY_ADDRESSES:
            return f"{entry} spans {network.num_addresses} addresses; list the ingress's addresses (at most a /24)"
    return None


def normalise_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
