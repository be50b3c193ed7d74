"""A real `streamlit run app.py` on a database, for browser tests and the load test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def dashboard_server(db: Path, log: Path, script: Path | str = "app.py") -> Iterator[Server]:
    """Start the dashboard (or another Streamlit ``script``) on ``db`` (output to ``log``), wait until it answers
    its health check, stop it after."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=PROJECT_DIR,
            env={**os.environ, "DASHBOARD_DB": str(db)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        server = Server(f"http://127.0.0.1:{port}", port, process.pid)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"streamlit did not start; see {log}") from None
                    time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=20)
