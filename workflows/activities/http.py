"""The one way activities call a service: httpx, a service token, and an idempotency key
derived from the workflow id and the activity id (stable across activity retries)."""
from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from infra.auth import service_token
from infra.settings import Settings

R = TypeVar("R", bound=BaseModel)

# Below the activities' start-to-close timeout (workflows/review_steps.ACTIVITY_OPTIONS, 15 s), so a
# slow service fails the attempt here, with its reason, before Temporal times it out.
REQUEST_TIMEOUT_SECONDS = 10.0

RETRYABLE_STATUS = frozenset({408, 425, 429})


def idempotency_key() -> str:
    info = activity.info()
    return f"{info.workflow_id}/{info.activity_id}"


class ServiceClient:
    def __init__(self, settings: Settings, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None):
        self._settings = settings
        self._client = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(REQUEST_TIMEOUT_SECONDS), transport=transport)

    async def post(self, path: str, body: BaseModel, response_model: type[R]) -> R:
        response = await self._client.post(
            path,
            content=body.model_dump_json(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {service_token(self._settings)}",
                "Idempotency-Key": idempotency_key(),
            },
        )
        return response_model.model_validate(_checked(response))

    async def get(self, path: str, response_model: type[R], params: dict | None = None) -> R:
        response = await self._client.get(
            path, params=params, headers={"Authorization": f"Bearer {service_token(self._settings)}"}
        )
        return response_model.model_validate(_checked(response))

    async def aclose(self) -> None:
        await self._client.aclose()


def _checked(response: httpx.Response) -> object:
    if response.is_success:
        return response.json()
    detail = response.text[:1000]
    if 400 <= response.status_code < 500 and response.status_code not in RETRYABLE_STATUS:
        # A business refusal: retrying the same request cannot succeed.
        raise ApplicationError(
            f"{response.request.method} {response.request.url.path} → {response.status_code}: {detail}",
            type=f"http_{response.status_code}",
            non_retryable=True,
        )
    raise RuntimeError(f"{response.request.method} {response.request.url.path} → {response.status_code}: {detail}")
