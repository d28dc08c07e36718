"""`flask report ...`: write the PDF documents to files, one or every sample at once."""
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import clock, schema
from ..models import LOCALES, Finding, Inspection, Unit
from ..pdf import documents
from ..units.services import normalise_code
from .monthly import Month, is_reportable

report_cli = AppGroup("report", help="PDF documents: monthly summary, conclusion, unit report.")

OUT = click.option("--out", required=True, type=click.Path(dir_okay=False),
                   help="The PDF file to write.")
LOCALE = click.option("--locale", type=click.Choice(LOCALES), default="vi", show_default=True,
                      help="The document's language.")


def _ready():
    """Stop with a clear message when migrations are pending."""
    if schema.pending_migrations():
        raise click.ClickException("The database schema is not up to date: "
                                   "run 'flask --app wsgi db upgrade' first.")


def _write(out, data):
    """Write data to the file out and say so."""
    Path(out).write_bytes(data)
    click.echo(f"Wrote {out} ({len(data):,} bytes).")


def parse_month(text):
    """The month written YYYY-MM that has begun by today, or a usage error."""
    try:
        month = Month.parse(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-10.",
                                 param_hint="--month")
    if not is_reportable(month, clock.today()):
        raise click.BadParameter(f"{month} has not begun yet: no day of it has ended.",
                                 param_hint="--month")
    return month


@report_cli.command("monthly")
@click.option("--month", "month_text", required=True, help="The month, as YYYY-MM.")
@OUT
@LOCALE
def report_monthly(month_text, out, locale):
    """Write the monthly summary of a month."""
    month = parse_month(month_text)
    _ready()
    _write(out, documents.monthly_summary_pdf(month.year, month.month, locale))


@report_cli.command("inspection")
@click.argument("inspection_id", type=int)
@OUT
def report_inspection(inspection_id, out):
    """Write the conclusion of an inspection (official document, in Vietnamese)."""
    _ready()
    inspection = Inspection.get_or_none(Inspection.id == inspection_id)
    if inspection is None:
        raise click.ClickException(f"No inspection with id {inspection_id}.")
    if inspection.status not in ("concluded", "closed"):
        raise click.ClickException(f"Inspection {inspection_id} has no conclusion yet "
                                   f"(status: {inspection.status}).")
    _write(out, documents.conclusion_pdf(inspection))


@report_cli.command("unit")
@click.argument("code")
@OUT
@LOCALE
def report_unit(code, out, locale):
    """Write the remediation report of the unit with this code, as it stands today."""
    _ready()
    unit = Unit.get_or_none(Unit.code == normalise_code(code))
    if unit is None:
        raise click.ClickException(f"No unit with code {code!r}.")
    _write(out, documents.unit_report_pdf(unit, clock.today(), locale))


def _months(today):
    """The previous month and, once a day of it has ended, the current one."""
    current = Month.of(today)
    return [current.previous()] + ([current] if is_reportable(current, today) else [])


def _other_responsible_units(inspection):
    """The ids of the units, other than the inspected one, responsible for its findings."""
    return (Finding
            .select(Finding.responsible_unit)
            .where(Finding.inspection == inspection,
                   Finding.responsible_unit != inspection.unit_id))


def write_samples(folder):
    """Write every document of the database into folder; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    today, written = clock.today(), []

    def save(name, data):
        path = folder / name
        path.write_bytes(data)
        written.append(path)

    for inspection in Inspection.select().where(Inspection.status.in_(("concluded",
                                                                       "closed"))):
        save(documents.conclusion_filename(inspection), documents.conclusion_pdf(inspection))
        for unit in Unit.select().where(Unit.id.in_(_other_responsible_units(inspection))):
            save(documents.extract_filename(inspection, unit),
                 documents.conclusion_extract_pdf(inspection, unit))
    for month in _months(today):
        for locale in ("vi", "en"):
            save(f"{Path(documents.monthly_filename(month)).stem}-{locale}.pdf",
                 documents.monthly_summary_pdf(month.year, month.month, locale))
    units = Unit.select().where(Unit.id.in_(Finding.select(Finding.responsible_unit)))
    for unit in units:
        save(documents.unit_filename(unit, today), documents.unit_report_pdf(unit, today))
    return written


@report_cli.command("samples")
@click.option("--out", "folder", default="build/samples", show_default=True,
              type=click.Path(file_okay=False), help="The folder to write into.")
def report_samples(folder):
    """Write every document (conclusions and extracts, monthly summaries, unit reports).

    `make samples` runs it on a fresh database holding the demo data.
    """
    _ready()
    for path in write_samples(Path(folder)):
        click.echo(path)
