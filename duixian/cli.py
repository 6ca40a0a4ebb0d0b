"""The `duixian` console script.

Every module in `duixian.commands` that exposes a click command named `command`
is added as a sub-command, so a new room adds its commands without touching this file.

Exit codes shared by all commands: 0 ok; 2 invalid input; 3 data unavailable.
"""
from __future__ import annotations

import importlib
import pkgutil

import click

from duixian import commands

EXIT_OK = 0
EXIT_INVALID_INPUT = 2
EXIT_DATA_UNAVAILABLE = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """duixian 政策兑现 — command line for officials and scripts."""


def _register_commands() -> None:
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            cli.add_command(command)


_register_commands()


def main() -> None:
    cli()
