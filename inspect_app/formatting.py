"""Jinja filters: every date and number shown to a user is formatted here."""
import datetime as dt

from . import clock


def format_date(value):
    """A date as dd/mm/yyyy; empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = clock.to_local(value).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value):
    """A stored UTC datetime as local dd/mm/yyyy HH:MM."""
    if value is None:
        return ""
    return clock.to_local(value).strftime("%d/%m/%Y %H:%M")


def format_number(value):
    """An integer with dots between thousands, as written in Vietnamese."""
    return f"{value:,}".replace(",", ".")


def format_percent(value):
    """A percentage with one decimal and a decimal comma, as written in Vietnamese."""
    return f"{value:.1f}".replace(".", ",") + " %"


def format_points(value):
    """Points as written in Vietnamese, without trailing zeros: 0,5; 1; 87,25. Empty for None."""
    if value is None or value == "":
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if text != "-0" else "0"


def format_score(value):
    """A score or an index with two decimals and a decimal comma: 87,25. Empty for None."""
    if value is None or value == "":
        return ""
    return f"{value:.2f}".replace(".", ",")


def init_app(app):
    """Register the filters with Jinja."""
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_percent
    # "points" is the reports' change in percentage points (reports/routes.py).
    app.jinja_env.filters["score_points"] = format_points
    app.jinja_env.filters["score"] = format_score
