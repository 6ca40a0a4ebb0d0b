"""Applicants' drafts in the portal's own database: the form as typed and the files attached, until the
applicant submits. Kept here, not at intake, because nothing has been applied for yet: intake holds
applications (and checks them when they come); a draft is the applicant's unsent work, and only its own
organisation can open it. A draft's id is the form's submission id, the idempotency key it is submitted
with; once sent, the draft keeps only which application it became (its files are dropped), so the same
form sent again leads to that application instead of a second one."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from infra.clock import utcnow
from infra.db import Database
from services.portal.adapters.orm import draft_files, drafts
from services.portal.domain.uploads import Upload


class DraftTaken(Exception):
    """The id is another organisation's draft: the form must start afresh under a new id."""


@dataclass
class StoredFile:
    id: int
    upload: Upload


@dataclass
class Draft:
    id: str
    kind: str
    target: str
    values: dict[str, Any]
    sent_as: str | None
    updated_at: dt.datetime
    files: list[StoredFile] = field(default_factory=list)


class DraftStore:
    def __init__(self, db: Database):
        self.db = db

    def get(self, organisation: str, draft_id: str, *, with_files: bool = True) -> Draft | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(drafts).where(_mine(organisation, draft_id))).first()
            if row is None:
                return None
            files = conn.execute(select(draft_files).where(draft_files.c.draft_id == draft_id)
                                 .order_by(draft_files.c.id)).all() if with_files else []
        return Draft(row.id, row.kind, row.target, json.loads(row.form_values), row.sent_as, row.updated_at,
                     [StoredFile(f.id, Upload(f.filename, f.content_type, f.content)) for f in files])

    def save(self, organisation: str, saved_by: str, draft_id: str, *, kind: str, target: str, values: dict[str, Any],
             files: list[Upload], remove: AbstractSet[int] = frozenset()) -> Draft:
        """Create or update the draft with these values; add the files it does not hold yet, drop `remove`."""
        now = utcnow()
        encoded = json.dumps(values, ensure_ascii=False)
        with self.db.engine.begin() as conn:
            changed = conn.execute(update(drafts).where(_mine(organisation, draft_id), drafts.c.sent_as.is_(None))
                                   .values(form_values=encoded, saved_by=saved_by, updated_at=now)).rowcount
            if not changed and not self._exists(conn, draft_id):
                try:
                    with conn.begin_nested():
                        conn.execute(insert(drafts).values(id=draft_id, organisation=organisation, saved_by=saved_by,
                                                           kind=kind, target=target, form_values=encoded,
                                                           created_at=now, updated_at=now))
                except IntegrityError:  # the same form sent twice at once: the other request created it
                    pass
            owned = conn.execute(select(drafts.c.sent_as).where(_mine(organisation, draft_id))).first()
            if owned is None:
                raise DraftTaken(draft_id)
            if owned.sent_as is None:
                self._files(conn, draft_id, files, remove, now)
        draft = self.get(organisation, draft_id)
        assert draft is not None
        return draft

    def mark_sent(self, organisation: str, draft_id: str, application_id: str) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(update(drafts).where(_mine(organisation, draft_id)).values(sent_as=application_id, updated_at=utcnow()))
            conn.execute(delete(draft_files).where(draft_files.c.draft_id == draft_id))

    def unsent(self, organisation: str, kind: str) -> list[Draft]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(drafts).where(drafts.c.organisation == organisation, drafts.c.kind == kind,
                                                     drafts.c.sent_as.is_(None)).order_by(drafts.c.updated_at.desc())).all()
        return [Draft(r.id, r.kind, r.target, json.loads(r.form_values), None, r.updated_at) for r in rows]

    def delete(self, organisation: str, draft_id: str) -> bool:
        with self.db.engine.begin() as conn:
            if not self._owned(conn, organisation, draft_id):
                return False
            conn.execute(delete(draft_files).where(draft_files.c.draft_id == draft_id))
            conn.execute(delete(drafts).where(_mine(organisation, draft_id)))
        return True

    @staticmethod
    def _files(conn: Connection, draft_id: str, files: list[Upload], remove: AbstractSet[int], now: dt.datetime) -> None:
        if remove:
            conn.execute(delete(draft_files).where(draft_files.c.draft_id == draft_id, draft_files.c.id.in_(remove)))
        held = {r.sha256 for r in conn.execute(select(draft_files.c.sha256).where(draft_files.c.draft_id == draft_id))}
        for upload in files:
            if upload.sha256 in held:
                continue
            held.add(upload.sha256)
            try:
                with conn.begin_nested():
                    conn.execute(insert(draft_files).values(
                        draft_id=draft_id, filename=upload.filename, content_type=upload.content_type,
                        size_bytes=upload.size_bytes, sha256=upload.sha256, content=upload.content, added_at=now))
            except IntegrityError:  # the same file, added by the same form sent twice at once
                pass

    @staticmethod
    def _exists(conn: Connection, draft_id: str) -> bool:
        return conn.execute(select(drafts.c.id).where(drafts.c.id == draft_id)).first() is not None

    @staticmethod
    def _owned(conn: Connection, organisation: str, draft_id: str) -> bool:
        return conn.execute(select(drafts.c.id).where(_mine(organisation, draft_id))).first() is not None


def _mine(organisation: str, draft_id: str) -> ColumnElement[bool]:
    return and_(drafts.c.id == draft_id, drafts.c.organisation == organisation)
