"""Page logic of the admin's reference data at review: expert pools (专家库, panel size and quorum), the year
schedules of statutory holidays (节假日安排) and the tier tables 表1–表6. Each is pasted as YAML (the form the
files in the repository use), previewed here as people read it, and loaded at review, which checks it again
and records who loaded it (review's audit chain). Nothing is loaded on 预览."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from policies.calendar import YearSchedule
from policies.tables import TierTable
from services.portal.adapters.intake import Tolerant
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain.directory import DirectoryEntry


class Pool(Tolerant):
    chain_id: str
    panel_size: int
    quorum: int
    experts: int
    source_note: str
    loaded_by: str


class Schedule(Tolerant):
    year: int
    source_title: str
    holidays: int
    makeup_workdays: int
    loaded_by: str


class LoadedTable(Tolerant):
    table: dict[str, Any]
    version: int
    loaded_by: str


@dataclass(frozen=True)
class Kind:
    title: str
    list_path: str
    load_path: str
    model: type[BaseModel] | None  # checked here for the preview (policies' own models); None: review checks
    example: str


KINDS: dict[str, Kind] = {
    "expert-pools": Kind("专家库", "/admin/expert-pools", "/admin/expert-pools", None,
                         "chain_id: cz_steel_deep_processing\npanel_size: 5\nquorum: 3\nsource_note: 专家库来源（文件或名单）\n"
                         "experts:\n  - {expert_id: exp-001, name: 专家姓名, employer_uscc: null, declared_conflicts: []}\n"),
    "calendar-schedules": Kind("节假日安排", "/calendar-schedules", "/admin/calendar-schedules", YearSchedule,
                               "year: 2027\nsource:\n  title: 国务院办公厅关于2027年部分节假日安排的通知\n"
                               "holidays:\n  - {date: 2027-01-01, name: 元旦}\nmakeup_workdays: []\n"),
    "tier-tables": Kind("分档表（表1–表6）", "/tier-tables", "/admin/tier-tables", TierTable,
                        "table: 表1\ndocument_number: 晋工信新材料规字〔2024〕1号\nclause_number: 9.1.2\nsource_note: 转录来源\n"
                        "rows:\n  - {tier: 一档, min_yuan: '10000000000', amount_yuan: '1000000'}\n"),
}


@dataclass
class Document:
    text: str = ""
    errors: list[str] = field(default_factory=list)
    preview: Any = None  # the parsed document (dict) when it reads well
    checked: BaseModel | None = None  # policies' model of it, where the portal can check it
    loaded: bool = False
    tasks_due_dated: int | None = None  # a year schedule: the open tasks that got their due date with it
    submission_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def listing(clients: ServiceClients, user: DirectoryEntry, kind: str) -> list[Any]:
    rows = clients.call("review", "GET", KINDS[kind].list_path, user=user)
    models: dict[str, type[BaseModel]] = {"expert-pools": Pool, "calendar-schedules": Schedule, "tier-tables": LoadedTable}
    model = models[kind]
    return [model.model_validate(row) for row in rows]


def read(kind: str, text: str) -> Document:
    document = Document(text=text)
    try:
        parsed = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        document.errors.append(f"YAML 格式有误{f'（第{mark.line + 1}行）' if mark else ''}，请检查缩进与冒号")
        return document
    if not isinstance(parsed, dict):
        document.errors.append("请粘贴一个 YAML 文档（键: 值），可参照示例")
        return document
    document.preview = parsed
    model = KINDS[kind].model
    if model is not None:
        try:
            document.checked = model.model_validate(parsed)
        except ValidationError as error:
            document.errors.extend(f"{'.'.join(str(p) for p in e['loc']) or '文档'}：{e['msg']}" for e in error.errors())
    return document


def act(clients: ServiceClients, user: DirectoryEntry, kind: str, text: str, action: str, submission_id: str) -> Document:
    document = read(kind, text)
    if submission_id:
        document.submission_id = submission_id
    if action != "load" or document.errors:
        return document
    body = document.checked.model_dump(mode="json", exclude_none=True) if document.checked else document.preview
    try:
        answer = clients.call("review", "POST", KINDS[kind].load_path, user=user, json=body,
                              headers={"Idempotency-Key": f"portal-{kind}-{document.submission_id}"})
    except ServiceRefused as refused:
        document.errors.append(refused.error.message)
        document.errors.extend(f"{item.field}：{item.reason}" for item in refused.error.errors)
        return document
    document.loaded = True
    if isinstance(answer, dict) and isinstance(answer.get("tasks_due_dated"), int):
        document.tasks_due_dated = answer["tasks_due_dated"]
    return document
