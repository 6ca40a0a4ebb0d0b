"""The enterprise pages' pure rules: a form generated from a clause's facts schema (labels, units, help,
required marks) and read back into facts, service errors placed beside their fields, which files are
taken, and where a case waits according to its timeline."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from policies.calculator import facts_schema
from policies.criteria import CoreFacts
from services.portal.domain import timeline, uploads
from services.portal.domain.facts_form import as_values, facts_of, fields_of, place_errors, read

PDF = b"%PDF-1.4 test"


def by_name(schema: dict, **hidden) -> dict:
    return {f.name: f for f in fields_of(schema, **hidden)}


def test_a_clause_form_has_its_schemas_labels_units_help_and_required_marks_and_hides_the_applicant():
    fields = by_name(facts_schema("jgx2024-9.2.1"))
    assert "entity_id" not in fields
    assert (fields["year"].kind, fields["year"].unit, fields["year"].required) == ("integer", "年", True)
    assert (fields["completed_fai_yuan"].kind, fields["completed_fai_yuan"].unit) == ("money", "元")
    assert fields["phase_1_completed_fai_yuan"].help == "申请第二阶段时必填" and not fields["phase_1_completed_fai_yuan"].required
    assert dict(fields["phase"].choices)["phase_1"] == "完成部分投资且投产" and fields["phase"].help is None
    assert fields["in_production"].condition is False and fields["in_production"].kind == "bool"
    conditions = [f for f in fields_of(facts_schema("ckf2022-8.3")) if f.condition]
    assert len(conditions) == 6 and all(f.unit is None for f in conditions)


def test_every_choice_of_every_clause_and_of_the_criteria_has_a_chinese_label():
    from policies.catalogue import load_catalogue

    for clause in load_catalogue():
        for f in fields_of(facts_schema(clause.id)):
            assert all(value != label for value, label in f.choices), (clause.id, f.name)
    core = by_name(CoreFacts.model_json_schema(), hidden=("entity_id", "chain_id"))
    assert dict(core["core_type"].choices) == {"core_supplier": "核心配套类", "potential_leader": "潜在链主类"}
    assert dict(core["honours"].choices)["provincial_little_giant"] == "省级小巨人" and core["honours"].kind == "choices"


def test_typed_values_become_the_facts_the_service_takes_or_a_reason_beside_the_field():
    fields = fields_of(facts_schema("ckf2022-8.3"))
    form = read(fields, {"year": " 2026 ", "project_id": "HT-1", "receipts_yuan": "5,000,000.50 元", "ownership_clear": "true"})
    facts = facts_of(form)
    assert form.errors == {}
    assert facts["year"] == 2026 and facts["receipts_yuan"] == "5000000.50" and facts["ownership_clear"] is True
    assert facts["platform_registered"] is False, "an unticked condition is stated as not met"
    assert "platform_transaction_filed" not in facts, "an unticked optional flag is not stated at all"
    wrong = read(fields, {"year": "二〇二六", "receipts_yuan": "五百万"})
    facts_of(wrong)
    assert wrong.errors == {"year": "请填写整数", "project_id": "请填写科技成果（技术合同）编号",
                            "receipts_yuan": "请填写数字（金额以元为单位，如 5000000 或 5,000,000.00）"}


def test_rows_of_a_list_fact_are_read_line_by_line_and_shown_again_as_typed():
    field = next(f for f in fields_of(facts_schema("jgx2024-9.3.1")) if f.name == "base_year_suppliers")
    form = read([field], {"base_year_suppliers": "91140400MA0GRAND6J，1,200,000\n\n91140400MA0XYZ0001, 300000"})
    assert facts_of(form) == {"base_year_suppliers": [{"supplier_id": "91140400MA0GRAND6J", "trade_yuan": "1200000"},
                                                      {"supplier_id": "91140400MA0XYZ0001", "trade_yuan": "300000"}]}
    bad = read([field], {"base_year_suppliers": "only-one-cell"})
    facts_of(bad)
    assert bad.errors["base_year_suppliers"].startswith("第1行应有2项")
    shown = as_values([field], {"base_year_suppliers": [{"supplier_id": "A", "trade_yuan": "1"}]})
    assert shown == {"base_year_suppliers": "A，1"}


def test_service_errors_land_beside_the_fact_they_name_and_the_rest_above_the_form():
    fields = fields_of(facts_schema("jgx2024-9.3.1"))
    placed = place_errors(fields, {"facts.base_year_suppliers.0.trade_yuan": "金额有误", "facts.year": "应不小于2000",
                                   "materials.1.content_type": "文件内容与类型不符", "facts": "不符合条件"}, ("materials",))
    assert placed == {"base_year_suppliers": "金额有误", "year": "应不小于2000", "materials": "文件内容与类型不符", "": "不符合条件"}


def test_only_pdf_png_and_jpeg_files_within_intakes_limits_are_taken_each_once():
    kept, reason = uploads.accept([], [("合同.pdf", PDF), ("again.pdf", PDF), ("x.exe", b"MZ..."), ("empty.pdf", b"")])
    assert [u.filename for u in kept] == ["合同.pdf"] and kept[0].content_type == "application/pdf"
    assert reason == "“x.exe”不是 PDF、PNG 或 JPEG 文件"
    big = b"%PDF" + b"0" * uploads.MAX_FILE_BYTES
    assert uploads.accept([], [("big.pdf", big)]) == ([], "“big.pdf”超过10MB")
    assert uploads.recognised("C:\\fakepath\\扫描件.png", b"\x89PNG....").filename == "扫描件.png"


def entry(event_type: str, **details) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    return SimpleNamespace(occurred_at=dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC), event_type=event_type, actor="长治市科技局",
                           role="competent_department", summary="", details=details)


def test_a_case_waits_at_the_department_of_each_undecided_task_until_the_last_day_of_its_period():
    due = "2026-12-15T16:00:00+00:00"  # the first instant after 2026-12-15 in Beijing
    entries = [entry("review.task.opened", task_id="T1", assignee_org="140400.city_foreign_expert_center", due_at=due),
               entry("review.decision.recorded", task_id="T1", decision="approve"),
               entry("review.task.opened", task_id="T2", assignee_org="140400.city_science_bureau", due_at=due)]
    steps = timeline.open_steps(entries)
    assert [(s.department, s.last_day) for s in steps] == [("长治市科技局", dt.date(2026, 12, 15))]
    asked = entries + [entry("review.decision.recorded", task_id="T2", decision="supplement", reason="缺登记证明",
                             missing_items=["技术合同登记证明"])]
    assert timeline.open_steps(asked) == []
    request = timeline.supplement_request(asked)
    assert (request.reason, request.missing_items, request.department) == ("缺登记证明", ["技术合同登记证明"], "长治市科技局")
    assert timeline.supplement_request(asked + [entry("intake.application.resubmitted")]) is None


def test_a_column_with_choices_takes_the_chinese_label_or_the_value():
    from policies.criteria import LeaderFacts

    field = by_name(LeaderFacts.model_json_schema(), hidden=("entity_id", "chain_id"))["innovation_platforms"]
    assert [c.heading for c in field.columns] == ["平台名称", "级别（国家级、省级、市级、其他）"]
    form = read([field], {"innovation_platforms": "山西省光伏工程技术研究中心 省级\n国家光伏质检中心，national"})
    assert facts_of(form) == {"innovation_platforms": [{"name": "山西省光伏工程技术研究中心", "level": "provincial"},
                                                       {"name": "国家光伏质检中心", "level": "national"}]}
    wrong = read([field], {"innovation_platforms": "某中心 县级"})
    facts_of(wrong)
    assert wrong.errors["innovation_platforms"] == "第1行的级别应为国家级、省级、市级、其他之一"
