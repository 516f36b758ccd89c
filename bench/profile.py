"""Profile one urbanlake run with pyinstrument: the full text profile, and the time of its main phases."""

from __future__ import annotations

import json
from pathlib import Path

from pyinstrument import Profiler

from bench.report import PHASE_NAMES

# Functions of the asset code path whose inclusive time says what dominates a run (named in report.py).
# pyinstrument samples the main thread only: work done in the batch worker threads shows as the time
# `in_order` waits for them.
PHASES = list(PHASE_NAMES)


def _phase_times(frame, found: dict[str, float], inside: frozenset = frozenset()) -> None:
    name = frame.function
    if name in PHASES and name not in inside:  # outermost call only, so recursion is not counted twice
        found[name] = found.get(name, 0.0) + frame.time
        inside = inside | {name}
    for child in frame.children:
        _phase_times(child, found, inside)


def profiled(fn, out: Path):
    """Run `fn` under pyinstrument; write `out` (text) and `out` + .json (seconds per phase)."""
    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        return fn()
    finally:
        profiler.stop()
        out.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
        phases: dict[str, float] = {}
        root = profiler.last_session.root_frame()
        if root is not None:
            _phase_times(root, phases)
        Path(str(out) + ".json").write_text(json.dumps({"total_s": root.time if root else 0.0,
                                                         "phases_s": phases}, indent=1), encoding="utf-8")
