"""`urbanlake ui`: the Dagster webserver and daemon (`dagster dev`) on this project, stoppable by Ctrl-C and SIGTERM."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000


def dagster_dev_command(host: str, port: int) -> list[str]:
    """The venv's `dagster dev` serving the project's code location on host:port."""
    dagster = str(Path(sys.executable).with_name("dagster"))  # the venv's, activated or not
    return [dagster, "dev", "-m", "pipelines.definitions", "--host", host, "--port", str(port)]


def serve_ui(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> NoReturn:
    """Replace this process by `dagster dev`, with SIGINT and SIGTERM at their defaults.

    A non-interactive shell starts background jobs with SIGINT ignored; an ignored signal survives
    exec, Python then installs no KeyboardInterrupt handler, and `dagster dev` copies the SIGINT
    handler to SIGTERM, so neither signal would stop it (nor its webserver and daemon). Resetting
    both here makes Ctrl-C and SIGTERM raise KeyboardInterrupt in `dagster dev`, which shuts its
    children down before exiting.
    """
    command = dagster_dev_command(host, port)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
