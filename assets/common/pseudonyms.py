"""Keyed pseudonyms for personal identifiers (Decree 13/2023): HMAC-SHA256 with a secret key.

The same person gets the same pseudonym in every dataset and every run (so agencies can join on it),
and nobody without the key can recompute or reverse it — a plain hash of a 12-digit ID could be
reversed by hashing all 10^12 IDs. The key comes from the environment (`URBANLAKE_PSEUDONYM_KEY`,
read through Dagster's `EnvVar`); rotating it re-keys every pseudonym published afterwards.

The demo runs on sample data with a built-in key that is public (it is in this file), so its
pseudonyms protect nothing; the lake records which kind of key made its pseudonyms (`demo` or
`production`, never the key or anything derived from it) and refuses to mix the two.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import polars as pl

from warehouse.lake import Lake

PSEUDONYM_CHARS = 20  # 80 bits: collisions are negligible at city scale (tens of millions of people)
KEY_VARIABLE = "URBANLAKE_PSEUDONYM_KEY"
DEMO_PSEUDONYM_KEY = "urbanlake-demo-key-not-secret"  # the demo's built-in key: public, protects nothing
DEMO_WARNING = "demo key in use: pseudonyms are NOT protected (built-in public key, sample data only)"
MISSING_KEY = (f"{KEY_VARIABLE} is not set. It is the secret behind the pseudonyms of personal IDs: set it "
               "from your secret store (at least 16 characters). To try urbanlake on sample data, use the "
               "demo instead: `make run`, `urbanlake run --demo` or URBANLAKE_DEMO=1 (a built-in public key; "
               "its pseudonyms are NOT protected).")


class KeyMismatch(Exception):
    """The lake's pseudonyms were made with the other kind of key (demo vs production)."""


def key_kind(key: str) -> str:
    return "demo" if key == DEMO_PSEUDONYM_KEY else "production"


def recorded_key_kind(lake: Lake) -> str | None:
    """`demo` or `production`: the kind of key behind the pseudonyms already in this lake, if any."""
    path = lake.pseudonym_record
    return json.loads(path.read_text(encoding="utf-8"))["key"] if path.exists() else None


def record_key_kind(lake: Lake, kind: str) -> None:
    """Note the kind of key in the lake, or refuse if its pseudonyms were made with the other kind."""
    recorded = recorded_key_kind(lake)
    if recorded == kind:
        return
    if recorded is not None:
        raise KeyMismatch(
            f"the pseudonyms in {lake.lake} were made with a {recorded} key and this run has a {kind} key; "
            "their pseudonyms would not match. Use a new URBANLAKE_HOME for "
            f"{'real deliveries' if kind == 'production' else 'the demo'}.")
    from warehouse.tables import write_json_atomic
    write_json_atomic({"key": kind, "note": DEMO_WARNING if kind == "demo" else
                       "pseudonyms made with a secret key from the environment"}, lake.pseudonym_record)


class Pseudonymiser:
    def __init__(self, key: str):
        if len(key) < 16:
            raise ValueError(f"the pseudonym key must have at least 16 characters; set {KEY_VARIABLE}")
        self._key = key.encode("utf-8")
        self.kind = key_kind(key)

    def __repr__(self) -> str:  # never the key
        return f"Pseudonymiser(kind={self.kind!r})"

    def pseudonym(self, value: str) -> str:
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]

    def expr(self, column: str | pl.Expr) -> pl.Expr:
        """A polars expression replacing each value by its pseudonym (computed once per distinct value)."""
        source = pl.col(column) if isinstance(column, str) else column

        def apply(series: pl.Series) -> pl.Series:
            mapping = {v: self.pseudonym(v) for v in series.drop_nulls().unique().to_list()}
            return series.replace_strict(mapping, default=None, return_dtype=pl.String)

        return source.map_batches(apply, return_dtype=pl.String)
