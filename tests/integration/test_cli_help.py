"""The flask commands explain themselves (`--help` shows sentences for every command and
option), and `flask depot import-units` tells cron and scripts when rows failed."""
from __future__ import annotations

import click
import pytest

from depot.cli import depot_cli, users_cli

HEADER = ("serial,model,purchase_date,customer_name,customer_phone,customer_email,"
          "customer_address\n")


def _sentence(text: str | None) -> bool:
    return bool(text) and len(text.split()) >= 4


@pytest.mark.parametrize("group", [users_cli, depot_cli], ids=lambda g: g.name)
def test_every_command_and_option_has_a_help_text(group):
    assert _sentence(group.help)
    for name, command in group.commands.items():
        assert _sentence(command.help), name
        for param in command.params:
            if isinstance(param, click.Option):
                assert _sentence(param.help), f"{name} {param.opts}"


def test_flask_users_help_shows_sentences(app):
    runner = app.test_cli_runner()
    overview = runner.invoke(args=["users", "--help"])
    assert overview.exit_code == 0
    for line in ("create        Create a user and print its API token.",
                 "set-password  Set a user's password; ends its sessions.",
                 "token         Give a user a new API token; the old one stops working.",
                 "update        Change a user's role, or switch it off or on."):
        assert line in overview.output
    commands = overview.output.split("Commands:")[1].splitlines()
    assert not any(line.rstrip().endswith("...") for line in commands)  # none cut short
    create = " ".join(runner.invoke(args=["users", "create", "--help"]).output.split())
    assert "Create the user NAME with a role; its new API token is printed alone" in create
    assert "What the user may do: clerk, technician, supervisor, logistics or admin." in create
    assert "at least 10 characters, not the user name" in create
    assert "Ask for the password on the terminal" in create
    update = " ".join(runner.invoke(args=["users", "update", "--help"]).output.split())
    assert "The last active admin can be neither switched off nor given another role." in update


def test_import_units_exits_0_when_every_row_lands_and_1_with_the_count_when_not(
        app, make_model, tmp_path):
    make_model("POS-X", "POS X", 24)
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "GOOD00001,POS-X,2026-01-05,张三,,,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["depot", "import-units", str(good)])
    assert result.exit_code == 0, result.output
    assert "created 1, updated 0, errors 0" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "GOOD00002,POS-X,,x,,,\nBAD00001,NOPE,,x,,,\n"
                   "BAD00002,POS-X,2026-13-01,x,,,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["depot", "import-units", str(bad)])
    assert result.exit_code == 1
    assert "created 1, updated 0, errors 2" in result.output
    assert "2 rows were not imported; the good rows were" in result.output
    assert "line 3: no product model with code NOPE" in result.output
