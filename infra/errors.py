"""Errors the services raise, each with an HTTP status, a stable code and a Chinese message."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str
    reason: str


class ErrorResponse(BaseModel):
    code: str = Field(description="stable machine code")
    message: str = Field(description="中文说明")
    errors: list[FieldError] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)


class DomainError(Exception):
    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str, *, errors: list[FieldError] | None = None, **details: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.details = details

    def response(self) -> ErrorResponse:
        return ErrorResponse(code=self.code, message=self.message, errors=self.errors, details=self.details)

    def headers(self) -> dict[str, str] | None:
        """HTTP headers the status calls for (WWW-Authenticate, Retry-After)."""
        return None


class InvalidRequest(DomainError):
    status_code = 422
    code = "invalid_request"

    @classmethod
    def on(cls, field: str, reason: str, **details: Any) -> InvalidRequest:
        return cls(f"{field}: {reason}", errors=[FieldError(field=field, reason=reason)], **details)


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"

    def headers(self) -> dict[str, str] | None:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class DataUnavailable(DomainError):
    """Reference data the computation needs (calendar year, tier table) is not loaded."""

    status_code = 409
    code = "data_unavailable"


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "请求无效"},
    401: {"model": ErrorResponse, "description": "未登录或令牌无效"},
    403: {"model": ErrorResponse, "description": "无权操作"},
    404: {"model": ErrorResponse, "description": "对象不存在或不在您的权限范围内"},
    409: {"model": ErrorResponse, "description": "状态冲突"},
    413: {"model": ErrorResponse, "description": "请求体过大"},
    422: {"model": ErrorResponse, "description": "请求参数校验失败"},
    429: {"model": ErrorResponse, "description": "请求过于频繁"},
}
