"""Machine routes: health, and the JWKS the services verify the portal's tokens with."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from infra.signing import published_jwks

router = APIRouter()


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok", "service": "portal"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    portal = request.app.state.portal
    try:
        portal.runtime.db.ping()
        database = "ok"
    except Exception as error:
        database = f"不可达: {type(error).__name__}"
    ready = database == "ok"
    return JSONResponse({"status": "ok" if ready else "unavailable", "service": "portal", "checks": {"database": database}},
                        status_code=200 if ready else 503)


@router.get("/.well-known/jwks.json")
def jwks(request: Request) -> JSONResponse:
    """Public keys of the portal, the worker and the scripts (infra/signing.py); cached a minute."""
    document = published_jwks(request.app.state.portal.keys_dir)
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=60"})
