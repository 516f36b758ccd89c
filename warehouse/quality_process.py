"""Great Expectations started ahead in a helper process, so its start-up overlaps the run's other steps.

Importing GX and building its context takes about 5 s, and the suites run last, after every table is
published. `urbanlake run` therefore starts this module as a process when the run begins (`started`);
it builds the context and waits. The GX check (`validate`) hands it the tables and the run's name,
and it runs the same `validate_tables` on the lake as published then, returning the JSON-ready
results. Without a started process (a run from the UI or the daemon, or if the process fails), the
check validates in its own process as before.

Run as `python -m warehouse.quality_process LAKE_ROOT`: reads one request (JSON: tables, run_name,
out) from stdin and writes the results to `out`; exits without validating on end of input.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.lake import Lake

PROJECT = Path(__file__).resolve().parent.parent
_STARTED: dict[Lake, subprocess.Popen] = {}  # lake → its waiting GX process, until the check uses it
log = logging.getLogger(__name__)


@contextmanager
def started(lake: Lake, force: bool = False) -> Iterator[None]:
    """GX starts in a helper process for the duration of the block, unless this process has it already
    (or `force`)."""
    if lake in _STARTED or ("great_expectations" in sys.modules and not force):
        yield
        return
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))}
    try:
        _STARTED[lake] = subprocess.Popen([sys.executable, "-m", "warehouse.quality_process", str(lake.root)],
                                          stdin=subprocess.PIPE, env=env, text=True)
    except OSError as err:
        log.warning("could not start GX ahead (%s); the check will start it", err)
    try:
        yield
    finally:
        process = _STARTED.pop(lake, None)
        if process is not None:  # never asked (the check did not run); it holds no lock before a request
            process.stdin.close()
            process.kill()  # not terminate(): a process started with SIGTERM ignored inherits that, and never ends
            process.wait()


def validate(lake: Lake, tables: Iterable[tuple[str, str]], run_name: str) -> dict[tuple[str, str], dict]:
    """`validate_tables` in the started process if there is one, else here."""
    from warehouse.quality import validate_tables

    tables = list(tables)
    process = _STARTED.pop(lake, None)
    if process is not None:
        try:
            return _ask(process, tables, run_name)
        except (OSError, ValueError, KeyError, RuntimeError) as err:
            log.warning("the started GX process failed (%s); validating in this process", err)
    return validate_tables(lake, tables, run_name=run_name)


def _ask(process: subprocess.Popen, tables: list[tuple[str, str]], run_name: str) -> dict[tuple[str, str], dict]:
    with tempfile.TemporaryDirectory(prefix="urbanlake-gx-") as tmp:
        out = Path(tmp) / "results.json"
        process.stdin.write(json.dumps({"tables": tables, "run_name": run_name, "out": str(out)}) + "\n")
        process.stdin.close()
        if process.wait() != 0:
            raise RuntimeError(f"exit status {process.returncode}")
        return {(layer, name): result for layer, name, result in json.loads(out.read_text(encoding="utf-8"))}


def main(root: str) -> int:
    from warehouse.quality import _context, validate_tables

    lake = Lake(Path(root))
    try:
        context = _context(lake)
    except Exception:  # validate_tables tries again and reports the error per table
        context = None
    line = sys.stdin.readline()
    if not line:
        return 0
    request = json.loads(line)
    results = validate_tables(lake, [tuple(t) for t in request["tables"]], run_name=request["run_name"],
                              context=context)
    Path(request["out"]).write_text(json.dumps([[*key, r] for key, r in results.items()]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
