"""Tables officials open in Excel or WPS, written once for every export.

XLSX: bold header, set column widths, amounts as exact yuan (Decimal of integer fen / 100) with a
thousands format. CSV: UTF-8 with a BOM, so Excel shows the Chinese, amounts as "12345.67".
Either way an optional last row carries the totals.

Text comes from applicants (an enterprise names itself, an objector writes a reason), so a cell is
never a formula: XLSX cells starting with "=" are stored as text, and CSV fields starting with
= + - @ or a tab/CR get a leading apostrophe (OWASP, CSV injection), which spreadsheets show as text.
Control and invisible characters (policies.text) are left out of every cell: fields refuse them, but
a row stored before they did must still export (XLSX cannot hold them at all).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from fastapi import Response
from openpyxl.utils import get_column_letter

from policies.money import format_yuan
from policies.text import strip_unsafe

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
ExportFormat = Literal["xlsx", "csv"]
MONEY_FORMAT = "#,##0.00"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 16
    money: bool = False  # the cells hold integer fen; the export shows yuan with two decimals


@dataclass
class Table:
    sheet: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None  # the closing 合计 row, money cells in fen like the others

    def _lines(self) -> list[list[Any]]:
        return self.rows + ([self.total] if self.total is not None else [])


def total_row(columns: list[Column], count: str, sums: dict[str, int] | None = None) -> list[Any]:
    """The closing row: 合计 and the count (e.g. "3笔"), then each named column's sum under its title."""
    row: list[Any] = ["合计", count, *([None] * (len(columns) - 2))]
    titles = [c.title for c in columns]
    for title, value in (sums or {}).items():
        row[titles.index(title)] = value
    return row


def to_xlsx(table: Table) -> bytes:
    return to_xlsx_book([table])


def to_xlsx_book(tables: list[Table]) -> bytes:
    """One workbook, a sheet per table in order (e.g. the cockpit's monthly report)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # a new workbook's one empty sheet
    for table in tables:
        _write_sheet(workbook.create_sheet(table.sheet), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Worksheet, table: Table) -> None:
    from openpyxl.styles import Font

    sheet.append([c.title for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, line in enumerate(table._lines(), start=2):
        sheet.append([_xlsx_value(value, column) for value, column in zip(line, table.columns, strict=True)])
        for index, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=number, column=index)
            if column.money:
                cell.number_format = MONEY_FORMAT
            elif cell.data_type == "f":  # openpyxl reads a leading "=" as a formula: keep it text
                cell.data_type = "s"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.title for c in table.columns])
    for line in table._lines():
        writer.writerow([_csv_value(value, column) for value, column in zip(line, table.columns, strict=True)])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def attachment(table: Table, format: ExportFormat, basename: str) -> Response:
    """The table as a download named `<basename>.<format>` (ASCII, so every browser keeps it)."""
    content, media_type = (to_csv(table), CSV) if format == "csv" else (to_xlsx(table), XLSX)
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{basename}.{format}"'})


def workbook_attachment(tables: list[Table], basename: str) -> Response:
    """Several tables as one XLSX download named `<basename>.xlsx`."""
    return Response(to_xlsx_book(tables), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{basename}.xlsx"'})


def responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI 200 entry of an export route."""
    return {200: {"content": {XLSX: {}, "text/csv": {}}, "description": description}}


def _xlsx_value(value: Any, column: Column) -> Any:
    if column.money and isinstance(value, int):
        return Decimal(value) / 100  # exact: integer fen to yuan
    return strip_unsafe(value) if isinstance(value, str) else value


def _csv_value(value: Any, column: Column) -> Any:
    if column.money and isinstance(value, int):
        return format_yuan(value)
    if isinstance(value, str):
        value = strip_unsafe(value)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return "" if value is None else value
