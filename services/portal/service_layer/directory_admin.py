"""Page logic of the admin's directory (用户与单位): each person's organisation, role, region and chains; an
entry added, changed or removed takes effect at that person's next request, and every change is on the
portal's audit chain (adapters/directory_store.py). Reasons in Chinese beside the fields."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from services.portal.adapters.directory_store import DirectoryStore
from services.portal.domain.directory import ROLE_LABELS, DirectoryEntry
from services.portal.service_layer import chain_office

FIELDS = ("subject", "name", "role", "organisation", "region")
ROLES = {role: label for role, label in ROLE_LABELS.items() if role != "workflow"}
REASONS = {
    "subject": "请填写登录标识（统一身份认证的用户标识，企业为统一社会信用代码），不超过128个字符",
    "name": "请填写姓名或单位名称，不超过100个字符",
    "role": "请选择角色",
    "organisation": "请填写所属单位标识（如 140400.city_science_bureau），不超过128个字符",
    "region": "行政区划代码为6位数字（如长治市 140400），可不填",
}


@dataclass
class EntryForm:
    values: dict[str, str] = field(default_factory=dict)
    chains: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    editing: bool = False

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    @classmethod
    def of(cls, entry: DirectoryEntry) -> EntryForm:
        return cls({name: str(getattr(entry, name) or "") for name in FIELDS}, list(entry.chains), editing=True)


def chains() -> list[tuple[str, str]]:
    return chain_office.chains()


def read(form_data: Any) -> EntryForm:
    return EntryForm({name: str(form_data.get(name) or "").strip() for name in FIELDS},
                     [str(c) for c in form_data.getlist("chains")], editing=form_data.get("editing") == "true")


def save(store: DirectoryStore, admin: DirectoryEntry, form: EntryForm) -> EntryForm | None:
    """None when saved; else the form with the reasons beside its fields."""
    known = {chain_id for chain_id, _ in chains()}
    if any(chain not in known for chain in form.chains):
        form.errors["chains"] = "产业链不在目录中"
    if form.value("role") == "workflow" or form.value("role") not in ROLES:
        form.errors["role"] = REASONS["role"]
    if not form.errors:
        try:
            entry = DirectoryEntry(subject=form.value("subject"), name=form.value("name"), role=form.value("role"),
                                   organisation=form.value("organisation"), region=form.value("region") or None,
                                   chains=tuple(form.chains))
        except ValidationError as error:
            for problem in error.errors():
                name = str(problem["loc"][0]) if problem["loc"] else ""
                form.errors[name if name in REASONS else "subject"] = REASONS.get(
                    name, "企业以统一社会信用代码（18位，含校验码）登录，所属单位即该代码")
            return form
    if form.errors:
        return form
    if entry.subject == admin.subject and entry.role != "admin":
        form.errors["role"] = "不能取消自己的管理员角色（请由另一名管理员办理）"
        return form
    store.save(entry, admin)
    return None


def remove(store: DirectoryStore, admin: DirectoryEntry, subject: str) -> str | None:
    """None when removed; else why not."""
    if subject == admin.subject:
        return "不能删除自己的账号（请由另一名管理员办理）"
    return None if store.remove(subject, admin) else "该用户不存在"


ACTIONS = {"directory.load": "初始载入", "directory.add": "新增", "directory.change": "修改", "directory.remove": "删除"}
