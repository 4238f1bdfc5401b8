"""A real, throw-away PostgreSQL server for the tests: initdb into a temporary folder, start it.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it when missing).
The server listens on a free port on 127.0.0.1 and on a socket in its own folder, trusts local
connections, and is stopped with ``pg_ctl stop -m immediate`` at the end of the session.

initdb and postgres refuse to run as root, and CI runs as root: there the commands run as the
``postgres`` system user the Debian package creates, through ``runuser``, on a folder chowned
to it. As any other user they run directly.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path


class Unavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why."""


@dataclass(frozen=True)
class PostgresServer:
    """A running server: its folder, port and superuser."""

    root: Path
    port: int
    user: str

    def url(self, dbname: str = "postgres") -> str:
        """A connection URL for one database on this server."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise Unavailable("no /usr/lib/postgresql/*/bin/initdb: apt-get install postgresql")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    """The command run as a user initdb accepts: ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def start(root: Path) -> PostgresServer:
    """initdb into ``root`` and start a server on a free port; Unavailable if it cannot."""
    bindir = _bindir()
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise Unavailable("running as root and there is no postgres user") from exc
        shutil.chown(root, owner.pw_uid, owner.pw_gid)
        user = "postgres"
    else:
        user = pwd.getpwuid(os.geteuid()).pw_name
    data, port = root / "data", _free_port()
    steps = [
        [str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8"],
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "server.log"),
            "-w",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off",
            "start",
        ],
    ]
    for step in steps:
        done = subprocess.run(_as_owner(step), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise Unavailable(f"{step[0]} failed: {done.stderr or done.stdout}{tail}")
    return PostgresServer(root, port, user)


def stop(server: PostgresServer) -> None:
    """Stop the server at once; its folder is thrown away with the session's tmp dir."""
    pg_ctl = str(_bindir() / "pg_ctl")
    subprocess.run(
        _as_owner([pg_ctl, "-D", str(server.root / "data"), "-m", "immediate", "stop"]),
        capture_output=True,
        check=False,
    )
