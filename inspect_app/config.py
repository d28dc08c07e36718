"""Configuration read from environment variables, with safe defaults for one laptop."""
import os
import secrets
from pathlib import Path


def _bool(value, default=False):
    """Read a yes/no environment value."""
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path):
    """SECRET_KEY from the environment, else a random one kept in the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # The embedded default must survive restarts without a key committed to the code.
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment(instance_path):
    """Build the configuration dict for an app whose instance folder is instance_path."""
    env = os.environ.get
    # `make run` serves on PORT: links in e-mails lead there unless BASE_URL says otherwise.
    base_url = env("BASE_URL", f"http://127.0.0.1:{env('PORT') or 5000}").rstrip("/")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "DATABASE_URL": env("DATABASE_URL", f"sqlite:///{Path(instance_path) / 'inspect.db'}"),
        "APP_TIMEZONE": env("APP_TIMEZONE", "Asia/Ho_Chi_Minh"),
        "BASE_URL": base_url,
        "SMTP_HOST": env("SMTP_HOST", ""),
        "SMTP_PORT": int(env("SMTP_PORT", "25")),
        "SMTP_USER": env("SMTP_USER", ""),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env("SMTP_STARTTLS"), False),
        "MAIL_FROM": env("MAIL_FROM", "kiemtra@localhost"),
        "UPLOAD_DIR": env("UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "MAX_UPLOAD_MB": int(env("MAX_UPLOAD_MB", "20")),
        "SESSION_COOKIE_SECURE": _bool(env("SESSION_COOKIE_SECURE"), base_url.startswith("https://")),
        "PROXY_FIX": _bool(env("PROXY_FIX"), False),
        # A session ends after this long without a request, and this long after sign-in.
        "SESSION_IDLE_MINUTES": int(env("SESSION_IDLE_MINUTES", "120")),
        "SESSION_MAX_HOURS": int(env("SESSION_MAX_HOURS", "12")),
        # A stopped scheduler's lease expires after this; another then takes over.
        "SCHEDULER_LEASE_SECONDS": int(env("SCHEDULER_LEASE_SECONDS", "60")),
        "SCHEDULER_MAIL_SECONDS": int(env("SCHEDULER_MAIL_SECONDS", "60")),
        # Kept PDFs and exports (instance/documents): at most this many files and megabytes.
        "DOCUMENT_CACHE_FILES": int(env("DOCUMENT_CACHE_FILES", "200")),
        "DOCUMENT_CACHE_MB": float(env("DOCUMENT_CACHE_MB", "200")),
    }


# Settings that are the same everywhere; the environment does not change them.
FIXED = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # The cookie is issued at sign-in to live as long as the session's absolute limit
    # (PERMANENT_SESSION_LIFETIME); the server-side session keeps the idle limit, so
    # nothing is gained by signing a new cookie into every response.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_I18N_ENABLED": False,
    "BABEL_DEFAULT_LOCALE": "vi",
    "LANGUAGES": ("vi", "en"),
}
