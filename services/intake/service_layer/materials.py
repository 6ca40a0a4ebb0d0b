"""Files an applicant attaches to its application, self-nomination or 补正 (PDF, PNG, JPEG), base64 in the JSON body.

Limits (contracts.api.intake): 10 MB a file, 20 files and 50 MB in all per request; the route's body limit (BODY_BYTES) is
what those files take in base64 plus the usual allowance for the rest of the request.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Callable
from functools import partial
from typing import TypeVar
from urllib.parse import quote

from starlette.responses import Response

from contracts.api.intake import MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, MaterialUpload
from contracts.common import MIB, base64_size
from contracts.events.selection import MaterialRef
from infra.auth import Principal
from infra.body_limits import DEFAULT_MAX_BODY_BYTES
from infra.clock import utcnow
from infra.errors import InvalidRequest, NotFound
from infra.uow import UnitOfWork
from services.intake.adapters.orm import ApplicationMaterial, CandidacyMaterial

Material = CandidacyMaterial | ApplicationMaterial
MaterialT = TypeVar("MaterialT", CandidacyMaterial, ApplicationMaterial)

BODY_BYTES = base64_size(MAX_TOTAL_BYTES) + MAX_FILES * 4 + DEFAULT_MAX_BODY_BYTES
CONTENT_TYPES = {"application/pdf": b"%PDF", "image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff"}


def decoded(materials: list[MaterialUpload]) -> list[tuple[MaterialUpload, bytes]]:
    files = [_decoded(index, material) for index, material in enumerate(materials)]
    if sum(len(content) for _, content in files) > MAX_TOTAL_BYTES:
        raise InvalidRequest.on("materials", f"附件合计超过 {MAX_TOTAL_BYTES // MIB}MB 上限")
    return files


def _decoded(index: int, material: MaterialUpload) -> tuple[MaterialUpload, bytes]:
    field = f"materials.{index}"
    try:
        content = base64.b64decode(material.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest.on(f"{field}.content_base64", "文件内容不是有效的 base64") from None
    if not content:
        raise InvalidRequest.on(f"{field}.content_base64", "文件为空")
    if len(content) > MAX_FILE_BYTES:
        raise InvalidRequest.on(f"{field}.content_base64", f"文件超过 {MAX_FILE_BYTES // MIB}MB 上限")
    if not content.startswith(CONTENT_TYPES[material.content_type]):
        raise InvalidRequest.on(f"{field}.content_type", f"文件内容与类型 {material.content_type} 不符")
    return material, content


def store(uow: UnitOfWork, principal: Principal, candidacy_id: str,
          materials: list[tuple[MaterialUpload, bytes]]) -> list[MaterialRef]:
    return store_rows(uow, principal.subject, materials, partial(CandidacyMaterial, candidacy_id=candidacy_id))


def store_rows(uow: UnitOfWork, uploaded_by: str, materials: list[tuple[MaterialUpload, bytes]],
               row_of: Callable[..., Material]) -> list[MaterialRef]:
    """One row per file (`row_of` names its table and owner: a candidacy's or an application's)."""
    refs = []
    for material, content in materials:
        row = row_of(
            id=f"MAT-{uuid.uuid4().hex[:16].upper()}", filename=material.filename,
            content_type=material.content_type, size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
            content=content, uploaded_by=uploaded_by, uploaded_at=utcnow(),
        )
        uow.session.add(row)
        refs.append(material_ref(row))
    return refs


def material_ref(row: Material) -> MaterialRef:
    return MaterialRef(file_id=row.id, filename=row.filename, content_type=row.content_type,
                       size_bytes=row.size_bytes, sha256=row.sha256)


def owned(uow: UnitOfWork, table: type[MaterialT], file_id: str, **owner: str) -> MaterialT:
    """A stored file of the named owner (`application_id=…` or `candidacy_id=…`); another's file: 404."""
    row = uow.session.get(table, file_id)
    if row is None or any(getattr(row, name) != value for name, value in owner.items()):
        raise NotFound("材料不存在", file_id=file_id)
    return row


def download(row: Material) -> Response:
    """A stored file as its reader downloads it: its own type, its name (RFC 6266 UTF-8), its SHA-256."""
    quoted = quote(row.filename, safe="")
    return Response(row.content, media_type=row.content_type, headers={
        "Content-Disposition": f"attachment; filename=\"{row.id}\"; filename*=UTF-8''{quoted}",
        "X-Content-SHA256": row.sha256, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
