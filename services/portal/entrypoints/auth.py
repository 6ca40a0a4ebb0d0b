"""Sign-in through the identity provider (authorization code + PKCE) and sign-out, here and there."""
from __future__ import annotations

from urllib.parse import urlencode

from authlib.integrations.base_client import OAuthError
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from services.portal.adapters.oidc import provider_metadata
from services.portal.domain.navigation import safe_next
from services.portal.entrypoints.pages import error_page, render
from services.portal.entrypoints.security import session_of
from services.portal.service_layer.signin import AFTER_SIGN_IN, ID_TOKEN, NotInDirectory, complete_sign_in

router = APIRouter()


@router.get("/signin")
def signin(request: Request, next: str | None = None, expired: bool = False) -> Response:  # noqa: A002
    """The sign-in landing: where a page that needs sign-in sends the browser."""
    return render(request, "signin.html", next=safe_next(next), expired=expired)


@router.get("/login")
async def login(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query parameter's name
    portal = request.app.state.portal
    try:
        await provider_metadata(portal.oidc, portal.settings)
    except Exception:
        return error_page(request, 503, "暂时无法登录", "统一身份认证服务暂时无法访问，请稍后再试。")
    session_of(request).data[AFTER_SIGN_IN] = safe_next(next)
    return await portal.oidc.authorize_redirect(request, redirect_uri=portal.settings.portal_url + "/auth/callback")


@router.get("/auth/callback")
async def callback(request: Request) -> Response:
    portal = request.app.state.portal
    try:
        token = await portal.oidc.authorize_access_token(request)
    except (OAuthError, ValueError, KeyError) as error:
        reason = getattr(error, "error", "") or type(error).__name__
        return error_page(request, 400, "登录未完成", f"身份认证未通过或已失效，请重新登录。（{reason}）")
    claims = token.get("userinfo")
    if not claims:
        return error_page(request, 400, "登录未完成", "身份认证服务未返回有效的身份令牌，请重新登录。")
    try:
        after = complete_sign_in(session_of(request), portal.directory, dict(claims), token["id_token"])
    except NotInDirectory as missing:
        return error_page(request, 403, "账号未登记",
                          f"您的账号（{missing.subject}）已通过身份认证，但尚未在本系统登记单位和角色，请联系系统管理员。")
    return RedirectResponse(after, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    portal = request.app.state.portal
    session = session_of(request)
    id_token = session.data.get(ID_TOKEN)
    session.end()
    signed_out = portal.settings.portal_url + "/signed-out"
    try:
        end_session = (await provider_metadata(portal.oidc, portal.settings)).get("end_session_endpoint")
    except Exception:
        end_session = None
    if not end_session or not id_token:
        return RedirectResponse("/signed-out", status_code=303)
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": signed_out,
                       "client_id": portal.settings.oidc_client_id})
    return RedirectResponse(f"{end_session}?{query}", status_code=303)


@router.get("/signed-out")
def signed_out(request: Request) -> Response:
    return render(request, "signed_out.html")
