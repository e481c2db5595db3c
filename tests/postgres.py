"""A throwaway PostgreSQL cluster for the test session: ``initdb`` into a temporary folder,
a server listening on a unix socket only (no TCP), stopped and deleted at the end.

The server binaries are found through ``XKMT_PG_BIN``, else ``pg_config --bindir``, else
``/usr/lib/postgresql/*/bin`` (Debian's postgresql package). Without them the tests are
skipped, but fail under CI (``CI`` set), like the browser tests without Chromium.
PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` system user
(or ``nobody``), which then owns the temporary folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

DATABASE = "xkmt"
SUPERUSER = "xkmt"


def pg_bin() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    candidates = []
    if os.environ.get("XKMT_PG_BIN"):
        candidates.append(os.environ["XKMT_PG_BIN"])
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(found.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name)
                         if Path(p).parent.name.isdigit() else 0, reverse=True)
    for candidate in candidates:
        folder = Path(candidate)
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _server_user() -> str | None:
    """The unprivileged account to run the server as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    pytest.fail("running as root and no 'postgres' or 'nobody' account to run PostgreSQL as")


def _run(command: list[str], user: str | None, cwd: Path) -> None:
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The SQLAlchemy URL of an empty database on a throwaway PostgreSQL server."""
    bindir = pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is needed for the PostgreSQL tests "
                        "(apt-get install postgresql)")
        pytest.skip("PostgreSQL not installed (apt-get install postgresql)")
    user = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="xkmt-pg-"))  # short: a socket path is ≤ 107 bytes
    data, log = folder / "data", folder / "server.log"
    if user is not None:
        account = pwd.getpwnam(user)
        os.chown(folder, account.pw_uid, account.pw_gid)
    started = False
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], user, folder)
        options = (f"-k {folder} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        try:
            _run([str(bindir / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data),
                  "-l", str(log), "-o", options], user, folder)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{log.read_text() if log.exists() else ''}") from None
        started = True
        server = f"postgresql+psycopg://{SUPERUSER}@/postgres?host={folder}"
        engine = create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        engine.dispose()
        yield f"postgresql+psycopg://{SUPERUSER}@/{DATABASE}?host={folder}"
    finally:
        if started:
            _run([str(bindir / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(data)],
                 user, folder)
        shutil.rmtree(folder, ignore_errors=True)
