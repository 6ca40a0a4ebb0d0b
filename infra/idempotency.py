"""Idempotency-Key handling for POSTs, written once for every service.

The stored response commits in the same transaction as the effect, so a retried request
either finds the stored response (same key and body → same response) or is refused with 409
(same key, different body). Activities send `<workflow id>/<activity id>` as their key.

A key belongs to one caller on one route: (organisation, subject, route). Another organisation's
user with the same subject and key, or the same caller on another route, is a different request.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from infra.clock import utcnow
from infra.errors import Conflict, InvalidRequest
from infra.uow import UnitOfWork

MAX_KEY_LENGTH = 255
LEGACY_ROUTE = ""  # rows stored before keys were scoped by route (their fingerprint still binds their path)


@dataclass(frozen=True)
class IdempotentRequest:
    key: str | None
    method: str
    path: str
    request: Request

    @property
    def scope(self) -> dict[str, str]:
        """Keys are per caller and route: resolved when used, after authentication has run."""
        principal = getattr(self.request.state, "principal", None)
        route = getattr(self.request.scope.get("route"), "path", self.path)
        return {
            "organisation": principal.organisation if principal is not None else "",
            "subject": principal.subject if principal is not None else "anonymous",
            "route": f"{self.method} {route}"[:255],
        }

    def fingerprint(self, body: object) -> str:
        material = json.dumps([self.method, self.path, body], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(material.encode()).hexdigest()

    def run(
        self,
        uow: UnitOfWork,
        body: BaseModel | dict | None,
        action: Callable[[], BaseModel],
        *,
        status_code: int = 200,
    ) -> JSONResponse:
        """Run `action` inside `uow` once per key; commit; return the (possibly stored) response."""
        if self.key is None:
            result = action()
            uow.commit()
            return JSONResponse(result.model_dump(mode="json"), status_code=status_code)
        raw = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
        fingerprint = self.fingerprint(raw)
        stored = self._lookup(uow, fingerprint)
        if stored is not None:
            return stored
        result = action()
        payload = result.model_dump(mode="json")
        table = uow.runtime.tables.idempotency
        try:
            uow.session.execute(
                insert(table).values(
                    **self.scope,
                    key=self.key,
                    fingerprint=fingerprint,
                    status_code=status_code,
                    response_body=json.dumps(payload, ensure_ascii=False),
                    created_at=utcnow(),
                )
            )
            uow.commit()
        except IntegrityError:
            # A concurrent request with the same key committed first: our effects roll back with it.
            uow.session.rollback()
            stored = self._lookup(uow, fingerprint)
            if stored is None:
                raise
            return stored
        return JSONResponse(payload, status_code=status_code)

    def _lookup(self, uow: UnitOfWork, fingerprint: str) -> JSONResponse | None:
        table = uow.runtime.tables.idempotency
        scope = self.scope
        row = uow.session.execute(
            select(table.c.fingerprint, table.c.status_code, table.c.response_body).where(
                table.c.organisation == scope["organisation"], table.c.subject == scope["subject"],
                or_(table.c.route == scope["route"], table.c.route == LEGACY_ROUTE), table.c.key == self.key,
            )
        ).first()
        if row is None:
            return None
        if row.fingerprint != fingerprint:
            raise Conflict("该幂等键(Idempotency-Key)已用于内容不同的请求", idempotency_key=self.key)
        return JSONResponse(json.loads(row.response_body), status_code=row.status_code, headers={"Idempotent-Replay": "true"})


def idempotent_request(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="同一键+同一请求体返回同一结果; 同一键+不同请求体返回 409"),
    ] = None,
) -> IdempotentRequest:
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_KEY_LENGTH):
        raise InvalidRequest.on("Idempotency-Key", f"长度须在 1 到 {MAX_KEY_LENGTH} 之间")
    return IdempotentRequest(idempotency_key, request.method, request.url.path, request)


IdempotencyDep = Annotated[IdempotentRequest, Depends(idempotent_request)]
