"""Errors raised by the policy core.

Every error carries a Chinese `message` for people and machine fields for programs
(`code` plus the fields listed on each class); `to_dict()` gives both.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple


class PolicyError(Exception):
    code = "policy_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details()}


class UnknownClause(PolicyError):
    code = "unknown_clause"

    def __init__(self, clause_id: str) -> None:
        super().__init__(f"目录中没有条款“{clause_id}”")
        self.clause_id = clause_id

    def details(self) -> dict[str, Any]:
        return {"clause_id": self.clause_id}


class FieldProblem(NamedTuple):
    field: str
    reason: str


class FactsInvalid(PolicyError):
    """Declared facts that cannot be used; carries one problem per field."""

    code = "facts_invalid"

    def __init__(self, field: str | None = None, reason: str | None = None, *,
                 problems: Iterable[FieldProblem] = ()) -> None:
        listed = list(problems)
        if field is not None:
            listed.insert(0, FieldProblem(field, reason or "无效"))
        if not listed:
            raise ValueError("FactsInvalid needs at least one problem")
        self.problems: tuple[FieldProblem, ...] = tuple(listed)
        text = "；".join(f"{p.field}：{p.reason}" for p in self.problems)
        super().__init__(f"申报事实有误：{text}")

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def reason(self) -> str:
        return self.problems[0].reason

    def details(self) -> dict[str, Any]:
        return {"problems": [p._asdict() for p in self.problems]}


class NotEligible(PolicyError):
    """The facts are valid but the clause does not grant an award.

    `rule` names the kind of rule that refused: condition, threshold, already_awarded,
    one_recipient, exclusive, phase, period, choice.
    """

    code = "not_eligible"

    def __init__(self, reason: str, rule: str = "condition", reasons: Iterable[str] = ()) -> None:
        self.reasons: tuple[str, ...] = tuple(reasons) or (reason,)
        super().__init__(f"不符合条件：{reason}")
        self.reason = reason
        self.rule = rule

    def details(self) -> dict[str, Any]:
        return {"reason": self.reason, "reasons": list(self.reasons), "rule": self.rule}


class TableUnavailable(PolicyError):
    code = "table_unavailable"

    def __init__(self, table: str, document_number: str, clause_number: str | None = None) -> None:
        where = f"第{clause_number}项所引" if clause_number else ""
        super().__init__(
            f"{document_number}{where}{table}未载入（原文未随附该表），无法计算；请管理员载入{table}及其来源后再算"
        )
        self.table = table
        self.document_number = document_number
        self.clause_number = clause_number

    def details(self) -> dict[str, Any]:
        return {"table": self.table, "document_number": self.document_number,
                "clause_number": self.clause_number}


class CapExhausted(PolicyError):
    """The prior awards in the cap's scope have already used the whole cap."""

    code = "cap_exhausted"

    def __init__(self, cap: str, cap_title: str, limit_fen: int, used_fen: int) -> None:
        super().__init__(f"已达上限：{cap_title}；此前已核定{_yuan(used_fen)}元，不能再核定")
        self.cap = cap
        self.cap_title = cap_title
        self.limit_fen = limit_fen
        self.used_fen = used_fen

    def details(self) -> dict[str, Any]:
        return {"cap": self.cap, "limit_fen": self.limit_fen, "used_fen": self.used_fen}


class CalendarUnavailable(PolicyError):
    code = "calendar_unavailable"

    def __init__(self, year: int) -> None:
        super().__init__(f"{year}年的法定节假日安排尚未载入，无法计算工作日；请管理员载入国务院办公厅{year}年部分节假日安排通知")
        self.year = year

    def details(self) -> dict[str, Any]:
        return {"year": self.year}


class UnknownChain(PolicyError):
    code = "unknown_chain"

    def __init__(self, chain_id: str) -> None:
        super().__init__(f"没有产业链“{chain_id}”")
        self.chain_id = chain_id

    def details(self) -> dict[str, Any]:
        return {"chain_id": self.chain_id}


class UnknownCity(PolicyError):
    """A region code outside every registered 设区市."""

    code = "unknown_city"

    def __init__(self, region: str) -> None:
        super().__init__(f"注册地行政区划代码 {region} 不属于已登记的设区市")
        self.region = region

    def details(self) -> dict[str, Any]:
        return {"region": self.region}


class ChainCategoryUnknown(PolicyError):
    """The chain's category (established / emerging) is not recorded and was not given."""

    code = "chain_category_unknown"

    def __init__(self, chain_id: str, chain_name: str) -> None:
        super().__init__(
            f"产业链“{chain_name}”属于优势基础产业链还是新兴培育产业链尚无依据，无法按晋政办发〔2023〕44号判定规模门槛；"
            "请载入该链类别或明确指定"
        )
        self.chain_id = chain_id

    def details(self) -> dict[str, Any]:
        return {"chain_id": self.chain_id}


class DataFileInvalid(PolicyError):
    """A data file (catalogue, tier table, registry, calendar schedule) failed validation."""

    code = "data_file_invalid"

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"数据文件 {source} 校验未通过：" + "；".join(self.problems))

    def details(self) -> dict[str, Any]:
        return {"source": self.source, "problems": list(self.problems)}


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
