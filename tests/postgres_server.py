"""A throw-away PostgreSQL server on loopback for tests: Debian's binaries, a temporary data directory."""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from tests.ui_process import free_port


def postgres_bin() -> Path | None:
    """The directory of initdb/pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    db_name: str


def _server_user() -> str | None:
    """initdb refuses to run as root: as root, run the server as the `postgres` account (or `nobody`)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a postgres nor a nobody account exists")


@contextmanager
def running_postgres(db_name: str = "dagster") -> Iterator[PostgresServer]:
    """Start a server on 127.0.0.1 with password authentication, yield it, stop it and delete its data."""
    bindir = postgres_bin()
    assert bindir, "PostgreSQL server binaries not found"
    user = _server_user()
    as_user = ["runuser", "-u", user, "--"] if user else []
    base = Path(tempfile.mkdtemp(prefix="urbanlake-pg-"))  # under /tmp: pytest's tmp dirs are private to root
    server = PostgresServer("127.0.0.1", free_port(), "dagster", secrets.token_hex(16), db_name)
    (base / "pwfile").write_text(server.password)
    if user:
        account = pwd.getpwnam(user)
        os.chown(base, account.pw_uid, account.pw_gid)
        os.chown(base / "pwfile", account.pw_uid, account.pw_gid)
    data, log = base / "data", base / "server.log"

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, text=True, timeout=120)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", server.user, f"--pwfile={base / 'pwfile'}",
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-instructions")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start", "-o",
            f"-c listen_addresses=127.0.0.1 -p {server.port} -k {base} -c fsync=off")
        try:
            con = psycopg2.connect(host=server.host, port=server.port, user=server.user,
                                   password=server.password, dbname="postgres")
            con.autocommit = True  # create database cannot run inside a transaction
            con.cursor().execute(f'create database "{db_name}"')
            con.close()
            yield server
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-m", "fast", "stop")
    except subprocess.CalledProcessError as error:
        server_log = log.read_text() if log.exists() else ""
        raise RuntimeError(f"{error.cmd}: {error.stderr}\n{server_log}") from error
    finally:
        shutil.rmtree(base, ignore_errors=True)
