"""intake's 以商招商 referral routes (晋工信新材料规字〔2024〕1号 9.2.1) for the referring 链主: its projects,
registering one, and its progress reports."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from services.portal.adapters.intake import Applicant, Tolerant, send_once
from services.portal.adapters.services import ServiceClients
from services.portal.domain.directory import DirectoryEntry

STATUS_LABELS = {"registered": "已登记，待报送进度", "phase_1_determined": "第一阶段奖励已核定",
                 "fully_determined": "奖励已全部核定"}


class Progress(Tolerant):
    id: str
    completed_fai_fen: int
    investment_complete: bool
    in_production: bool
    as_of: dt.date
    note: str = ""
    reported_at: dt.datetime


class ReferralProject(Tolerant):
    id: str
    referrer: Applicant
    investee: Applicant
    project_code: str
    project_name: str
    chain_id: str | None = None
    planned_fai_fen: int
    status: str
    registered_at: dt.datetime
    reports: list[Progress] = []

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def projects(clients: ServiceClients, user: DirectoryEntry) -> list[ReferralProject]:
    return [ReferralProject.model_validate(row) for row in clients.call("intake", "GET", "/referral-projects", user=user,
                                                                        params={"limit": 500})]


def project(clients: ServiceClients, user: DirectoryEntry, project_id: str) -> ReferralProject:
    return ReferralProject.model_validate(clients.call("intake", "GET", f"/referral-projects/{quote(project_id, safe='')}",
                                                       user=user))


def register(clients: ServiceClients, user: DirectoryEntry, body: dict[str, Any], *, submission_id: str) -> ReferralProject:
    return ReferralProject.model_validate(send_once(clients, user, "/referral-projects", body, key=f"referral-{submission_id}"))


def report(clients: ServiceClients, user: DirectoryEntry, project_id: str, body: dict[str, Any], *,
           submission_id: str) -> Progress:
    return Progress.model_validate(send_once(clients, user, f"/referral-projects/{quote(project_id, safe='')}/progress", body,
                                             key=f"progress-{submission_id}"))
