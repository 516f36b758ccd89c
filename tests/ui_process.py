"""`urbanlake ui` started the way a non-interactive shell starts a background job, and its process tree."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.conftest import TEST_KEY

URBANLAKE = Path(sys.executable).with_name("urbanlake")
STARTUP_TIMEOUT = 240  # seconds; three Python processes import Dagster and the code location on a shared machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class UiServer:
    """A running `urbanlake ui`: the shell that started it, its pid, port and log."""

    shell: subprocess.Popen
    pid: int
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/server_info", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def tree(self) -> list[psutil.Process]:
        """`dagster dev` and every process below it (webserver, daemon, code server)."""
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    def graphql(self, query: str) -> dict:
        request = urllib.request.Request(f"{self.url}/graphql", data=json.dumps({"query": query}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def stop(self, signum: int, timeout: float = 60) -> list[psutil.Process]:
        """Send `signum` to `urbanlake ui` only; return the processes of its tree still alive after `timeout`."""
        tree = self.tree()
        os.kill(self.pid, signum)
        try:
            self.shell.wait(timeout=timeout)  # the shell waits for its background job, i.e. `urbanlake ui`
        except subprocess.TimeoutExpired:
            pass
        _, alive = psutil.wait_procs(tree, timeout=max(1.0, timeout / 4))
        return [p for p in alive if _running(p)]

    def kill(self) -> None:
        """Clean-up after a failed test: SIGKILL whatever is left of the tree."""
        for p in self.tree() if psutil.pid_exists(self.pid) else []:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        self.shell.kill()
        self.shell.wait(timeout=10)


def _running(p: psutil.Process) -> bool:
    try:
        return p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def start_ui(tmp: Path) -> UiServer:
    """Start `urbanlake ui` in the background of `bash -c`, which ignores SIGINT in it, and wait until it answers."""
    port = free_port()
    log = tmp / "ui.log"
    env = {**os.environ, "DAGSTER_HOME": str(tmp / "dagster_home"), "URBANLAKE_HOME": str(tmp / "data"),
           "URBANLAKE_PSEUDONYM_KEY": TEST_KEY}
    shell = subprocess.Popen(
        ["bash", "-c", '"$0" ui --port "$1" >"$2" 2>&1 & echo $!; wait $!', str(URBANLAKE), str(port), str(log)],
        cwd=tmp, env=env, stdout=subprocess.PIPE, text=True)
    server = UiServer(shell, int(shell.stdout.readline()), port, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.answers():
        if shell.poll() is not None or time.monotonic() > deadline:
            if shell.poll() is None:
                server.kill()
            raise AssertionError(f"urbanlake ui did not answer on port {port}:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    return server
