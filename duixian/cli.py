"""The `duixian` console script.

Every module in `duixian.commands` that exposes a click command named `command` (named like its
module) is a sub-command, so a new room adds its commands without touching this file.

Sub-commands are imported only when one is run: `duixian policy calc` loads the calculator, not
FastAPI, SQLAlchemy or Temporal. `duixian --help` lists them without importing any: it reads each
`command`'s docstring from its module's source.

Exit codes shared by all commands: 0 ok; 2 invalid input; 3 data unavailable.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
from functools import cache
from pathlib import Path

import click

from duixian import commands
from duixian.output import EXIT_DATA_UNAVAILABLE, EXIT_INVALID_INPUT, EXIT_OK

__all__ = ["EXIT_DATA_UNAVAILABLE", "EXIT_INVALID_INPUT", "EXIT_OK", "cli", "main"]


@cache
def _command_modules() -> tuple[str, ...]:
    return tuple(sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if command_help(m.name) is not None))


@cache
def command_help(name: str) -> str | None:
    """The docstring of `duixian.commands.<name>.command` (its help), read from the source without importing
    the module; None when the module defines no `command` function."""
    tree = ast.parse((Path(commands.__path__[0]) / f"{name}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "command":
            return (ast.get_docstring(node) or "").split("\f")[0]
    return None


class LazyGroup(click.Group):
    """Lists the modules of `duixian.commands` and imports one only when it is run (or its help asked)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_command_modules()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in _command_modules():
            return super().get_command(ctx, cmd_name)
        command = getattr(importlib.import_module(f"{commands.__name__}.{cmd_name}"), "command", None)
        if not isinstance(command, click.Command):
            return None
        self.add_command(command, cmd_name)
        return command

    def _short_help(self, name: str, limit: int) -> str:
        if name in self.commands:
            return self.commands[name].get_short_help_str(limit)
        # the module is not imported for the listing: a bare Command shortens its docstring as click does
        return click.Command(name, help=command_help(name) or "").get_short_help_str(limit)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)  # as click.Group.format_commands
        rows = [(name, self._short_help(name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """duixian 政策兑现 — command line for officials and scripts."""


def main() -> None:
    cli()
