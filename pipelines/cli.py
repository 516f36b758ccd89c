"""`urbanlake`: generate sample deliveries, run the lake job, open the UI — all offline, from the project."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from pipelines.ui import DEFAULT_HOST, DEFAULT_PORT, serve_ui

PROJECT = Path(__file__).resolve().parent.parent
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}  # Dagster's DEBUG events stay in the UI


def prepare_environment(demo: bool = False, needs_key: bool = True) -> None:
    """Defaults for the embedded deployment: data under ./data, Dagster's SQLite instance under ./.dagster_home.

    The pseudonym key comes from URBANLAKE_PSEUDONYM_KEY. Without it, the demo (`--demo`, `--generate`,
    URBANLAKE_DEMO=1, or a lake the demo made) uses the built-in public key and says so; anything
    else stops here with what to do.
    """
    from assets.common.pseudonyms import (DEMO_PSEUDONYM_KEY, DEMO_WARNING, KEY_VARIABLE, MISSING_KEY,
                                          recorded_key_kind)
    from warehouse.lake import Lake

    os.environ.setdefault("URBANLAKE_HOME", str(Path("data").resolve()))
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path(".dagster_home").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT / "dagster.yaml", home / "dagster.yaml")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    demo = demo or os.environ.get("URBANLAKE_DEMO") == "1" or recorded_key_kind(Lake.from_env()) == "demo"
    if not os.environ.get(KEY_VARIABLE):
        if demo:
            os.environ[KEY_VARIABLE] = DEMO_PSEUDONYM_KEY
        elif needs_key:
            raise SystemExit(f"urbanlake: {MISSING_KEY}")
    if os.environ.get(KEY_VARIABLE) == DEMO_PSEUDONYM_KEY:
        print(DEMO_WARNING, file=sys.stderr)


def _generate(args: argparse.Namespace) -> None:
    from sample_deliveries.generate import generate
    from warehouse.lake import Lake

    landing = Lake.from_env().landing
    files = generate(landing, seed=args.seed, scale=args.scale, start=args.start, days=args.days)
    print(f"generated {len(files)} delivery files into {landing}")


def _run(args: argparse.Namespace) -> int:
    import dagster as dg

    from pipelines.lake_run import materialize_lake
    from pipelines.summary import failed_checks, print_summary
    from warehouse.lake import Lake

    if args.generate:
        _generate(args)
    with dg.DagsterInstance.get() as instance:
        result = materialize_lake(instance, Lake.from_env(), run_config=QUIET)
    print_summary(Lake.from_env(), result)
    return 0 if result.success and not failed_checks(result) else 1


def _backfill(args: argparse.Namespace) -> int:
    import dagster as dg

    from pipelines.lake_run import backfill
    from pipelines.summary import failed_checks, print_summary
    from warehouse.lake import Lake

    with dg.DagsterInstance.get() as instance:
        try:
            result = backfill(instance, args.datasets, args.first, args.last, run_config=QUIET)
        except ValueError as err:
            print(f"urbanlake backfill: {err}", file=sys.stderr)
            return 2
    print_summary(Lake.from_env(), result)
    return 0 if result.success and not failed_checks(result) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="urbanlake", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("run", "run the lake job (optionally generating sample deliveries first)"),
                           ("generate", "write sample agency deliveries into the landing zone")):
        cmd = commands.add_parser(name, help=helptext)
        if name == "run":
            cmd.add_argument("--generate", action="store_true",
                             help="generate sample deliveries first (implies --demo unless a key is set)")
            cmd.add_argument("--demo", action="store_true",
                             help="without URBANLAKE_PSEUDONYM_KEY, use the built-in demo key (pseudonyms NOT protected)")
        cmd.add_argument("--seed", type=int, default=20250701)
        cmd.add_argument("--scale", type=float, default=0.02, help="1.0 is a Hanoi-scale day")
        cmd.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2025, 6, 24))
        cmd.add_argument("--days", type=int, default=14)
    cmd = commands.add_parser("backfill", help="re-run the partitions of delivery dates FROM..TO of datasets "
                                               "partitioned by day or month, then the tables computed from them")
    cmd.add_argument("datasets", nargs="+", metavar="DATASET")
    cmd.add_argument("--from", dest="first", type=dt.date.fromisoformat, required=True, help="first delivery date")
    cmd.add_argument("--to", dest="last", type=dt.date.fromisoformat, required=True, help="last delivery date")
    ui = commands.add_parser("ui", help="start the Dagster webserver and daemon on this project (dagster dev); "
                                         "Ctrl-C or SIGTERM stops both")
    ui.add_argument("--host", default=DEFAULT_HOST, help="address the webserver binds (default: loopback only)")
    ui.add_argument("--port", type=int, default=DEFAULT_PORT)
    ui.add_argument("--demo", action="store_true", help="without URBANLAKE_PSEUDONYM_KEY, use the built-in demo key")
    commands.add_parser("contracts", help="print every dataset's contract as Markdown (docs/contracts.md)")
    args = parser.parse_args(argv)
    prepare_environment(demo=getattr(args, "demo", False) or getattr(args, "generate", False),
                        needs_key=args.command in ("run", "backfill", "ui"))
    if args.command == "generate":
        _generate(args)
        return 0
    if args.command == "backfill":
        return _backfill(args)
    if args.command == "contracts":
        from pipelines.contracts_doc import render
        sys.stdout.write(render())
        return 0
    if args.command == "ui":
        serve_ui(args.host, args.port)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
