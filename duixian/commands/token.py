"""`duixian token`: a development token for a role and organisation."""
from __future__ import annotations

import click
import jwt

from infra.auth import ROLES, issue_token, principal_from_claims
from infra.errors import Unauthorized
from infra.settings import Settings, get_settings
from infra.signing import keys_dir, load_or_create, sign_service_token, with_local_jwks

CLI_KEY = "cli"


def _algorithm(settings: Settings, chosen: str) -> str:
    """RS256 where the services verify against the portal's JWKS (JWKS_URL set, or a portal of this
    DATA_DIR publishes the key directory, as under `make up`); HS256 with the shared secret otherwise."""
    if chosen != "auto":
        return chosen
    return "RS256" if with_local_jwks(settings).jwks_url else "HS256"


@click.command("token")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "organisation", required=True, help="组织标识; for an enterprise its USCC")
@click.option("--region", default=None, help="行政区划代码, e.g. 140400")
@click.option("--chain", "chains", multiple=True, help="产业链标识 (repeatable)")
@click.option("--sub", "subject", default=None, help="user id (default: ROLE@ORG)")
@click.option("--name", default=None, help="显示名称")
@click.option("--ttl", default=8 * 3600, show_default=True,
              help="seconds (at most TOKEN_MAX_LIFETIME_SECONDS; RS256 tokens: at most 900)")
@click.option("--alg", "algorithm", type=click.Choice(["auto", "RS256", "HS256"]), default="auto", show_default=True,
              help="RS256: signed with DATA_DIR/keys/cli.pem, published by the portal's JWKS; HS256: the shared secret")
def command(role: str, organisation: str, region: str | None, chains: tuple[str, ...], subject: str | None,
            name: str | None, ttl: int, algorithm: str) -> None:
    """签发开发用令牌 (development and scripts only; refused in production).

    Only a token the services would accept is issued: the claims are checked as at verification."""
    settings = get_settings()
    if settings.environment == "production":
        raise click.UsageError("生产环境不签发开发令牌; use the identity provider")
    subject = subject or f"{role}@{organisation}"
    if _algorithm(settings, algorithm) == "RS256":
        token = sign_service_token(settings, load_or_create(keys_dir(settings), CLI_KEY), subject=subject, role=role,
                                   organisation=organisation, region=region, chains=chains, name=name, ttl_seconds=ttl)
    else:
        token = issue_token(settings, subject=subject, role=role, organisation=organisation, region=region,
                            chains=chains, name=name, ttl_seconds=ttl)
    try:  # the claims just signed, checked as the services check them
        principal_from_claims(settings, jwt.decode(token, options={"verify_signature": False}))
    except Unauthorized as refused:
        raise click.UsageError(refused.message) from None
    click.echo(token)
