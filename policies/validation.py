"""Pydantic validation errors as field problems with Chinese reasons."""
from __future__ import annotations

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from policies.errors import FieldProblem
from policies.text import TEXT_ERROR_TYPES

_CUSTOM_MESSAGE_TYPES = {
    "decimal_float", "decimal_finite", "decimal_text", "decimal_type", "money_negative",
    "money_range", "money_precision", "money_positive", "ratio_positive", "percent_range", *TEXT_ERROR_TYPES,
}


def problems_from(exc: ValidationError, model: type[BaseModel]) -> list[FieldProblem]:
    return [_problem(e, model) for e in exc.errors()]


def _problem(error: ErrorDetails, model: type[BaseModel]) -> FieldProblem:
    loc = error.get("loc", ())
    field = ".".join(str(p) for p in loc) or "<facts>"
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        info = model.model_fields.get(str(loc[0])) if len(loc) == 1 else None
        title = info.title if info else field
        extra = info.json_schema_extra if info else None
        hint = extra.get("hint_zh") if isinstance(extra, dict) else None
        return FieldProblem(field, f"缺少必填项（{title}）" + (f"：{hint}" if hint else ""))
    if kind in _CUSTOM_MESSAGE_TYPES:
        return FieldProblem(field, error["msg"])
    reasons = {
        "extra_forbidden": "不认识的字段，请核对字段名",
        "bool_type": "应为 true 或 false",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "int_from_float": "应为整数",
        "string_type": "应为字符串",
        "string_too_short": "不得为空",
        "list_type": "应为列表",
        "model_type": "应为对象",
        "dict_type": "应为对象",
        "literal_error": f"取值应为：{ctx.get('expected', '')}",
        "greater_than_equal": f"应不小于{ctx.get('ge')}",
        "less_than_equal": f"应不大于{ctx.get('le')}",
        "greater_than": f"应大于{ctx.get('gt')}",
        "value_error": str(ctx.get("error", error["msg"])),
    }
    return FieldProblem(field, reasons.get(kind, f"格式不正确（{error['msg']}）"))
