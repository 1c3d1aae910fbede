"""A PostgreSQL server of its own for a test or a benchmark: initdb in `workdir`, a free
loopback port, trust authentication on loopback only, stopped by `stop()`. As root, it
runs as the `postgres` user (PostgreSQL refuses root)."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def installed() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


class Postgres:
    def __init__(self, workdir: Path):
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not candidates:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
        self.bin = Path(candidates[-1])
        self.dir = workdir / "pg"
        self.dir.mkdir(parents=True)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(workdir, "postgres")
            shutil.chown(self.dir, "postgres")
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "Postgres":
        subprocess.run(self._command("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust",
                                     "-E", "UTF8", "--locale=C", "--no-sync"),
                       check=True, capture_output=True)
        self.process = subprocess.Popen(self._command("postgres", "-D", f"{self.dir}/data", "-p", str(self.port),
                                                      "-k", str(self.dir), "-c", "listen_addresses=127.0.0.1",
                                                      "-c", "max_connections=100"),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while self.query("postgres", "SELECT 1", check=False) != "1":
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.1)
        return self

    def _command(self, tool: str, *arguments: str) -> list[str]:
        path = str(self.bin / tool)
        if self.as_root:
            return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", path, *arguments]
        return [path, *arguments]

    def query(self, database: str, sql: str, check: bool = True) -> str:
        result = subprocess.run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                                 "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"psql: {result.stderr}")
        return result.stdout.strip()

    def create(self, database: str) -> str:
        """A new database; returns its postgres:// URL."""
        self.query("postgres", f"CREATE DATABASE {database}")
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
