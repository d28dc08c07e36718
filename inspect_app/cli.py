"""The flask sub-commands: db, demo, users."""
import sys

import click
from flask.cli import AppGroup

from . import demo, schema
from .auth import services as accounts
from .errors import WorkflowError
from .models import ROLES, Unit, User
from .reports.cli import report_cli

db_cli = AppGroup("db", help="Database schema.")
demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="User accounts.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply the pending migrations."""
    applied = schema.upgrade()
    click.echo(f"Applied {len(applied)} migration(s)"
               + (": " + ", ".join(applied) if applied else "; the schema is up to date."))


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when accounts already exist.")
def demo_load(if_empty):
    """Load the demo authority, units and accounts (idempotent)."""
    _require_schema()
    if if_empty and User.select().exists():
        click.echo("The database already holds data; demo data not loaded again.")
    else:
        demo.load()
        click.echo("Demo data loaded.")
    click.echo("Demo accounts (password: %s):" % demo.DEMO_PASSWORD)
    for username, full_name, role, unit in demo.ACCOUNTS:
        click.echo(f"  {username:<10} {role:<10} {full_name}" + (f" ({unit})" if unit else ""))


def _require_schema():
    """Stop with a clear message when migrations are pending."""
    if schema.pending_migrations():
        raise click.ClickException("The database schema is not up to date: "
                                   "run 'flask --app wsgi db upgrade' first.")


def _read_password(password_stdin):
    """The new account's password from stdin or a confirmed prompt."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--unit", "unit_code", help="Unit code (required for unit_head).")
@click.option("--email", default="")
@click.option("--full-name", default="", help="Defaults to the username.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def users_create(username, role, unit_code, email, full_name, password_stdin):
    """Create a user account."""
    _require_schema()
    unit = None
    if unit_code:
        unit = Unit.get_or_none(Unit.code == unit_code.strip().upper())
        if unit is None:
            raise click.ClickException(f"No unit with code {unit_code!r}.")
    password = _read_password(password_stdin)
    try:
        user = accounts.create_user(None, username, full_name or username, role, password,
                                    unit=unit, email=email)
    except WorkflowError as error:
        raise click.ClickException(str(error.message))
    click.echo(f"Created user {user.username} ({user.role}).")


def register(app):
    """Attach the command groups to app."""
    from .jobs import cli as jobs_commands

    jobs_commands.register(app)
    for group in (db_cli, demo_cli, users_cli, report_cli):
        app.cli.add_command(group)
