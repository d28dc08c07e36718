"""A throwaway PostgreSQL cluster from Debian's binaries, or the server in TEST_DATABASE_URL.

    cluster = start_cluster()              # or connect_cluster(url)
    cluster.create_database("t1", template="tmpl")
    url = cluster.database_url("t1")
    cluster.stop()

Used by tests/conftest.py (TEST_DATABASE=postgresql) and by the benchmarks in bench/.
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def _newest_bin():
    """The newest Debian postgresql server's bin folder (PG_BIN overrides it)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda path: int(path.parent.parent.name))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = Path(os.environ["PG_BIN"]) if os.environ.get("PG_BIN") else _newest_bin()
SERVER_USER = "postgres"
# A throwaway cluster need not survive a power cut; these make it several times faster.
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class Cluster:
    """A PostgreSQL server: its URL, databases created and dropped on it, and stop()."""

    def __init__(self, url, on_stop=None):
        self.url = url
        self._on_stop = on_stop
        self._version = None

    def database_url(self, name):
        """The URL of database name on this server."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def _admin(self, statement):
        """Run one statement outside a transaction, on the server's maintenance database."""
        connection = psycopg2.connect(self.url)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def _server_version(self):
        """The server's version number, e.g. 150013."""
        if self._version is None:
            connection = psycopg2.connect(self.url)
            try:
                self._version = connection.server_version
            finally:
                connection.close()
        return self._version

    def create_database(self, name, template=None):
        """Create database name, empty or as a copy of template."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            # PostgreSQL 15 copies through the WAL by default: slower for small databases.
            if self._server_version() >= 150000:
                statement += sql.SQL(" STRATEGY FILE_COPY")
        self._admin(statement)

    def drop_database(self, name):
        """Drop database name if it exists, closing its remaining connections."""
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                    .format(sql.Identifier(name)))

    def stop(self):
        """Stop the server if this object started it."""
        if self._on_stop is not None:
            self._on_stop()
            self._on_stop = None


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(args):
    """args run as the postgres user when we are root (initdb refuses to run as root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *args]
    return args


def start_cluster(base_dir=None, durable=False):
    """initdb and start a server on 127.0.0.1 in a new folder under base_dir; return it.

    The folder (base_dir or the system temporary folder must be reachable by the postgres
    user when running as root) is removed by stop(). durable=False turns fsync off.
    """
    root = Path(tempfile.mkdtemp(prefix="inspect-pg-", dir=base_dir))
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        os.chown(root, account.pw_uid, account.pw_gid)
    data, log = root / "data", root / "server.log"
    subprocess.run(_as_server_user([str(PG_BIN / "initdb"), "-D", str(data), "-U", SERVER_USER,
                                    "-A", "trust", "-E", "UTF8", "--locale", "C.UTF-8",
                                    "--no-sync"]),
                   check=True, capture_output=True)
    port = free_port()
    settings = {"listen_addresses": "127.0.0.1", "port": str(port),
                "unix_socket_directories": str(root), "max_connections": "200"}
    if not durable:
        settings.update(FAST_SETTINGS)
    options = " ".join(f"-c {key}={value}" for key, value in settings.items())
    subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log),
                                    "-o", options, "-w", "start"]),
                   check=True, capture_output=True)

    def stop():
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast",
                                        "-w", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)

    return Cluster(f"postgresql://{SERVER_USER}@127.0.0.1:{port}/postgres", stop)


def connect_cluster(url):
    """An existing server (its user may create databases); stop() leaves it running."""
    return Cluster(url)


def cluster_for_tests(base_dir=None):
    """The server in TEST_DATABASE_URL when set, else a throwaway one."""
    url = os.environ.get("TEST_DATABASE_URL")
    return connect_cluster(url) if url else start_cluster(base_dir)
