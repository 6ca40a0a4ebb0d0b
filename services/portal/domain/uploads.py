"""Files an applicant attaches (申报材料): what intake accepts, checked before anything is sent so the
reason shows beside the upload field (intake checks again and stays the authority)."""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from contracts.api.intake import MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES  # intake's limits, one home

LIMITS_ZH = "PDF、PNG 或 JPEG 文件，每份不超过10MB，合计不超过20份、50MB"
SIGNATURES = {"application/pdf": b"%PDF", "image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff"}


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size_bytes(self) -> int:
        return len(self.content)

    def as_material(self) -> dict[str, str]:
        """The file as intake's materials take it (base64 in the JSON body)."""
        return {"filename": self.filename, "content_type": self.content_type,
                "content_base64": base64.b64encode(self.content).decode()}


def recognised(filename: str, content: bytes) -> Upload | None:
    """The file with the type its content shows (what the browser declared is not trusted); None if not accepted."""
    kind = next((k for k, signature in SIGNATURES.items() if content.startswith(signature)), None)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "附件"
    return Upload(name, kind, content) if kind else None


def accept(kept: list[Upload], added: list[tuple[str, bytes]]) -> tuple[list[Upload], str | None]:
    """The files to keep (those already kept plus the acceptable new ones, each file once) and the reason the
    others were not taken, in Chinese."""
    files = list(kept)
    reasons = []
    for filename, content in added:
        if not content:
            continue
        upload = recognised(filename, content)
        if upload is None:
            reasons.append(f"“{filename}”不是 PDF、PNG 或 JPEG 文件")
        elif upload.size_bytes > MAX_FILE_BYTES:
            reasons.append(f"“{filename}”超过10MB")
        elif any(f.sha256 == upload.sha256 for f in files):
            continue
        elif len(files) >= MAX_FILES:
            reasons.append(f"附件不能超过{MAX_FILES}份，“{filename}”未加入")
        elif sum(f.size_bytes for f in files) + upload.size_bytes > MAX_TOTAL_BYTES:
            reasons.append(f"附件合计不能超过50MB，“{filename}”未加入")
        else:
            files.append(upload)
    return files, ("；".join(reasons) or None)
