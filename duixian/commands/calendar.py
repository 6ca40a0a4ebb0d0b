"""`duixian calendar …`: statutory working days and deadlines (Asia/Shanghai).

--start accepts an ISO date-time; one without an offset (or a bare date) is taken as
Asia/Shanghai. A year with no holiday data exits with 3 until its schedule is loaded
(--schedule FILE, the official notice in YAML/JSON)."""
from __future__ import annotations

import datetime as dt

import click

from duixian.output import echo_json, fail
from policies.beijing import SHANGHAI
from policies.calendar import WorkingDayCalendar, YearSchedule
from policies.errors import PolicyError

_schedule_option = click.option(
    "--schedule", "schedule_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
    help="载入某年官方节假日安排（YAML/JSON，可多次）")


def _calendar(schedule_files: tuple[str, ...]) -> WorkingDayCalendar:
    from pathlib import Path

    return WorkingDayCalendar([YearSchedule.from_file(Path(f)) for f in schedule_files])


def _start(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--start 不是 ISO 日期时间：{text}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _time(text: str | None) -> dt.time | None:
    if text is None:
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--end-of-business 应为 HH:MM：{text}") from None


@click.group(name="calendar")
def command() -> None:
    """法定工作日与期限计算（民法典第二百零一条至第二百零三条）."""


@command.command("deadline")
@click.option("--start", "start_text", required=True, help="起算事件的时间（ISO，如 2025-09-26T10:00+08:00）")
@click.option("--working-days", type=click.IntRange(1, 1000), required=True, help="工作日数")
@click.option("--end-of-business", "eob_text", help="截止时间改为最后一日的下班时间，如 17:30")
@_schedule_option
def deadline(start_text: str, working_days: int, eob_text: str | None, schedule_files: tuple[str, ...]) -> None:
    """计算 N 个工作日的期限：开始当日不计入，最后一日24时截止。"""
    try:
        result = _calendar(schedule_files).deadline(_start(start_text), working_days, _time(eob_text))
    except (PolicyError, ValueError) as error:
        fail(error)
    if result.test_data_used:
        click.echo("警告：使用了标记为测试数据的节假日安排", err=True)
    echo_json({
        "start": result.start.isoformat(),
        "working_days": result.working_days,
        "last_day": result.last_day.isoformat(),
        "ends_at": result.ends_at.isoformat(),
        "ends_at_zh": (f"{result.last_day.isoformat()} 24:00（北京时间）" if eob_text is None
                       else f"{result.last_day.isoformat()} {eob_text}（北京时间，停止业务活动时间）"),
        "counted": [d.isoformat() for d in result.counted],
        "makeup_workdays": [d.isoformat() for d in result.makeup_workdays],
        "skipped": [{"date": s.date.isoformat(), "reason": s.reason} for s in result.skipped],
        "sources": result.sources,
        "test_data_used": result.test_data_used,
    })


@command.command("day")
@click.argument("date_text")
@_schedule_option
def day(date_text: str, schedule_files: tuple[str, ...]) -> None:
    """某一天是否为法定工作日及原因。"""
    try:
        date = dt.date.fromisoformat(date_text)
        info = _calendar(schedule_files).day(date)
    except ValueError:
        fail(ValueError(f"不是 ISO 日期：{date_text}"))
    except PolicyError as error:
        fail(error)
    echo_json({"date": info.date.isoformat(), "working_day": info.working, "makeup_workday": info.makeup,
               "reason": info.reason, "source": info.source})
