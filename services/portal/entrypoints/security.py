"""Sessions, CSRF and the security headers, for every page of the portal.

- Session: the cookie carries a random id only (HttpOnly, SameSite=Lax, Secure and the __Host- prefix
  on https); the data lives in the portal's table (adapters/sessions.py). `request.session` is the
  session's data (what Authlib keeps its sign-in state in); `session_of(request)` the session itself.
- CSRF: every form carries the session's token (`csrf_token` field); a POST without it, or with
  another, is refused with a Chinese 403 page before any route runs.
- Headers: a CSP without inline scripts or styles, frame-ancestors 'none', nosniff, same-origin referrer.
"""
from __future__ import annotations

import hmac
import json
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp

from infra.settings import Settings
from services.portal.adapters.sessions import Session, SessionStore

CSRF_FIELD = "csrf_token"
CSRF_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def cookie_name(settings: Settings) -> str:
    return "__Host-duixian_session" if settings.portal_url.startswith("https://") else "duixian_session"


def session_of(request: Request) -> Session:
    return request.scope["portal.session"]


def session_expired(request: Request) -> bool:
    """The browser sent a session id the portal no longer honours (idle or absolute limit, or signed out)."""
    return bool(request.scope.get("portal.session_expired"))


class SessionMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, store: SessionStore, settings: Settings):
        super().__init__(app)
        self.store = store
        self.cookie = cookie_name(settings)
        self.secure = settings.portal_url.startswith("https://")

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        sent_id = request.cookies.get(self.cookie)
        session = self.store.load(sent_id) or Session(None)
        request.scope["portal.session"] = session
        request.scope["portal.session_expired"] = bool(sent_id) and session.id is None
        request.scope["session"] = session.data
        before = json.dumps(session.data, sort_keys=True)
        response = await call_next(request)
        if session.end_requested:
            if session.id:
                self.store.delete(session.id)
            response.delete_cookie(self.cookie, path="/", secure=self.secure, httponly=True, samesite="lax")
        elif session.data or session.id:
            changed = json.dumps(session.data, sort_keys=True) != before
            new_id = self.store.save(session, changed=changed)
            if new_id != sent_id:
                response.set_cookie(self.cookie, new_id, path="/", secure=self.secure, httponly=True, samesite="lax")
        elif sent_id:
            response.delete_cookie(self.cookie, path="/", secure=self.secure, httponly=True, samesite="lax")
        return response


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created with the session when a page first shows a form)."""
    data = session_of(request).data
    if CSRF_KEY not in data:
        data[CSRF_KEY] = secrets.token_urlsafe(32)
    return data[CSRF_KEY]


class CsrfRefused(Exception):
    pass


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: any unsafe method must carry the session's token in its form."""
    if request.method in SAFE_METHODS:
        return
    expected = session_of(request).data.get(CSRF_KEY)
    content_type = request.headers.get("content-type", "")
    if not expected or not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise CsrfRefused()
    sent = (await request.form()).get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfRefused()


def content_security_policy(settings: Settings) -> str:
    issuer = urlsplit(settings.oidc_issuer)
    provider = f"{issuer.scheme}://{issuer.netloc}"
    return "; ".join((
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
        "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
        f"form-action 'self' {provider}",  # sign-out posts here, then goes on to the provider's end_session
    ))


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, settings: Settings):
        super().__init__(app)
        self.headers = {
            "Content-Security-Policy": content_security_policy(settings),
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if settings.portal_url.startswith("https://"):
            self.headers["Strict-Transport-Security"] = "max-age=31536000"

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.update(self.headers)
        if request.url.path != "/.well-known/jwks.json" and not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
