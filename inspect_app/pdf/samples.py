"""Write sample documents from the configured database: `python -m inspect_app.pdf.samples DIR`.

`make samples` runs it on a fresh database holding the demo data, to look at every
document: each conclusion and its extracts for other responsible units, the monthly
summary of the previous and the current month (in Vietnamese and English) and each
unit's remediation report.
"""
import sys
from pathlib import Path

from .. import clock, create_app
from ..models import Finding, Inspection, Unit
from ..reports.monthly import Month, is_reportable
from . import documents


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
    """Write the documents into folder; returns the paths written."""
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


def main(argv):
    """Entry point: write the samples into the folder given (default build/samples)."""
    folder = Path(argv[1] if len(argv) > 1 else "build/samples")
    with create_app().app_context():
        for path in write_samples(folder):
            print(path)


if __name__ == "__main__":
    main(sys.argv)
