"""The portal's directory: what a signed-in person may do (role, organisation, region, chains).

The identity provider only says who someone is (the ID token's subject). Whether and as whom they
act in duixian is this directory's answer; someone the directory does not know is not signed in.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.uscc import uscc_problem
from infra.auth import Role

ROLE_LABELS: Mapping[str, str] = {
    "enterprise": "企业",
    "city_industry_bureau": "市工业和信息化局",
    "city_science_bureau": "市科技局",
    "city_department": "市直部门",
    "reform_zone_committee": "转型综改示范区管委会",
    "zone_committee": "开发区管委会",
    "province_chain_office": "省链长办",
    "chain_lead_unit": "链长牵头单位",
    "chain_chief": "链长",
    "chief_of_chiefs": "总链长",
    "leading_group": "链长制领导小组",
    "expert": "评审专家",
    "competent_department": "主管部门",
    "city_finance_bureau": "市财政局",
    "county_finance": "县财政",
    "auditor": "审计",
    "admin": "系统管理员",
    "workflow": "流程引擎",
}

# Which home page and navigation a role gets (the later phases fill each workspace with its pages).
WORKSPACES: Mapping[str, tuple[str, str]] = {
    "enterprise": ("enterprise", "企业办事"),
    "city_finance_bureau": ("finance", "资金拨付"),
    "county_finance": ("finance", "资金拨付"),
    "auditor": ("finance", "资金拨付"),
    "leading_group": ("cockpit", "领导驾驶舱"),
    "chief_of_chiefs": ("cockpit", "领导驾驶舱"),
    "admin": ("admin", "系统管理"),
    "province_chain_office": ("chain_office", "省链长办"),
}
OFFICIAL_WORKSPACE = ("officials", "审核办理")


class DirectoryEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=100)
    role: Role
    organisation: str = Field(min_length=1, max_length=128)
    region: str | None = Field(default=None, pattern=r"^\d{6}$")
    chains: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _enterprise_signs_in_with_its_uscc(self) -> DirectoryEntry:
        if self.role == "workflow":
            raise ValueError("the workflow role is the worker's, never a person's")
        if self.role == "enterprise":
            problem = uscc_problem(self.subject)
            if problem or self.organisation != self.subject:
                raise ValueError(f"an enterprise signs in with its USCC as subject and organisation ({self.subject}: {problem})")
        return self

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def workspace(self) -> str:
        return WORKSPACES.get(self.role, OFFICIAL_WORKSPACE)[0]

    @property
    def workspace_label(self) -> str:
        return WORKSPACES.get(self.role, OFFICIAL_WORKSPACE)[1]


class DirectoryInvalid(ValueError):
    pass


class Directory:
    def __init__(self, entries: Iterable[DirectoryEntry]):
        self._by_subject: dict[str, DirectoryEntry] = {}
        for entry in entries:
            if entry.subject in self._by_subject:
                raise DirectoryInvalid(f"subject {entry.subject} is listed twice")
            self._by_subject[entry.subject] = entry

    @classmethod
    def from_mapping(cls, document: Mapping[str, Any]) -> Directory:
        try:
            return cls(DirectoryEntry.model_validate(item) for item in document.get("users") or [])
        except ValueError as error:
            raise DirectoryInvalid(str(error)) from error

    @classmethod
    def from_file(cls, path: Path) -> Directory:
        return cls.from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    def find(self, subject: str) -> DirectoryEntry | None:
        return self._by_subject.get(subject)

    def entries(self) -> list[DirectoryEntry]:
        return list(self._by_subject.values())
