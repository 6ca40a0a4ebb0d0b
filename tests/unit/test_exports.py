"""Exports officials open: exact money, a BOM for Excel, and applicant text that never runs as a formula."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from infra.exports import Column, Table, to_csv, to_xlsx

COLUMNS = [Column("序号", 6), Column("企业名称", 30), Column("金额(元)", 16, money=True)]
HOSTILE = ['=HYPERLINK("http://example.invalid","点我")', "+1+2", "-3+4", "@SUM(A1)", "\t=1"]


def table() -> Table:
    rows = [[i, name, 12_345_67] for i, name in enumerate(HOSTILE, 1)]
    return Table("测试", COLUMNS, rows, ["合计", f"{len(rows)}家", 12_345_67 * len(rows)])


def test_applicant_text_is_never_a_formula_in_xlsx():
    sheet = load_workbook(io.BytesIO(to_xlsx(table()))).active
    names = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(HOSTILE))]
    assert [c.value for c in names] == HOSTILE, "shown exactly as written"
    assert {c.data_type for c in names} == {"s"}, "stored as text, not as a formula"
    amount = sheet.cell(row=2, column=3)
    assert Decimal(str(amount.value)) == Decimal("12345.67") and amount.number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2" and [c.value for c in sheet[1]] == ["序号", "企业名称", "金额(元)"]


def test_applicant_text_that_could_start_a_formula_is_quoted_in_csv():
    content = to_csv(table())
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:-1]] == ["'" + name for name in HOSTILE]
    assert [r[2] for r in rows[1:-1]] == ["12345.67"] * len(HOSTILE), "money is not text to quote"
    assert rows[-1] == ["合计", "5家", "61728.35"]


def test_control_characters_stored_before_fields_refused_them_are_left_out_of_both_formats():
    stored = ["长治\x07示例\x1b[31m科技\u202e有限公司", "第一行\n第二行\x0c"]
    rows = Table("测试", COLUMNS, [[1, stored[0], 100], [2, stored[1], 200]])
    sheet = load_workbook(io.BytesIO(to_xlsx(rows))).active
    assert [sheet.cell(row=r, column=2).value for r in (2, 3)] == ["长治示例[31m科技有限公司", "第一行\n第二行"]
    parsed = list(csv.reader(io.StringIO(to_csv(rows).decode("utf-8-sig"))))
    assert [r[1] for r in parsed[1:]] == ["长治示例[31m科技有限公司", "第一行\n第二行"]
