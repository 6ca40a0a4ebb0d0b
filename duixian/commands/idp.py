"""`duixian idp`: the local OpenID Connect provider `make up` signs users in with (development only).

PyPI oidc-provider-mock: authorization code flow (PKCE, nonce required), RS256 ID tokens, JWKS,
discovery and an end-session endpoint; it asks for no password. Its demo users are the subjects of
the portal's directory. Its pages are replaced by Chinese ones that load nothing from another host.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
import jinja2
import uvicorn

from infra.settings import get_settings
from services.portal.domain.directory import Directory

if TYPE_CHECKING:
    from flask import Flask

TEMPLATES = Path(__file__).resolve().parents[1] / "idp_templates"


def provider_app(directory: Directory) -> Flask:
    from infra.third_party import authlib_imported_quietly

    with authlib_imported_quietly():
        import oidc_provider_mock

    users = [oidc_provider_mock.User(sub=entry.subject, claims={"name": entry.name}) for entry in directory.entries()]
    app = oidc_provider_mock.app(require_nonce=True, issue_refresh_token=False,
                                 access_token_max_age=timedelta(minutes=10), user_claims=users)
    app.jinja_loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)), app.jinja_loader])
    app.jinja_env.globals["demo_names"] = {entry.subject: entry.name for entry in directory.entries()}
    return app


@click.command("idp")
@click.option("--port", type=int, default=None, help="default: OIDC_PORT 9400")
def command(port: int | None) -> None:
    """运行开发用统一身份认证 (OpenID Connect provider with the directory's demo users)."""
    import os

    from services.portal.entrypoints.app import DEMO_DIRECTORY

    settings = get_settings()
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on this machine
    directory = Directory.from_file(settings.portal_directory_file or DEMO_DIRECTORY)
    uvicorn.run(provider_app(directory), interface="wsgi", host=settings.serve_host, port=port or settings.oidc_port,
                log_config=None, access_log=False)
