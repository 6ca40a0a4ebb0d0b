"""Pages of one workspace only: the officials' (审核办理) and the admin's (系统管理). Anyone else signed in
gets a Chinese 403 page naming whose pages they are."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.portal.domain.directory import DirectoryEntry
from services.portal.entrypoints.pages import require_user


class WorkspaceRefused(Exception):
    def __init__(self, label: str):
        super().__init__(label)
        self.label = label


def require_official(request: Request) -> DirectoryEntry:
    user = require_user(request)
    if user.workspace not in ("officials", "chain_office"):
        raise WorkspaceRefused("审核办理")
    return user


def require_chain_office(request: Request) -> DirectoryEntry:
    user = require_user(request)
    if user.role != "province_chain_office":
        raise WorkspaceRefused("省链长办")
    return user


def require_admin(request: Request) -> DirectoryEntry:
    user = require_user(request)
    if user.workspace != "admin":
        raise WorkspaceRefused("系统管理")
    return user


OfficialDep = Annotated[DirectoryEntry, Depends(require_official)]
ChainOfficeDep = Annotated[DirectoryEntry, Depends(require_chain_office)]
AdminDep = Annotated[DirectoryEntry, Depends(require_admin)]
