"""`duixian` imports a sub-command only when it runs: its help lists every command without importing
them, and a policy or calendar command does not load the services' stack (FastAPI, SQLAlchemy, Temporal)."""
from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import click
from click.testing import CliRunner

from duixian import commands
from duixian.cli import cli

HEAVY = ("fastapi", "sqlalchemy", "sqlmodel", "temporalio", "alembic", "uvicorn", "pika", "httpx")


def imported_after(*args: str) -> dict:
    """Runs `duixian ARGS` in a fresh interpreter; its exit code and which heavy packages it imported."""
    script = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from duixian.cli import cli\n"
        f"result = CliRunner().invoke(cli, {list(args)!r})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
        "print(json.dumps({'exit_code': result.exit_code, 'heavy': heavy}))\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.splitlines()[-1])


def test_help_lists_every_command_module_with_its_own_summary_without_importing_the_stack():
    shown = CliRunner().invoke(cli, ["--help"]).stdout
    for module in pkgutil.iter_modules(commands.__path__):
        command = importlib.import_module(f"duixian.commands.{module.name}").command
        assert isinstance(command, click.Command) and command.name == module.name
        line = next(line for line in shown.splitlines() if line.split()[:1] == [module.name])
        assert command.get_short_help_str(limit=200).split()[0] in line
    assert imported_after("--help") == {"exit_code": 0, "heavy": []}


def test_policy_and_calendar_commands_do_not_load_the_services_stack(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"year": 2026, "project_id": "HT-1", "receipts_yuan": "5000000",
                                 "output_party_in_changzhi": True, "platform_registered": True,
                                 "contract_registered_and_recognized": True, "converted_with_results": True,
                                 "financial_management_sound": True, "ownership_clear": True,
                                 "entity_id": "91140400MA0GRAND6J"}))
    assert imported_after("policy", "calc", "ckf2022-8.3", "--facts", str(facts)) == {"exit_code": 0, "heavy": []}
    assert imported_after("calendar", "deadline", "--start", "2026-09-25", "--working-days", "7") == {
        "exit_code": 0, "heavy": []}
