"""Run a pandera contract over one delivery and split it into valid rows and quarantine rows.

The pandera model is the contract; this module only runs it. Values arrive as text: they are trimmed,
put in Unicode NFC, typed by the model's dtypes (a value that cannot be typed is a quarantine row of
rule `type`), then validated with pandera's polars backend on a *collected* DataFrame with
`lazy=True`, so every failing row of every check is reported (on a LazyFrame pandera checks only
the schema). Uniqueness declared in the model keeps the first row of a key and quarantines the rest.
Values damaged by a spreadsheet or an encoding get their own rules (`coercion`); a file without a
required column has every row quarantined as `file_structure`; a row that repeats the header (two
exports joined) is one `repeated_header` row, judged by no other rule.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from assets.common import coercion, decimal_locale
from assets.common.characters import TRIMMED
from assets.common.file_structure import header_name, missing_columns_reason, repeated_header_rows
from assets.common.landing import ROW_NUMBER
from assets.common.value_types import expected_form, typed_columns
from schemas.rules import RULE_REASONS, describe, involved_columns

QUARANTINE_SCHEMA = {
    "delivery": pl.String, "source_file": pl.String, "row_number": pl.Int64, "column": pl.String,
    "rule": pl.String, "offending_value": pl.String, "reason": pl.String,
}
_POS = "_pos"


@dataclass
class Outcome:
    valid: pl.DataFrame       # typed rows that passed, contract columns plus `_row_number`
    quarantine: pl.DataFrame  # one row per (row, column, rule) that failed; QUARANTINE_SCHEMA
    rows_in: int


class StructureError(ValueError):
    """The file's header cannot be mapped onto the contract: every row is quarantined with this reason."""


def normalise_text(df: pl.DataFrame, rename: dict[str, str]) -> pl.DataFrame:
    """Trim (white space and invisible characters), NFC-normalise and null-out empty strings; map header names
    onto the contract's."""
    names = {c: header_name(c, rename) for c in df.columns if c != ROW_NUMBER}
    clashes = sorted({n for n in names.values() if list(names.values()).count(n) > 1})
    if clashes:
        raise StructureError("several delivered columns map to the same contract column: " + "; ".join(
            f"{n} ← {', '.join(repr(c) for c, m in names.items() if m == n)}" for n in clashes))
    df = df.rename(names)
    text = [c for c, t in df.schema.items() if t == pl.String]
    ascii_only = df.select((pl.col(c).str.len_bytes() == pl.col(c).str.len_chars()).all() for c in text).row(0) if text else ()
    return df.with_columns(  # NFC leaves ASCII as it is, and costs most of this step on a large frame
        (pl.col(c).str.strip_chars() if a else pl.col(c).str.strip_chars(TRIMMED).str.normalize("NFC")).replace("", None)
        for c, a in zip(text, ascii_only)
    ).with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))


def _failures(pos: pl.Expr, column: str | None, rule: str, reason: str) -> list[pl.Expr]:
    return [pos.alias(_POS), pl.lit(column, pl.String).alias("column"), pl.lit(rule).alias("rule"),
            pl.lit(reason).alias("reason")]


def _unique_keys(schema: pa.DataFrameSchema) -> list[list[str]]:
    keys = [[name] for name, col in schema.columns.items() if col.unique]
    if schema.unique:
        keys.append(list(schema.unique))
    return keys


def sharing_a_hash(hashes: pl.DataFrame) -> pl.DataFrame:
    """The rows of `hashes` whose `_h` another row has. Sorted, a repeated hash sits next to its twin:
    sorting the hashes alone, then picking their (few) rows, is about 2× faster than hashing the hashes
    (`is_duplicated`) or sorting the rows."""
    ordered = hashes["_h"].sort()
    repeated = ordered.filter(ordered == ordered.shift(1))
    return hashes.filter(pl.col("_h").is_in(repeated.implode()))


@functools.cache
def _without_uniqueness(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The contract minus its uniqueness, which `_duplicates` judges: it must also cite the first row,
    which pandera does not, and a second pass over every key would double the cost of a large batch."""
    schema = model.to_schema()
    schema = schema.update_columns({n: {"unique": False} for n, c in schema.columns.items() if c.unique})
    schema.unique = None  # update_columns returned a copy: the model's own schema keeps its keys
    return schema


def _typed_keys(earlier: pl.DataFrame, schema: pa.DataFrameSchema, keys: list[list[str]],
                personal: tuple[str, ...]) -> pl.DataFrame:
    """`_row_number` and the key columns of earlier rows, damage-tested and typed as `validate` does its own
    (each of those steps reads only its own column, so the key columns alone give the same values)."""
    columns = list(dict.fromkeys(c for key in keys for c in key))
    key_schema = schema.select_columns(columns)
    text = earlier.with_columns(pl.lit(None, pl.String).alias(c) for c in columns if c not in earlier.columns)
    text = text.select(ROW_NUMBER, *columns)
    damaged = coercion.damage(text, key_schema, personal, position=_POS)
    return typed_columns(coercion.without(text, damaged, position=_POS), key_schema)


def _duplicates(typed: pl.DataFrame, keys: list[list[str]], key_repeats: pl.Series | None,
                earlier: pl.DataFrame | None = None) -> list[pl.DataFrame]:
    found = []
    for key in keys:
        rule = "field_uniqueness" if len(key) == 1 else "multiple_fields_uniqueness"
        whole = typed.select(pl.int_range(pl.len(), dtype=pl.Int64).alias(_POS), ROW_NUMBER, *key).filter(
            pl.all_horizontal(pl.col(key).is_not_null()))
        if key_repeats is None:  # a 64-bit hash narrows the rows to those whose hash repeats
            hashes = whole.select(_POS, pl.struct(key).hash().alias("_h"))
            candidates = pl.col(_POS).is_in(sharing_a_hash(hashes)[_POS].implode())
        else:  # the delivery's hash pass has narrowed them already
            candidates = pl.col(ROW_NUMBER).is_in(key_repeats.implode())
        indexed = whole.filter(candidates)
        if earlier is not None:  # earlier rows come first, without a position here: they were judged in their batch
            indexed = pl.concat([earlier.select(pl.lit(None, pl.Int64).alias(_POS), ROW_NUMBER, *key).filter(
                pl.all_horizontal(pl.col(key).is_not_null())), indexed])
        # their real values decide, in delivery order (a filter keeps the order)
        indexed = indexed.with_columns(pl.struct(key).is_first_distinct().alias("_is_first"))
        dup = indexed.filter(~pl.col("_is_first") & pl.col(_POS).is_not_null())  # few rows: they look up their first
        firsts = indexed.filter(pl.col("_is_first")).join(dup.select(key).unique(), on=key, how="semi")
        dup = dup.join(firsts.select(*key, pl.col(ROW_NUMBER).alias("_first")), on=key, how="left",
                       maintain_order="left")
        found.append(dup.select(
            pl.col(_POS).cast(pl.Int64), pl.lit(",".join(key)).alias("column"), pl.lit(rule).alias("rule"),
            pl.format("duplicate key: same {} as row {} of this delivery",
                      pl.lit(", ".join(key)), pl.col("_first")).alias("reason")))
    return found


def validate(text: pl.DataFrame, model: type[pa.DataFrameModel], *, delivery_id: str, source_file: str,
             delivery_date: dt.date, event_date: str | None, personal: tuple[str, ...] = (),
             key_repeats: pl.Series | None = None, earlier: pl.DataFrame | None = None,
             header: dict[str, str] | None = None, rename: dict[str, str] | None = None,
             decimal_commas: decimal_locale.DecimalCommas | None = None) -> Outcome:
    """Validate one delivery (a frame of normalised text plus `_row_number`) against its contract.

    `key_repeats`: if known, the row numbers of the only rows whose key can repeat (a superset of the
    duplicates and the rows they repeat, as `batches.repeated_keys` finds them). `earlier`: normalised
    text of earlier rows of the delivery (an earlier batch's) whose key a row here may repeat: only
    their keys are read, so that such a repeat is quarantined citing its first row. `header`: each column's
    name as the file's header wrote it (trimmed, NFC), to recognise a row that repeats the header; `rename`:
    the dataset's header names, to say where the header or the records are when the columns do not fit;
    `decimal_commas`: as `coercion.damage` takes them, judged over the whole delivery (None: over `text`)."""
    schema = model.to_schema()
    problems: list[pl.DataFrame] = []
    all_rows = pl.int_range(0, pl.len(), dtype=pl.Int64)
    text = text.rechunk()  # polars 2.1 panics filtering string columns of a frame of several chunks

    if structure := missing_columns_reason(text, schema, rename or {}):
        problems.append(text.select(_failures(all_rows, None, "file_structure", structure)))
    if len(headers := repeated_header_rows(text, header or {})):
        problems.append(pl.DataFrame({_POS: headers}).select(
            _failures(pl.col(_POS), None, "repeated_header", RULE_REASONS["repeated_header"])))
    text = text.with_columns(pl.lit(None, pl.String).alias(n) for n in schema.columns if n not in text.columns)
    damaged = coercion.damage(text, schema, personal, position=_POS, decimal_commas=decimal_commas)
    problems.extend(damaged)
    delivered, text = text, coercion.without(text, damaged, position=_POS)  # damaged values judged like untyped ones
    typed = typed_columns(text, schema)
    for name, col in schema.columns.items():
        bad = (text[name].is_not_null() & typed[name].is_null()).arg_true().cast(pl.Int64)
        if len(bad):
            problems.append(pl.DataFrame({_POS: bad}).with_columns(
                _failures(pl.col(_POS), name, "type",
                          f"{name}: {RULE_REASONS['type']} {col.dtype}: {expected_form(col.dtype.type)}")))
    typed = typed.with_columns(
        pl.lit(delivery_date).alias("_delivery_date"),
        (pl.col(event_date).cast(pl.Date) if event_date else pl.lit(delivery_date)).alias("_event_date"),
    )

    try:
        _without_uniqueness(model).validate(typed, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        if cases["index"].null_count():
            raise ValueError(f"{model.__name__}: schema-level failure, not row-level: "
                             f"{cases.filter(pl.col('index').is_null()).rows()}") from err
        described = {c: describe(c) for c in cases["check"].unique()}  # a few labels, many cases
        on_frame = pl.col("schema_context") == "DataFrameSchema"
        reason = pl.col("check").replace_strict({c: r for c, (_, r) in described.items()}, return_dtype=pl.String)
        problems.append(cases.select(
            pl.col("index").cast(pl.Int64).alias(_POS),
            pl.when(on_frame).then(None).otherwise(pl.col("column")).cast(pl.String).alias("column"),
            pl.col("check").replace_strict({c: r for c, (r, _) in described.items()}, return_dtype=pl.String).alias("rule"),
            pl.when(on_frame).then(reason).otherwise(pl.format("{}: {}", pl.col("column"), reason)).alias("reason")))
    keys = _unique_keys(schema)
    earlier_keys = _typed_keys(earlier, schema, keys, personal) if earlier is not None and keys else None
    problems.extend(_duplicates(typed, keys, key_repeats, earlier_keys))

    failures = _first_cause_per_cell(problems)
    quarantine = _offending_values(failures, delivered, typed, model, personal).with_columns(
        pl.lit(delivery_id).alias("delivery"), pl.lit(source_file).alias("source_file"))
    bad_rows = failures[_POS].unique()
    valid = (typed.with_row_index(_POS).filter(~pl.col(_POS).cast(pl.Int64).is_in(bad_rows.implode()))
             .select(*schema.columns, ROW_NUMBER))
    return Outcome(valid=valid, quarantine=quarantine.select(QUARANTINE_SCHEMA.keys()), rows_in=text.height)


_TIERS = (coercion.DAMAGE_RULES, ("type",))  # the first cause of a cell, most specific first


def _first_cause_per_cell(problems: list[pl.DataFrame]) -> pl.DataFrame:
    """A value that is damaged, missing or untyped is reported once, not again by every check it then fails."""
    empty = pl.DataFrame(schema={_POS: pl.Int64, "column": pl.String, "rule": pl.String, "reason": pl.String})
    frame = pl.concat([empty, *problems], how="vertical_relaxed")
    if frame.filter(pl.col("rule") == "file_structure").height:  # the file's columns are wrong: nothing else
        frame = frame.filter(pl.col("rule") == "file_structure")
    headers = frame.filter(pl.col("rule") == "repeated_header")  # no record: its values are judged by no rule
    if headers.height:
        frame = pl.concat([headers, frame.join(headers.select(_POS), on=_POS, how="anti")])
    kept = []
    for rules in _TIERS:  # within a tier, the rule listed first (a control character before an invisible one)
        rank = pl.col("rule").replace_strict({r: i for i, r in enumerate(rules)}, return_dtype=pl.Int32)
        tier = (frame.filter(pl.col("rule").is_in(rules)).sort(rank, maintain_order=True)
                .unique([_POS, "column"], keep="first", maintain_order=True))
        kept.append(tier)
        frame = frame.filter(~pl.col("rule").is_in(rules)).join(tier.select(_POS, "column"), on=[_POS, "column"],
                                                                 how="anti", nulls_equal=False)
    return pl.concat([*kept, frame]).unique(
        [_POS, "column", "rule"], keep="first", maintain_order=True).sort(_POS, "column", nulls_last=True)


def _redact(value: pl.Expr) -> pl.Expr:
    return pl.when(value.is_null()).then(None).otherwise(
        pl.format("<personal data: {} characters>", value.str.len_chars()))


def _shorten(value: pl.Expr, limit: int = 200) -> pl.Expr:
    """A giant delivered value is shown by its start and its length, not copied whole into quarantine."""
    return pl.when(value.str.len_chars() > limit).then(
        pl.format("{}… ({} characters)", value.str.slice(0, limit), value.str.len_chars())).otherwise(value)


def _offending_values(failures: pl.DataFrame, text: pl.DataFrame, typed: pl.DataFrame,
                      model: type[pa.DataFrameModel], personal: tuple[str, ...]) -> pl.DataFrame:
    """The delivered value behind each failure (personal values redacted; row rules show their columns)."""
    involves = involved_columns(model)
    rows = failures[_POS].unique().sort()  # only failing rows are shown: a large delivery has few
    shown = text.select(pl.all().gather(rows)).with_columns(
        typed.select(pl.col("_delivery_date", "_event_date").gather(rows)).cast(pl.String)).with_columns(
        _redact(pl.col(c)).alias(c) for c in personal if c in text.columns)
    pieces = []
    for (column, rule), group in failures.group_by(["column", "rule"], maintain_order=True):
        if column is not None and "," not in column:
            cols = [column]
        else:
            cols = column.split(",") if column else list(involves.get(rule, ()))
        at = rows.search_sorted(group[_POS])  # each failure's row among the rows shown
        if not cols:  # a rule about the whole file (file_structure) has no value to show
            value = pl.Series([None] * group.height, dtype=pl.String)
        elif len(cols) == 1:
            value = shown[cols[0]].gather(at)
        else:
            value = shown.select(pl.concat_str([pl.format(f"{c}={{}}", pl.col(c).fill_null("∅")) for c in cols],
                                               separator="; ")).to_series().gather(at)
        pieces.append(group.with_columns(value.alias("offending_value")))
    base = pl.DataFrame(schema={**failures.schema, "offending_value": pl.String})
    result = pl.concat([base, *pieces], how="vertical_relaxed")
    readable = coercion.made_visible(result["offending_value"])
    return result.with_columns(text[ROW_NUMBER].gather(result[_POS]).alias("row_number"),
                               _shorten(pl.lit(readable)).alias("offending_value"))
