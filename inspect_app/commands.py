"""The flask sub-commands: db, demo, users, backup and restore."""
import sys

import click
from flask.cli import AppGroup, with_appcontext

from . import backup, demo, schema
from .auth import services as accounts
from .errors import WorkflowError
from .models import ROLES, Unit, User
from .reports.report_commands import report_cli

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


@click.command("backup")
@with_appcontext
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The archive to write (database and uploaded files).")
def backup_command(out):
    """Back up the database and the uploaded files into one archive, online."""
    try:
        files = backup.create_backup(out)
    except backup.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backup written to {out} (database and {files} uploaded file(s)).")


@click.command("restore")
@with_appcontext
@click.option("--from", "source", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The archive written by `backup`.")
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
def restore_command(source, force):
    """Restore a backup archive into this (fresh) database and upload folder."""
    try:
        manifest = backup.restore_backup(source, force=force)
    except backup.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored the backup of {manifest['created_at']} (UTC).")


def register(app):
    """Attach the command groups to app."""
    from .jobs import job_commands

    job_commands.register(app)
    for group in (db_cli, demo_cli, users_cli, report_cli, backup_command, restore_command):
        app.cli.add_command(group)
