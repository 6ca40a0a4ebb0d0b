"""Reading within the caller's scope: a service's `*_filter(principal)` gives the condition (None: sees all),
and another scope's object is simply not found (404), never forbidden (403)."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel.sql.expression import Select, SelectOfScalar

from infra.errors import NotFound
from infra.uow import UnitOfWork

Query = TypeVar("Query", Select, SelectOfScalar)


def scoped(query: Query, condition: ColumnElement[bool] | None) -> Query:
    """The query limited to what the caller may see."""
    return query if condition is None else query.where(condition)


def one_in_scope(uow: UnitOfWork, query: Any, condition: ColumnElement[bool] | None, message: str, **details: Any) -> Any:
    """The first row of the query in the caller's scope, or NotFound(message) naming what was asked for."""
    row = uow.session.exec(scoped(query, condition)).first()
    if row is None:
        raise NotFound(message, **details)
    return row
