"""`duixian token`: a development token for a role and organisation."""
from __future__ import annotations

import click
import jwt

from infra.auth import ROLES, issue_token, principal_from_claims
from infra.errors import Unauthorized
from infra.settings import get_settings


@click.command("token")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "organisation", required=True, help="组织标识; for an enterprise its USCC")
@click.option("--region", default=None, help="行政区划代码, e.g. 140400")
@click.option("--chain", "chains", multiple=True, help="产业链标识 (repeatable)")
@click.option("--sub", "subject", default=None, help="user id (default: ROLE@ORG)")
@click.option("--name", default=None, help="显示名称")
@click.option("--ttl", default=8 * 3600, show_default=True, help="seconds (at most TOKEN_MAX_LIFETIME_SECONDS)")
def command(role: str, organisation: str, region: str | None, chains: tuple[str, ...], subject: str | None,
            name: str | None, ttl: int) -> None:
    """签发开发用令牌 (signed with the development secret; refused in production).

    Only a token the services would accept is issued: the claims are checked as at verification."""
    settings = get_settings()
    if settings.environment == "production":
        raise click.UsageError("生产环境不签发开发令牌; use the identity provider")
    token = issue_token(settings, subject=subject or f"{role}@{organisation}", role=role, organisation=organisation,
                        region=region, chains=chains, ttl_seconds=ttl, name=name)
    try:  # the claims just signed, checked as the services check them
        principal_from_claims(settings, jwt.decode(token, options={"verify_signature": False}))
    except Unauthorized as refused:
        raise click.UsageError(refused.message) from None
    click.echo(token)
