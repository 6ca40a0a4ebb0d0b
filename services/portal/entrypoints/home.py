"""The home page: a welcome for visitors, each workspace's home for the signed-in."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.portal.entrypoints.pages import UserDep, current_user, render
from services.portal.service_layer.home import waiting_for

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return render(request, "welcome.html")
    waiting = waiting_for(request.app.state.portal.clients, user)
    return render(request, "home.html", waiting=waiting)


@router.get("/account")
def account(request: Request, user: UserDep) -> Response:
    """我的账号: as whom the portal acts for the signed-in person (from the directory)."""
    return render(request, "account.html", user=user)
