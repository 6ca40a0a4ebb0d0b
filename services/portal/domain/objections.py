"""The public objection form (异议, 晋政办发〔2023〕44号 遴选程序（五）): what a visitor must fill in,
with the reason beside each field in Chinese. Review checks again; its answer is the one that counts."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
LIMITS = {"objector_name": 100, "contact_email": 200, "reason": 4000}
FIELDS = ("candidacy_id", "objector_name", "contact_phone", "contact_email", "reason")


@dataclass
class ObjectionForm:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def body(self) -> dict[str, str | None]:
        """What review's objection route takes (an empty e-mail is no e-mail)."""
        return {name: (self.values[name] or None) if name == "contact_email" else self.values[name] for name in FIELDS}


def read_objection_form(form: Mapping[str, str], candidacy_ids: set[str]) -> ObjectionForm:
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    if values["candidacy_id"] not in candidacy_ids:
        errors["candidacy_id"] = "请选择本批次公示名单中的企业"
    if not values["objector_name"]:
        errors["objector_name"] = "请填写异议人姓名或单位名称"
    if not values["contact_phone"]:
        errors["contact_phone"] = "请填写联系电话，以便核实时联系您"
    elif not PHONE.match(values["contact_phone"]):
        errors["contact_phone"] = "联系电话格式不正确，请填写数字（可含区号和“-”）"
    if values["contact_email"] and not EMAIL.match(values["contact_email"]):
        errors["contact_email"] = "电子邮箱格式不正确"
    if not values["reason"]:
        errors["reason"] = "请写明异议的事实与理由"
    for name, limit in LIMITS.items():
        if len(values[name]) > limit and name not in errors:
            errors[name] = f"不超过{limit}个字"
    return ObjectionForm(values, errors)
