"""Structured log lines: one per request, one per job run; ids and counts, no personal data.

Each line is an event name followed by key=value fields (logfmt), e.g. (one line)
    request method=GET path=/findings/12 endpoint=findings.view status=200 duration_ms=8.1
    user_id=3
The request line leaves out the query string (search words may name people) and the
client's address (nginx's access log keeps it). Where the lines go is the process's
choice: gunicorn.conf.py, or configure_stderr() for the scheduler and the dev server.
"""
import json
import logging
import re
import time

from flask import g, request
from flask_login import current_user

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
requests_log = logging.getLogger("inspect_app.requests")
# The load balancer asks every few seconds; only its failures are worth a line.
QUIET_ENDPOINTS = {"health.healthz"}
_PLAIN = re.compile(r"[A-Za-z0-9_./:@,+-]+")


def _value(value):
    """A field value, quoted when it holds spaces, quotes or control characters."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple, set)):
        value = ",".join(str(item) for item in value)
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def line(event, **fields):
    """The event name and its fields as one logfmt line."""
    return " ".join([event] + [f"{key}={_value(value)}" for key, value in fields.items()])


def milliseconds_since(started):
    """Milliseconds elapsed since a time.perf_counter() reading, to 0.1 ms."""
    # Durations come from the monotonic counter, not from clock.py's wall time.
    return round((time.perf_counter() - started) * 1000, 1)


def _start_timer():
    """Note when the request began."""
    g.request_started = time.perf_counter()


def _user_id():
    """The signed-in user's id, or None."""
    user = current_user._get_current_object()
    return user.id if user.is_authenticated else None


def _log_request(response):
    """Write the request's line."""
    started = g.get("request_started")
    if request.endpoint in QUIET_ENDPOINTS and response.status_code < 400:
        return response
    requests_log.info(line(
        "request", method=request.method, path=request.path, endpoint=request.endpoint,
        status=response.status_code,
        duration_ms=milliseconds_since(started) if started is not None else None,
        user_id=_user_id()))
    return response


def init_app(app):
    """Time every request and log it once it is answered."""
    logging.getLogger("inspect_app").setLevel(logging.INFO)
    app.before_request(_start_timer)
    app.after_request(_log_request)


def configure_stderr():
    """Send log lines to stderr in FORMAT (processes that gunicorn does not configure)."""
    logging.basicConfig(level=logging.INFO, format=FORMAT)
