"""HTTP clients for intake, review and payout, on the signed-in user's behalf.

The portal never opens a service's database: every read and action is a call to the service's API
with a short-lived RS256 token for the user's directory entry (infra/signing.py), or none for the
public routes. A refusal comes back as ServiceRefused carrying the house error body (infra/errors.py)."""
from __future__ import annotations

from typing import Any

import httpx

from infra.errors import ErrorResponse
from infra.settings import Settings
from infra.signing import SigningKey, sign_service_token
from services.portal.domain.directory import DirectoryEntry

SERVICES = ("intake", "review", "payout")
TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class ServiceUnavailable(Exception):
    """The service did not answer (or failed inside): nothing is known to have changed."""

    def __init__(self, service: str, detail: str):
        super().__init__(f"{service}: {detail}")
        self.service = service


class ServiceRefused(Exception):
    """The service answered 4xx: the house error body says which field and why."""

    def __init__(self, service: str, status_code: int, error: ErrorResponse):
        super().__init__(f"{service} {status_code}: {error.message}")
        self.service = service
        self.status_code = status_code
        self.error = error

    def field_errors(self) -> dict[str, str]:
        """Reasons by field name (the last part of a body location: body.reason → reason)."""
        return {item.field.split(".")[-1]: item.reason for item in self.error.errors}


class ServiceClients:
    def __init__(self, settings: Settings, key: SigningKey, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.key = key
        self._clients = {name: httpx.Client(base_url=getattr(settings, f"{name}_url"), timeout=TIMEOUT, transport=transport)
                         for name in SERVICES}

    def token_for(self, user: DirectoryEntry) -> str:
        return sign_service_token(self.settings, self.key, subject=user.subject, role=user.role,
                                  organisation=user.organisation, region=user.region, chains=user.chains, name=user.name)

    def call(self, service: str, method: str, path: str, *, user: DirectoryEntry | None = None,
             client_address: str | None = None, **kwargs: Any) -> Any:
        """JSON of a 2xx answer; ServiceRefused for 4xx; ServiceUnavailable when it cannot be had."""
        return self.send(service, method, path, user=user, client_address=client_address, **kwargs).json()

    def download(self, service: str, path: str, *, user: DirectoryEntry) -> tuple[bytes, str, str]:
        """A file a service serves (GET): its content, content type and Content-Disposition."""
        response = self.send(service, "GET", path, user=user)
        return (response.content, response.headers.get("content-type", "application/octet-stream"),
                response.headers.get("content-disposition", "attachment"))

    def send(self, service: str, method: str, path: str, *, user: DirectoryEntry | None = None,
             client_address: str | None = None, **kwargs: Any) -> httpx.Response:
        """The 2xx answer itself (a file's bytes and headers); refusals and outages as for `call`."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token_for(user)}"
        if client_address:  # the visitor, for the services' per-client limits (the portal is their trusted proxy)
            headers["X-Forwarded-For"] = client_address
        try:
            response = self._clients[service].request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ServiceUnavailable(service, type(error).__name__) from error
        if response.status_code >= 500:
            raise ServiceUnavailable(service, f"HTTP {response.status_code}")
        if response.status_code >= 400:
            try:
                refusal = ErrorResponse.model_validate(response.json())
            except ValueError:
                refusal = ErrorResponse(code="http_error", message=f"请求未被受理 (HTTP {response.status_code})")
            raise ServiceRefused(service, response.status_code, refusal)
        return response

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
