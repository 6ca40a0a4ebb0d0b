"""Pages of one workspace only (企业, 审核办理, 省链长办, 财政, 领导驾驶舱, 系统管理). Anyone else signed in gets
a Chinese 403 page saying whose pages they are; one guard and one refusal page for all of them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from services.portal.domain.directory import DirectoryEntry
from services.portal.entrypoints.pages import require_user


class WorkspaceRefused(Exception):
    def __init__(self, title: str, message: str):
        super().__init__(title)
        self.title = title
        self.message = message


def guard(allowed: Callable[[DirectoryEntry], bool], title: str, message: str) -> Callable[[Request], DirectoryEntry]:
    """A dependency: the signed-in user when `allowed`, else the refusal page (title and message in Chinese)."""
    def require(request: Request) -> DirectoryEntry:
        user = require_user(request)
        if not allowed(user):
            raise WorkspaceRefused(title, message)
        return user
    return require


def _for(label: str) -> tuple[str, str]:
    return f"仅限{label}使用", f"该页面供{label}使用；您的账号无权办理。"


require_official = guard(lambda user: user.workspace in ("officials", "chain_office"), *_for("审核办理"))
require_chain_office = guard(lambda user: user.role == "province_chain_office", *_for("省链长办"))
require_admin = guard(lambda user: user.workspace == "admin", *_for("系统管理"))
require_enterprise = guard(lambda user: user.workspace == "enterprise",
                           "仅限企业办理", "该页面供申报企业使用；您的账号不是企业账号。")
require_finance = guard(lambda user: user.workspace == "finance",
                        "仅限财政部门", "该页面供财政部门（编制、审批、拨付）和审计使用；您的账号无此权限。")
require_cockpit = guard(lambda user: user.workspace == "cockpit",
                        "仅限领导驾驶舱用户", "领导驾驶舱供领导小组成员使用；您的账号无权查看。")

OfficialDep = Annotated[DirectoryEntry, Depends(require_official)]
ChainOfficeDep = Annotated[DirectoryEntry, Depends(require_chain_office)]
AdminDep = Annotated[DirectoryEntry, Depends(require_admin)]
EnterpriseDep = Annotated[DirectoryEntry, Depends(require_enterprise)]
FinanceDep = Annotated[DirectoryEntry, Depends(require_finance)]
CockpitDep = Annotated[DirectoryEntry, Depends(require_cockpit)]
