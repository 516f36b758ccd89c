"""Quoting for SQL built from names the lake did not write itself: table names from manifests, paths, columns.

DuckDB cannot take identifiers, or the file list of a view, as parameters, so these are spliced into
the SQL text; doubling the quote character is the whole escape in both cases.
"""

from __future__ import annotations


def identifier(name: str) -> str:
    """`name` as a quoted SQL identifier: `we"ird` → `"we""ird"`."""
    return '"' + str(name).replace('"', '""') + '"'


def quoted_table(schema: str, name: str) -> str:
    return f"{identifier(schema)}.{identifier(name)}"


def literal(text: str) -> str:
    """`text` as an SQL string literal: `it's` → `'it''s'`."""
    return "'" + str(text).replace("'", "''") + "'"


def literal_list(texts: list[str]) -> str:
    return "[" + ", ".join(literal(t) for t in texts) + "]"
