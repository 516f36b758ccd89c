"""The targets of issue #5, judged on one benchmark run: met or missed, and by how much."""

from __future__ import annotations

GB = 10**9
TIME_VS_FLOOR = 3.0       # urbanlake within 3× the floor at 10M rows
MEMORY_AT_10M = 2 * GB    # peak under 2 GB at 10M rows
FLATNESS = 1.25           # 30M peak at most 1.25× the 10M peak
VS_NAIVE = 5.0            # at least 5× faster than the naive way at 10M rows
TINY_RUN_S = 60.0         # the tiny full materialization under a minute


def _at(results: dict, requested: int) -> dict | None:
    return next((s for s in results["scales"] if s["requested"] == requested), None)


def floor_of(paths: dict) -> dict:
    """The floor's figures: the faster of its polars and DuckDB conversions."""
    return min((paths[p] for p in ("floor_polars", "floor_duckdb")), key=lambda r: r["wall_s"])


def _verdict(ok: bool, miss: str) -> str:
    return "**met**" if ok else f"**missed** {miss}"


def per_round(numerator: dict, denominator: dict) -> list[float]:
    """The ratio in each round: the paths ran interleaved, so a round's figures shared the machine's state."""
    a, b = numerator.get("walls_s", []), denominator.get("walls_s", [])
    return [x / y for x, y in zip(a, b)] if len(a) == len(b) else []


def _judged(ok: bool, rounds_ok: list[bool], miss: str) -> str:
    """The verdict on the medians, and whether every round agrees: one that does not is not a settled result."""
    met, n = sum(rounds_ok), len(rounds_ok)
    if n < 2 or met == (n if ok else 0):
        return _verdict(ok, miss)
    if ok:
        return f"**not settled**: met on the medians, in {met} of {n} rounds"
    return f"**missed** {miss}; met in {met} of {n} rounds"


def _rounds_text(ratios: list[float]) -> str:
    return f"; per round: {', '.join(f'{r:.2f}×' for r in ratios)}" if len(ratios) > 1 else ""


def _in_process(ul: dict, baseline_s: float, faster: bool = False) -> str:
    """The materialization alone (imports excluded), shown beside the verdict, which is on the whole process."""
    if "materialize_s" not in ul:
        return ""
    ratio = baseline_s / ul["materialize_s"] if faster else ul["materialize_s"] / baseline_s
    return f" (the materialization alone, imports excluded: {ul['materialize_s']:.1f} s, {ratio:.2f}×)"


def judge(results: dict) -> list[dict]:
    """Each target met or missed; time targets are judged on the whole process, start-up included."""
    rows = []
    ten, thirty = _at(results, 10_000_000), _at(results, 30_000_000)
    if ten:
        p = ten["paths"]
        ul = p["urbanlake"]
        floor = floor_of(p)["wall_s"]
        ratio = ul["wall_s"] / floor
        rounds = per_round(ul, floor_of(p))
        rows.append({"target": "urbanlake ≤ 3× the floor's time at 10M rows",
                     "measured": f"{ul['wall_s']:.1f} s vs floor {floor:.1f} s: {ratio:.2f}×{_rounds_text(rounds)}"
                                 f"{_in_process(ul, floor)}",
                     "verdict": _judged(ratio <= TIME_VS_FLOOR, [r <= TIME_VS_FLOOR for r in rounds],
                                        f"by {ratio / TIME_VS_FLOOR - 1:.0%} "
                                        f"({ul['wall_s'] - TIME_VS_FLOOR * floor:.1f} s over)")})
        peak = ul["peak_rss_bytes"]
        rows.append({"target": "peak memory < 2 GB at 10M rows", "measured": f"{peak / GB:.2f} GB",
                     "verdict": _verdict(peak < MEMORY_AT_10M, f"by {peak / MEMORY_AT_10M - 1:.0%}")})
        if "naive" in p:
            speedup = p["naive"]["wall_s"] / ul["wall_s"]
            rounds = per_round(p["naive"], ul)
            rows.append({"target": "≥ 5× faster than the naive way at 10M rows",
                         "measured": f"naive {p['naive']['wall_s']:.1f} s, {p['naive']['peak_rss_bytes'] / GB:.2f} GB "
                                     f"vs {ul['wall_s']:.1f} s: {speedup:.2f}×{_rounds_text(rounds)}"
                                     + _in_process(ul, p["naive"]["wall_s"], faster=True),
                         "verdict": _judged(speedup >= VS_NAIVE, [r >= VS_NAIVE for r in rounds],
                                            f"({speedup:.2f}× instead of 5×)")})
    else:
        rows.append({"target": "the 10M-row targets", "measured": "10M rows not in this run", "verdict": "not measured"})
    if ten and thirty:
        flat = thirty["paths"]["urbanlake"]["peak_rss_bytes"] / ten["paths"]["urbanlake"]["peak_rss_bytes"]
        rows.append({"target": "flat memory: peak at 30M ≤ 1.25× peak at 10M",
                     "measured": f"{thirty['paths']['urbanlake']['peak_rss_bytes'] / GB:.2f} GB: {flat:.2f}×",
                     "verdict": _verdict(flat <= FLATNESS, f"({flat:.2f}×)")})
    tiny = results.get("tiny_run")
    if tiny:
        rows.append({"target": "tiny-scale full materialization < 60 s", "measured": f"{tiny['wall_s']:.1f} s",
                     "verdict": _verdict(tiny["wall_s"] < TINY_RUN_S, f"by {tiny['wall_s'] - TINY_RUN_S:.1f} s")})
    return rows


def floor_budget(results: dict) -> str | None:
    """The 3× target as a time budget at 10M rows: what start-up and landing leave for staging."""
    ten = _at(results, 10_000_000)
    if not ten or "profile" not in ten or "materialize_s" not in ten["paths"]["urbanlake"]:
        return None
    ul, phases = ten["paths"]["urbanlake"], ten["profile"]["phases_s"]
    floor = floor_of(ten["paths"])["wall_s"]
    budget, startup = TIME_VS_FLOOR * floor, ul["wall_s"] - ul["materialize_s"]
    landing, staging = phases.get("ingest_raw", 0.0), phases.get("stage", 0.0)
    return (f"The 3× target as a budget, at {ten['rows']:,} rows: 3 × the floor is {budget:.1f} s. Start-up took "
            f"{startup:.1f} s (urbanlake's wall less its materialization) and landing {landing:.1f} s in the "
            f"profiled run (the floor's own conversion plus the SHA-256s), which leaves {budget - startup - landing:.1f} s "
            f"for staging every row; the profiled run's staging took {staging:.1f} s. Start-up and landing alone are "
            f"{(startup + landing) / floor:.1f}× the floor.")
