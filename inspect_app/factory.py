"""The application factory: extensions, blueprints, documents and CLI; nothing else."""
import datetime as dt
import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cache, clock, db, formatting, i18n, logs, web, workdays
from .auth.sessions import CookieSessions, login_manager
from .config import FIXED, from_environment
from .pdf import documents

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def create_app(config=None):
    """Build the app; config (a dict) overrides the environment, as tests do."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True,
                template_folder=str(ROOT / "templates"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(FIXED)
    app.config.update(from_environment(app.instance_path))
    app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = (app.config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    # Dates are counted (clock) and shown (Flask-Babel) in the one zone APP_TIMEZONE names.
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["APP_TIMEZONE"]
    # The cookie lives no longer than the server-side session it names (auth.sessions).
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(
        hours=app.config["SESSION_MAX_HOURS"])
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    clock.configure(app.config["APP_TIMEZONE"])
    logs.init_app(app)
    db.init_app(app)
    cache.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.session_interface = CookieSessions()
    formatting.init_app(app)
    workdays.init_app(app)
    web.init_app(app)
    documents.register_attachments()
    _register_blueprints(app)
    _register_cli(app)
    return app


def _register_blueprints(app):
    """Mount every area's blueprint."""
    from .admin.routes import bp as admin_bp
    from .api.routes import bp as api_bp
    from .assessments.routes import bp as assessments_bp
    from .auth.routes import bp as auth_bp
    from .checklists.routes import bp as checklists_bp
    from .criteria.routes import bp as criteria_bp
    from .discipline.routes import bp as discipline_bp
    from .feeds.routes import bp as feeds_bp
    from .files.routes import bp as files_bp
    from .findings.routes import bp as findings_bp
    from .health.routes import bp as health_bp
    from .inspections.routes import bp as inspections_bp
    from .main.routes import bp as main_bp
    from .reports.routes import bp as reports_bp
    from .units.routes import bp as units_bp
    from .workcalendar.routes import bp as workcalendar_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(findings_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(inspections_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(discipline_bp)
    app.register_blueprint(criteria_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(checklists_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(units_bp, url_prefix="/admin/units")
    app.register_blueprint(workcalendar_bp, url_prefix="/admin/calendar")


def _register_cli(app):
    """Attach the flask sub-commands."""
    from .commands import register

    register(app)
