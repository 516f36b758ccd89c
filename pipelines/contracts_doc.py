"""Render every dataset's contract as Markdown (docs/contracts.md), straight from the pandera models."""

from __future__ import annotations

from assets.common import coercion
from assets.common.dataset import DatasetSpec
from assets.registry import DATASETS
from schemas.rules import GENERAL_RULES, RULE_REASONS, involved_columns

HEADER = """# Dataset contracts

Generated from the pandera models in `schemas/` by `urbanlake contracts`; a test keeps this file
current. Agencies deliver to `landing/<agency>/<dataset>/<YYYY-MM-DD>/<file>` (CSV with a header
row, UTF-8 or Windows-1258; JSON array or NDJSON, in UTF-8; or .xlsx). Dates are `YYYY-MM-DD` or
`dd/mm/yyyy` with a four-digit year, timestamps `YYYY-MM-DDTHH:MM:SS` in Hanoi time (an explicit
`+07:00` offset is honoured), decimals have a decimal point. Codes are text: keep leading zeros.
Every failing row goes to `quarantine.<dataset>` with its rule and reason.
"""


def _checks(col) -> str:
    """The column's checks as its quarantine rules name them; a pattern's `|` escaped, or it would split the cell."""
    return "; ".join(c.error or c.name for c in col.checks).replace("|", "\\|")


def render_dataset(spec: DatasetSpec) -> str:
    schema = spec.model.to_schema()
    lines = [f"## {spec.name}", "", spec.description, "",
             f"- delivered to: `landing/{spec.agency}/{spec.name}/<YYYY-MM-DD>/`",
             f"- contract: `{spec.model.__module__}.{spec.model.__name__}`; shared as "
             f"`staging.{spec.name}` (`{spec.shared_model.__name__}`)"]
    if spec.rename:
        lines.append("- delivered names: " + ", ".join(f"`{k}` → `{v}`" for k, v in spec.rename.items()))
    keys = [n for n, c in schema.columns.items() if c.unique] + ([", ".join(schema.unique)] if schema.unique else [])
    if keys:
        lines.append("- unique within a delivery: " + "; ".join(f"`{k}`" for k in keys))
    if spec.natural_key:
        lines.append(f"- unique across deliveries (shared key): `{', '.join(spec.natural_key)}`")
    if spec.snapshot:
        lines.append("- each delivery is a full snapshot and replaces the previous one")
    if spec.personal:
        lines.append("- personal data (restricted zone only, redacted in quarantine): "
                     + ", ".join(f"`{c}`" for c in spec.personal))
    lines += ["", "| column | type | required | checks |", "|---|---|---|---|"]
    lines += [f"| `{n}` | {c.dtype} | {'no' if c.nullable else 'yes'} | {_checks(c)} |"
              for n, c in schema.columns.items()]
    rules = [(name, cols) for name, cols in involved_columns(spec.model).items() if cols]
    if rules:
        lines += ["", "Row rules:", ""]
        lines += [f"- `{name}` ({', '.join(c for c in cols if not c.startswith('_'))}): {RULE_REASONS[name]}"
                  for name, cols in rules]
    shared = spec.shared_model.to_schema()
    lines += ["", f"Shared columns of `staging.{spec.name}`:", "", "| column | type | description |", "|---|---|---|"]
    lines += [f"| `{n}` | {c.dtype} | {c.description or ''} |" for n, c in shared.columns.items()]
    return "\n".join(lines) + "\n"


def render_general_rules() -> str:
    """The rules a quarantine row of any dataset can carry, besides the checks and row rules listed per dataset."""
    lines = ["## Rules of every dataset", "",
             "Besides each dataset's checks and row rules below, a quarantine row can carry one of these",
             "rules (its reason says more: the value, the form expected, the row it repeats):", ""]
    lines += [f"- `{name}`: {RULE_REASONS[name]}" for name in GENERAL_RULES]
    lines += [f"- `{name}`: {reason}" for name, reason in coercion.RULE_REASONS.items()]
    return "\n".join(lines) + "\n"


def render() -> str:
    return HEADER + "\n" + render_general_rules() + "\n" + "\n".join(render_dataset(s) for s in DATASETS)
