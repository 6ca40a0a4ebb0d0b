"""遴选汇总表: each caller exports the round's candidacies it may see, as XLSX or CSV officials can open."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.support.selection import OFFICE, bureau, nominate, open_round
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration


def export(stack: Stack, role: str, organisation: str, round_id: str, format: str = "xlsx", **claims):  # type: ignore[no-untyped-def]
    with stack.client("intake", role, organisation, **claims) as client:
        return client.get(f"/selection/rounds/{round_id}/candidacy-list", params={"format": format})


def sheet_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_a_bureau_exports_its_own_candidates_and_the_office_every_citys(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack:
        selection_round = open_round(stack, ["sx_photovoltaic", "sx_new_energy_vehicle"])
        changzhi = [nominate(stack, selection_round["id"], make_uscc("140400"), region="140400", chain=chain)
                    for chain in ("sx_photovoltaic", "sx_new_energy_vehicle")]
        xinzhou = nominate(stack, selection_round["id"], make_uscc("140900"), region="140900")

        rows = sheet_rows(export(stack, *bureau("140400"), selection_round["id"], region="140400"))
        header, body, total = rows[0], rows[1:-1], rows[-1]
        assert header[:4] == ("序号", "自荐编号", "企业名称", "统一社会信用代码") and "承办单位" in header
        assert {r[1] for r in body} == {c["id"] for c in changzhi}, "only the bureau's own city"
        assert total[:2] == ("合计", "2家")
        by_id = {r[1]: dict(zip(header, r, strict=True)) for r in body}
        first = by_id[changzhi[0]["id"]]
        assert first["企业名称"] == changzhi[0]["enterprise"]["name"] and first["统一社会信用代码"] == changzhi[0]["enterprise"]["uscc"]
        assert first["注册地"] == "长治市" and first["产业链"] == "光伏产业链" and first["类别"] == "链主"
        assert first["承办单位"] == "长治市工信局" and first["办理状态"] == changzhi[0]["status_label"]
        assert first["条件预审"] == changzhi[0]["precheck"]["overall_zh"]
        assert by_id[changzhi[1]["id"]]["产业链"] == "新能源汽车产业链"

        everything = sheet_rows(export(stack, *OFFICE, selection_round["id"], region="140000"))
        assert {r[1] for r in everything[1:-1]} == {c["id"] for c in (*changzhi, xinzhou)}
        assert everything[-1][:2] == ("合计", "3家")
        assert [r[0] for r in everything[1:-1]] == [1, 2, 3]

        text = export(stack, *bureau("140900"), selection_round["id"], format="csv", region="140900")
        assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
        assert text.content.startswith("\ufeff".encode())
        assert f'candidacies-{selection_round["id"]}.csv' in text.headers["content-disposition"]
        parsed = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
        assert [r[1] for r in parsed[1:-1]] == [xinzhou["id"]] and parsed[-1][:2] == ["合计", "1家"]
        assert parsed[1][4] == "忻州市" and parsed[1][9] == "忻州市工信局"

        with stack.client("intake", "enterprise", xinzhou["enterprise"]["uscc"], region="140900") as client:
            own = client.get(f"/selection/rounds/{selection_round['id']}/candidacy-list")
        assert [r[1] for r in sheet_rows(own)[1:-1]] == [xinzhou["id"]], "an enterprise sees its own row only"


def test_an_unknown_round_or_format_is_refused(settings, databases):
    with Stack(settings, databases, services=("intake",)) as stack:
        selection_round = open_round(stack, ["sx_photovoltaic"])
        missing = export(stack, *OFFICE, "SEL-NO-SUCH-ROUND", region="140000")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
        wrong = export(stack, *OFFICE, selection_round["id"], format="pdf", region="140000")
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"].endswith("format")


def test_a_name_stored_with_control_characters_before_they_were_refused_still_exports(settings, databases):
    from sqlalchemy import text

    with Stack(settings, databases, services=("intake",)) as stack:
        selection_round = open_round(stack, ["sx_photovoltaic"])
        nominated = nominate(stack, selection_round["id"], make_uscc("140400"), region="140400")
        runtime = stack.runtimes["intake"]
        with runtime.db.engine.begin() as conn:  # as an older version let it in
            conn.execute(text("UPDATE candidacies SET enterprise_name = :name WHERE id = :id"),
                         {"name": "长治\x07示例\x1b[31m企业\u202e", "id": nominated["id"]})
        rows = sheet_rows(export(stack, *OFFICE, selection_round["id"], region="140000"))
        assert rows[1][1] == nominated["id"] and rows[1][2] == "长治示例[31m企业"
        text_export = export(stack, *OFFICE, selection_round["id"], format="csv", region="140000")
        assert list(csv.reader(io.StringIO(text_export.content.decode("utf-8-sig"))))[1][2] == "长治示例[31m企业"
        with stack.client("intake", *bureau("140400"), region="140400") as client:
            read = client.get(f"/selection/candidacies/{nominated['id']}")
        assert read.status_code == 200 and read.json()["enterprise"]["name"] == "长治示例[31m企业"
