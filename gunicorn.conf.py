"""gunicorn settings for one office server: `gunicorn -c gunicorn.conf.py wsgi:app`.

The scheduler is not started here: it runs as its own process (`flask --app wsgi
scheduler`, see docs/deploy.md). Each setting can be changed through the environment.
"""
import os

from gunicorn.glogging import Logger

from inspect_app.logs import FORMAT

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app is plain blocking code; two per core suits an office server.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A monthly PDF of a large province takes seconds; a minute means something is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Uploads are limited by MAX_UPLOAD_MB; request lines and headers stay small.
limit_request_line = 8190
# Recycle workers now and then so a slow leak cannot grow without bound; not often, as a
# new worker starts with nothing kept (its first home page and monthly page compute every
# unit's figures): at an office's rate, days apart.
max_requests = 20000
max_requests_jitter = 2000
# nginx in front terminates TLS and buffers slow clients; only it may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# No control socket: nothing here uses it, and the service account has no home folder.
control_socket_disable = True

# The access log is the app's own request line (inspect_app.logs: user id, status,
# duration, no query string) so gunicorn's is off by default; GUNICORN_ACCESS_LOG=- turns
# it on, without the client address and query string (nginx's log has the address).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


class AppLogger(Logger):
    """gunicorn's logger, writing its access line only when accesslog asks for it.

    gunicorn's own switch counts a logging configuration (logconfig_dict, below) as asking
    for it: every request would be logged twice, gunicorn's line built at each request.
    """

    def access(self, resp, req, environ, request_time):
        """gunicorn's access line, if GUNICORN_ACCESS_LOG is set."""
        if self.cfg.accesslog:
            super().access(resp, req, environ, request_time)


logger_class = AppLogger

# Everything goes to stderr, i.e. the systemd journal.
errorlog = "-"
loglevel = "info"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": FORMAT}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                            "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        "apscheduler": {"level": "WARNING"},
    },
}
