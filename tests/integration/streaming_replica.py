"""A real PostgreSQL streaming replica of the test server, made on this machine.

``pg_basebackup -R`` copies the primary's cluster into a temporary folder and writes the standby
settings; a second ``postgres`` serves it on a free port and streams from the primary. Databases
the tests create on the primary afterwards (one per test) reach the replica by the same stream.

The primary must accept replication connections from 127.0.0.1. When its pg_hba.conf has no
replication rule and this process may write it (CI runs as root on a throwaway machine), a
trust rule for 127.0.0.1 is added and the configuration reloaded; otherwise the replica cannot
be made and the caller is told why. PostgreSQL refuses to run as root, so as root the replica's
programs run as the ``postgres`` account.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra

HBA_RULE = "host replication all 127.0.0.1/32 trust"


class ReplicaUnavailable(Exception):
    """The replica cannot be made on this machine; the message says why."""


@dataclass
class StreamingReplica:
    folder: Path
    port: int
    bindir: Path
    run_as: str | None  # the account the server runs as (None: this process's own)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url_of(self, primary_url: str) -> str:
        """The replica's URL for a database of the primary's URL."""
        scheme, rest = primary_url.split("://", 1)
        credentials, _, location = rest.rpartition("@")
        _hostport, _, database = location.partition("/")
        user = f"{credentials}@" if credentials else ""
        return f"{scheme}://{user}127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.folder / "server.log"))

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast", "-w")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self._pg_ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        _run(self.run_as, [str(self.bindir / "pg_ctl"), "-D", str(self.data), *args])


def make_replica(admin_url: str) -> StreamingReplica:
    """Copy the primary at ``admin_url`` and start it as a streaming replica."""
    host, port, user = _primary(admin_url)
    _allow_replication(admin_url)
    bindir = Path(_output(["pg_config", "--bindir"]).strip())
    run_as = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="lawmeet-replica-"))
    if run_as is not None:
        account = pwd.getpwnam(run_as)
        os.chown(folder, account.pw_uid, account.pw_gid)
    replica = StreamingReplica(folder, _free_port(), bindir, run_as)
    try:
        _run(run_as, [str(bindir / "pg_basebackup"), "-h", host, "-p", str(port), "-U", user,
                      "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"])  # fmt: skip
        # Debian keeps the configuration outside the data folder: the copy gets its own.
        _write(run_as, replica.data / "postgresql.conf",
               f"listen_addresses = '127.0.0.1'\nport = {replica.port}\n"
               f"unix_socket_directories = '{folder}'\nhot_standby = on\n"
               "max_connections = 100\nshared_buffers = 32MB\nfsync = off\n")  # fmt: skip
        _write(run_as, replica.data / "pg_hba.conf",
               "local all all trust\nhost all all 127.0.0.1/32 trust\n")  # fmt: skip
        _write(run_as, replica.data / "pg_ident.conf", "")
        replica.start()
    except (OSError, subprocess.CalledProcessError) as error:
        replica.remove()
        said = getattr(error, "stderr", b"") or b""
        raise ReplicaUnavailable(
            f"could not make a streaming replica: {error} {said.decode(errors='replace')}"
        ) from error
    return replica


async def wait_until_replayed(primary_url: str, replica_url: str, seconds: float = 60) -> None:
    """Until the replica has replayed everything the primary had written when this began."""
    primary = await asyncpg.connect(_asyncpg_url(primary_url))
    try:
        target = await primary.fetchval("SELECT pg_current_wal_lsn()")
    finally:
        await primary.close()
    replica = await asyncpg.connect(_asyncpg_url(replica_url))
    try:
        for _ in range(int(seconds / 0.05)):
            if await replica.fetchval("SELECT pg_last_wal_replay_lsn() >= $1", target):
                return
            await asyncio.sleep(0.05)
    finally:
        await replica.close()
    raise AssertionError("the replica did not catch up in time")


async def run_on(url: str, statement: str) -> object:
    connection = await asyncpg.connect(_asyncpg_url(url))
    try:
        return await connection.fetchval(statement)
    finally:
        await connection.close()


def _asyncpg_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def _primary(admin_url: str) -> tuple[str, int, str]:
    rest = admin_url.split("://", 1)[1]
    credentials, _, location = rest.rpartition("@")
    hostport = location.partition("/")[0]
    host, _, port = hostport.partition(":")
    return host, int(port or 5432), credentials.partition(":")[0] or "postgres"


def _allow_replication(admin_url: str) -> None:
    async def rules() -> tuple[int, str]:
        connection = await asyncpg.connect(_asyncpg_url(admin_url))
        try:
            count = await connection.fetchval(
                "SELECT count(*) FROM pg_hba_file_rules"
                " WHERE 'replication' = ANY(database) AND error IS NULL"
            )
            return int(count), str(await connection.fetchval("SHOW hba_file"))
        finally:
            await connection.close()

    count, hba_file = asyncio.run(rules())
    if count:
        return
    try:
        with open(hba_file, "a", encoding="utf-8") as hba:
            hba.write(f"\n# added by lawmeet's tests for a streaming replica\n{HBA_RULE}\n")
    except OSError as error:
        raise ReplicaUnavailable(
            f"{hba_file} has no replication rule and cannot be written ({error});"
            f" add '{HBA_RULE}' and reload PostgreSQL"
        ) from error
    asyncio.run(run_on(admin_url, "SELECT pg_reload_conf()"))


def _run(run_as: str | None, command: Sequence[str]) -> None:
    prefix = ["runuser", "-u", run_as, "--"] if run_as else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, cwd="/")


def _write(run_as: str | None, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    if run_as is not None:
        account = pwd.getpwnam(run_as)
        os.chown(path, account.pw_uid, account.pw_gid)


def _output(command: Sequence[str]) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
