"""Bearer JWT authentication and the caller's organisational scope.

Tokens carry: sub, role, org, and where relevant region (city/county code), chains, zone.
Signature, expiry, issuer and audience are always verified, then the claims' form (infra/claims.py:
subject normalised, region fit for the role, bounded lengths and lifetime). Development signs with a
shared secret (HS256); production verifies against the identity provider's JWKS (RS256/ES256).
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.envelope import Actor
from infra.claims import ClaimInvalid, checked_claims
from infra.errors import FieldError, Forbidden, Unauthorized
from infra.settings import Settings

if TYPE_CHECKING:
    from jwt.types import Options

Role = Literal[
    "enterprise",
    "city_industry_bureau",
    "city_science_bureau",
    "city_department",
    "reform_zone_committee",
    "zone_committee",
    "province_chain_office",
    "chain_lead_unit",
    "chain_chief",
    "chief_of_chiefs",
    "leading_group",
    "expert",
    "competent_department",
    "city_finance_bureau",
    "county_finance",
    "auditor",
    "admin",
    "workflow",
]
ROLES: tuple[str, ...] = get_args(Role)


class Principal(BaseModel):
    """The authenticated caller and the scope its queries are filtered by."""

    model_config = ConfigDict(frozen=True)

    subject: str
    role: Role
    organisation: str = Field(description="组织标识; for an enterprise its USCC")
    region: str | None = Field(default=None, description="行政区划代码 of a city/county department")
    chains: tuple[str, ...] = ()
    name: str | None = None

    def as_actor(self) -> Actor:
        return Actor(subject=self.subject, role=self.role, organisation=self.organisation)


WORKFLOW_PRINCIPAL = Principal(subject="duixian-worker", role="workflow", organisation="duixian")


def issue_token(settings: Settings, *, subject: str, role: str, organisation: str, region: str | None = None,
                chains: tuple[str, ...] | list[str] = (), ttl_seconds: int = 8 * 3600, name: str | None = None) -> str:
    """A development token signed with the shared secret (never used with JWKS in production)."""
    claims = token_claims(settings, subject=subject, role=role, organisation=organisation, region=region, chains=chains,
                          ttl_seconds=ttl_seconds, name=name)
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def token_claims(settings: Settings, *, subject: str, role: str, organisation: str, region: str | None = None,
                 chains: tuple[str, ...] | list[str] = (), ttl_seconds: int = 8 * 3600, name: str | None = None) -> dict[str, Any]:
    """The claims verify_token reads, for any signer (the shared secret here, RS256 keys in infra/signing.py)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
        "role": role,
        "org": organisation,
    }
    if region:
        claims["region"] = region
    if chains:
        claims["chains"] = list(chains)
    if name:
        claims["name"] = name
    return claims


def service_token(settings: Settings) -> str:
    if settings.jwks_url:  # the services verify against the JWKS: sign RS256 with the worker's own key
        from infra.signing import worker_token

        return worker_token(settings)
    return issue_token(
        settings,
        subject=WORKFLOW_PRINCIPAL.subject,
        role=WORKFLOW_PRINCIPAL.role,
        organisation=WORKFLOW_PRINCIPAL.organisation,
        ttl_seconds=settings.service_token_ttl_seconds,
    )


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True)


def verify_token(settings: Settings, token: str) -> Principal:
    options: Options = {"require": ["exp", "iat", "iss", "aud", "sub"]}
    try:
        if settings.jwks_url:
            key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key
            algorithms = ["RS256", "ES256"]
        else:
            key = settings.jwt_secret.get_secret_value()
            algorithms = ["HS256"]
        claims = jwt.decode(
            token, key, algorithms=algorithms, audience=settings.jwt_audience, issuer=settings.jwt_issuer, options=options
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("令牌已过期") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized("令牌受众(aud)不符") from None
    except jwt.InvalidIssuerError:
        raise Unauthorized("令牌签发方(iss)不符") from None
    except jwt.PyJWTError:
        raise Unauthorized("令牌无效或签名无法验证") from None
    return principal_from_claims(settings, claims)


def principal_from_claims(settings: Settings, claims: dict[str, Any]) -> Principal:
    """The caller named by signature-checked claims, once their form is checked (infra/claims.py)."""
    try:
        return Principal(**checked_claims(claims, max_lifetime_seconds=settings.token_max_lifetime_seconds))
    except ClaimInvalid as invalid:
        raise Unauthorized(f"令牌声明 {invalid.claim} 无效: {invalid.reason}",
                           errors=[FieldError(field=f"token.{invalid.claim}", reason=invalid.reason)]) from None
    except ValidationError:
        raise Unauthorized("令牌缺少角色或组织信息") from None


_bearer = HTTPBearer(auto_error=False, description="OAuth2 bearer JWT")


def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("需要登录 (missing bearer token)")
    principal = verify_token(request.app.state.runtime.settings, credentials.credentials)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def roles_allowed(*roles: str) -> Callable[[Principal], Principal]:
    """The dependency of a route only `roles` may call; anyone else gets 403 (the route exists for all).
    Routes take it through a typed alias: `Annotated[Principal, Depends(roles_allowed(...))]`."""
    allowed = frozenset(roles)

    def dependency(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise Forbidden("当前角色无权执行此操作")
        return principal

    return dependency


AdminDep = Annotated[Principal, Depends(roles_allowed("admin"))]
ChainOfficeDep = Annotated[Principal, Depends(roles_allowed("province_chain_office"))]
EnterpriseDep = Annotated[Principal, Depends(roles_allowed("enterprise"))]
WorkflowDep = Annotated[Principal, Depends(roles_allowed("workflow"))]
