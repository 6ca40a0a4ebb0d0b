"""The OpenID Connect client (Authlib): authorization code with PKCE (S256), state and nonce kept
in the server-side session, the ID token verified against the provider's JWKS (signature, iss, aud,
exp, nonce)."""
from __future__ import annotations

from infra.settings import DEVELOPMENT_OIDC_CLIENT_SECRET, Settings
from infra.third_party import authlib_imported_quietly

with authlib_imported_quietly():
    from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

SCOPE = "openid profile"


def oidc_client(settings: Settings) -> StarletteOAuth2App:
    """The portal's client at the provider; production refuses the development client secret (only the
    portal holds one, so the check is here, not in every process's settings)."""
    if settings.environment == "production" and settings.oidc_client_secret.get_secret_value() == DEVELOPMENT_OIDC_CLIENT_SECRET:
        raise ValueError("production requires a real OIDC_CLIENT_SECRET, not the development one")
    oauth = OAuth()
    oauth.register(
        "provider",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
    )
    return oauth.create_client("provider")


async def provider_metadata(client: StarletteOAuth2App, settings: Settings) -> dict:
    """The provider's discovery document, refused when it names another issuer than OIDC_ISSUER."""
    metadata = await client.load_server_metadata()
    if metadata.get("issuer", "").rstrip("/") != settings.oidc_issuer.rstrip("/"):
        raise ValueError(f"the provider names issuer {metadata.get('issuer')!r}, not OIDC_ISSUER {settings.oidc_issuer!r}")
    return metadata
