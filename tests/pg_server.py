"""A real PostgreSQL server for the tests, started in a temporary folder (no Docker, no system service).

The server binaries come from Debian's `postgresql` package, which `scripts/bootstrap.sh test`
installs. PostgreSQL refuses to run as root: under root (CI) the cluster belongs to the
`postgres` system user the package creates and the commands run through `runuser`.

In CI (`CI=true`) a missing server is an error, never a silent skip; on a developer's machine
without the package the PostgreSQL tests are skipped with a message saying what to install.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def server_bin_dir() -> Path | None:
    """The newest installed server's bin folder (initdb, pg_ctl, postgres), or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """A throw-away cluster listening on 127.0.0.1; `superuser` is the cluster's owner."""

    root: Path
    port: int
    superuser: str
    bin_dir: Path
    _run_as: list[str]

    @classmethod
    def start(cls) -> "PostgresServer":
        bin_dir = server_bin_dir()
        if bin_dir is None:
            raise PostgresUnavailable(
                "Serveur PostgreSQL introuvable (initdb) : installez le paquet Debian « postgresql » "
                "(scripts/bootstrap.sh test le fait)."
            )
        run_as: list[str] = []
        owner = pwd.getpwuid(os.getuid()).pw_name
        root = Path(tempfile.mkdtemp(prefix="ctgdesk-pg-"))
        if os.getuid() == 0:
            owner = "postgres"
            try:
                entry = pwd.getpwnam(owner)
            except KeyError:
                raise PostgresUnavailable("L'utilisateur système « postgres » manque (paquet postgresql).") from None
            os.chown(root, entry.pw_uid, entry.pw_gid)
            run_as = ["runuser", "-u", owner, "--"]
        data = root / "data"
        port = _free_port()
        subprocess.run(
            [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", owner, "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True,
        )
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w",
             "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=60",
             "start"],
            check=True, capture_output=True,
        )
        server = cls(root, port, owner, bin_dir, run_as)
        server._wait_ready()
        return server

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = subprocess.run([str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                  capture_output=True)
            if done.returncode == 0:
                return
            time.sleep(0.2)
        raise PostgresUnavailable(f"Le serveur PostgreSQL de test ne répond pas (journal : {self.root / 'server.log'}).")

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql+psycopg://{user or self.superuser}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.superuser, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self._run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
