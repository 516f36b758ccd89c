"""Keyed pseudonyms for personal identifiers (Decree 13/2023): HMAC-SHA256 with a secret key.

The same person gets the same pseudonym in every dataset and every run (so agencies can join on it),
and nobody without the key can recompute or reverse it. The key comes from the environment
(`URBANLAKE_PSEUDONYM_KEY`); rotating it re-keys every pseudonym published afterwards.
"""

from __future__ import annotations

import hashlib
import hmac

import polars as pl

PSEUDONYM_CHARS = 20  # 80 bits: collisions are negligible at city scale (tens of millions of people)


class Pseudonymiser:
    def __init__(self, key: str):
        if len(key) < 16:
            raise ValueError("the pseudonym key must have at least 16 characters; set URBANLAKE_PSEUDONYM_KEY")
        self._key = key.encode("utf-8")

    def pseudonym(self, value: str) -> str:
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]

    def expr(self, column: str | pl.Expr) -> pl.Expr:
        """A polars expression replacing each value by its pseudonym (computed once per distinct value)."""
        source = pl.col(column) if isinstance(column, str) else column

        def apply(series: pl.Series) -> pl.Series:
            mapping = {v: self.pseudonym(v) for v in series.drop_nulls().unique().to_list()}
            return series.replace_strict(mapping, default=None, return_dtype=pl.String)

        return source.map_batches(apply, return_dtype=pl.String)
