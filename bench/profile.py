"""Profile one urbanlake run with pyinstrument: the full text profile, the time of its main phases, and
what one slice of the delivery costs a worker."""

from __future__ import annotations

import json
import time
from itertools import islice
from pathlib import Path

from pyinstrument import Profiler

from bench.report import PHASE_NAMES, SLICE_PHASE_NAMES

# Functions of the asset code path whose inclusive time says what dominates a run (named in report.py).
# pyinstrument samples the main thread only: work done in the batch worker threads shows as the time
# `in_order` waits for them, and `slice_costs` splits it by step.
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


# Where a worker's time on one slice goes: (function, end of its file's path), which do not nest.
SLICE_PHASES = {
    "hash_pass": ("repeated_keys", "assets/common/batches.py"),
    "read": ("raw_batches", "assets/common/batches.py"),
    "normalise_text": ("normalise_text", "assets/common/validation.py"),
    "damage": ("damage", "assets/common/coercion.py"),
    "without": ("without", "assets/common/coercion.py"),
    "typed_columns": ("typed_columns", "assets/common/value_types.py"),
    "pandera": ("validate", "pandera/api/polars/container.py"),
    "duplicates": ("_duplicates", "assets/common/validation.py"),
    "first_cause": ("_first_cause_per_cell", "assets/common/validation.py"),
    "offending_values": ("_offending_values", "assets/common/validation.py"),
    "publish": ("publish_boardings", "assets/transport/__init__.py"),
}
assert set(SLICE_PHASES) == set(SLICE_PHASE_NAMES)


def _slice_phase_times(frame, found: dict[str, float]) -> None:
    for name, (function, path) in SLICE_PHASES.items():
        if frame.function == function and (frame.file_path or "").replace("\\", "/").endswith(path):
            found[name] = found.get(name, 0.0) + frame.time
            return
    for child in frame.children:
        _slice_phase_times(child, found)


def slice_costs(home: Path, slices: int = 2) -> dict:
    """After a materialization of fare-card taps at `home`: its delivery's hash pass, then its first `slices`
    slices staged one after another in this one thread, as a worker stages each; pyinstrument over it all."""
    from assets.common import batches, staging
    from assets.common.ingest import tables
    from assets.common.pseudonyms import Pseudonymiser
    from assets.transport import FARE_CARD_TAPS as spec
    from bench.paths import BENCH_KEY
    from warehouse.lake import Lake

    raw, _, _ = tables(spec, Lake(home.resolve()))
    delivery_id, entry = next(iter(raw.deliveries().items()))
    files = [raw.dir / f for f in entry["files"]]
    pseudonymiser, profiler = Pseudonymiser(BENCH_KEY), Profiler(interval=0.002)
    wall, cpu = time.perf_counter(), time.process_time()
    staged = 0  # fewer than `slices` if the delivery is smaller
    profiler.start()
    for batch in islice(batches.delivery_batches(spec, files, raw.dir, workers=1), slices):  # the hash pass too
        staging._shared_and_quarantined(spec, batch.text, None, delivery_id, entry, pseudonymiser, batch.earlier,
                                        batch.key_repeats)
        staged += 1
    profiler.stop()
    phases: dict[str, float] = {}
    _slice_phase_times(profiler.last_session.root_frame(), phases)
    return {"rows": batches.row_count(files), "batch_rows": batches.BATCH_ROWS, "slices": staged,
            "wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu, "phases_s": phases}
