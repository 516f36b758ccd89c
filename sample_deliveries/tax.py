"""Tax department: the business register (full snapshot on the first day, then new registrations) and
the State Treasury's daily tax payments, which reference taxpayers of that register."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_deliveries import defects as d
from sample_deliveries import geo, names
from sample_deliveries.common import (OFFICE_WEEK, Run, Table, date_series, day_spread, days_since_epoch,
                                      old_era, to_strings, weighted_choice)
from sample_deliveries.identifiers import personal_ids, provinces, tax_codes
from sample_deliveries.tax_catalog import (BRANDS, HOUSEHOLD_VSIC, KINDS, SECTORS, TAX_TYPES, licence_fee,
                                           payment_amounts)

REFORM_DAYS = days_since_epoch(dt.date(2025, 7, 1))


def _businesses(run: Run, rng: np.random.Generator, reg: np.ndarray, block: int) -> pl.DataFrame:
    """Typed rows of new businesses registered on `reg` (days since epoch); `block` keeps codes disjoint."""
    n = len(reg)
    kind = weighted_choice(rng, list(KINDS), list(KINDS.values()), n)
    sector = rng.choice(len(SECTORS), size=n, p=np.array([s[2] for s in SECTORS]) / sum(s[2] for s in SECTORS))
    vsic = np.array([SECTORS[i][0] for i in sector], dtype=object)
    phrase = np.array([SECTORS[i][1] for i in sector], dtype=object)
    brand = np.asarray(BRANDS, dtype=object)[rng.integers(0, len(BRANDS), n)]
    mtv = np.where(rng.random(n) < 0.3, "MTV ", "").astype(object)
    female = rng.random(n) < 0.5
    owner = names.full_names(rng, female)
    name = np.where(kind == "tnhh", "Công ty TNHH " + mtv + phrase + " " + brand,
                    np.where(kind == "cp", "Công ty Cổ phần " + phrase + " " + brand, "Hộ kinh doanh " + owner))
    household = kind == "household"
    vsic = np.where(household, np.asarray(HOUSEHOLD_VSIC, dtype=object)[rng.integers(0, len(HOUSEHOLD_VSIC), n)], vsic)
    company_codes, _ = tax_codes("01", block, int((~household).sum()), salt=run.seed % 10**7)
    person_codes, _ = tax_codes("80", block, int(household.sum()), salt=(run.seed * 7 + 3) % 10**7)
    owner_ids = personal_ids(rng, 2025 - rng.integers(22, 65, n), female, provinces(rng, n, 0.5))
    codes = np.empty(n, dtype=object)
    codes[~household] = company_codes
    codes[household] = person_codes
    codes = np.where(household & (reg >= REFORM_DAYS), owner_ids, codes)  # Circular 86/2024
    age = (reg.max() - reg) / 7300  # 1.0 = twenty years old; new registrations are active
    status = np.where(rng.random(n) < 0.32 * age, "closed",
                      np.where(rng.random(n) < 0.06 * np.minimum(1, 10 * age), "suspended", "active"))
    era = old_era(reg)
    district, ward = geo.keys(geo.pick(rng, n), era)
    return pl.DataFrame([
        pl.Series("tax_code", codes.tolist(), dtype=pl.String), pl.Series("business_name", name.tolist()),
        pl.Series("vsic_code", vsic.tolist()), pl.Series("district_code", district, dtype=pl.String),
        pl.Series("ward_code", ward, dtype=pl.String), date_series("registration_date", reg),
        pl.Series("status", status.tolist()), pl.Series("old_era", era), pl.Series("kind", kind.tolist()),
    ])


def _with_branches(rng: np.random.Generator, frame: pl.DataFrame, share: float) -> pl.DataFrame:
    """Turn a share of companies into branches (parent's code + 001…, registered after the parent)."""
    companies = frame.with_row_index("i").filter(pl.col("kind") != "household")
    n_branch = int(share * companies.height)
    if n_branch == 0:
        return frame
    order = rng.permutation(companies.height)  # branches and parents are distinct companies
    rows, parents = order[:n_branch], rng.choice(order[n_branch:], size=n_branch)
    branch_i = companies["i"].to_numpy()[rows]
    parent = companies[parents].select("tax_code", "business_name")
    number = pl.DataFrame({"p": parents}).select(pl.col("p").cum_count().over("p"))["p"].to_numpy()
    codes = [f"{c}{k:03d}" for c, k in zip(parent["tax_code"].to_list(), number.tolist())]
    names_ = [f"Chi nhánh {p}" for p in parent["business_name"].to_list()]
    tax, name = frame["tax_code"].clone(), frame["business_name"].clone()
    tax.scatter(branch_i, codes)
    name.scatter(branch_i, names_)
    return frame.with_columns(tax, name).unique("tax_code", keep="first", maintain_order=True)


def register(run: Run) -> pl.DataFrame:
    """The clean snapshot of existing businesses delivered on the first day (cached per run)."""
    def build():
        rng = run.rng("business_register")
        n = run.volume(200_000, 100)
        first, last = days_since_epoch(dt.date(2005, 1, 1)), days_since_epoch(run.start) - 1
        reg = np.sort(first + np.round(rng.beta(1.8, 1.0, n) * (last - first)).astype(np.int64))
        return _with_branches(rng, _businesses(run, rng, reg, 0), 0.1)
    return run.cached("business_register", build)


REGISTER_DEFECTS = [
    d.wrong_check_digit("tax_code"), d.unknown_ward(), d.branch_000("tax_code"), d.duplicate(),
    d.missing("business_name", "registration_date", "tax_code", "vsic_code"), d.future_date("registration_date"),
    d.replace("bad_format", "vsic_code", ["47A1", "4", "471100"]),
    d.replace("unknown_value", "status", ["dissolved", "hoạt động"]),
    d.Defect("tax_code_bad_province", lambda row, ctx: row.update(tax_code="099" + row["tax_code"][3:]),
             lambda row, ctx: len(row["tax_code"] or "") == 12),
]


def new_businesses(run: Run, delivery: dt.date) -> pl.DataFrame:
    """The clean rows of the businesses registered in a daily delivery after the first (cached per run)."""
    def build():
        rng = run.rng("business_new", delivery)
        n = run.volume(120, 20, delivery, OFFICE_WEEK)
        block = 2 * run.volume(200_000, 100) + 1000 + (delivery - run.start).days * (8 * run.volume(120, 20) + 200)
        return _businesses(run, rng, np.sort(day_spread(rng, delivery, n)), block)
    return run.cached(("business_new", delivery), build)


def owners_registered_by_personal_id(run: Run, delivery: dt.date) -> pl.DataFrame:
    """Active household businesses of a delivery whose tax number is the owner's personal ID (since July
    2025): `personal_id` and `full_name` of each owner, for the civil-status generator."""
    if delivery == run.start:
        return pl.DataFrame(schema={"personal_id": pl.String, "full_name": pl.String})
    return (new_businesses(run, delivery)
            .filter((pl.col("kind") == "household") & (pl.col("tax_code").str.len_chars() == 12)
                    & (pl.col("status") == "active"))
            .select(pl.col("tax_code").alias("personal_id"),
                    pl.col("business_name").str.strip_prefix("Hộ kinh doanh ").alias("full_name")))


def business_registrations(run: Run, delivery: dt.date) -> Table:
    frame = register(run) if delivery == run.start else new_businesses(run, delivery)
    era = frame["old_era"].to_numpy()
    return Table("tax", "business_registrations", delivery, f"registrations_{delivery.isoformat()}.csv",
                 to_strings(frame.drop("old_era", "kind")), era, list(REGISTER_DEFECTS))


def tax_payments(run: Run, delivery: dt.date) -> Table:
    pool = register(run)
    rng = run.rng("payments", delivery)
    n = run.volume(40_000, 20, delivery, OFFICE_WEEK)
    kind = pool["kind"].to_numpy()
    weight = np.where(kind == "household", 1.0, 3.0) * np.where(pool["status"].to_numpy() == "closed", 0.05, 1.0)
    who = rng.choice(pool.height, size=n, p=weight / weight.sum())
    paid = days_since_epoch(delivery) - rng.choice([1, 2, 0], size=n, p=[0.8, 0.15, 0.05])
    paid_dates = np.asarray(paid, dtype="datetime64[D]")
    month = paid_dates.astype("datetime64[M]") - np.where(rng.random(n) < 0.7, 1, 0).astype("timedelta64[M]")
    is_household = kind[who] == "household"
    tax_type = np.where(is_household, weighted_choice(rng, ["PIT", "VAT", "licence_fee"], [45, 40, 15], n),
                        weighted_choice(rng, [t for t, _ in TAX_TYPES], [w for _, w in TAX_TYPES], n))
    amount = payment_amounts(rng, tax_type)
    amount = np.where(tax_type == "licence_fee", licence_fee(rng, is_household), amount)
    stamp = delivery.strftime("%y%m%d")
    frame = pl.DataFrame([
        pl.Series("payment_id", [f"KB{stamp}{i + 1:06d}" for i in range(n)]),
        pool["tax_code"].gather(who),
        pl.Series("period", np.datetime_as_string(month, unit="M").tolist()),
        pl.Series("tax_type", tax_type.tolist()),
        pl.Series("amount_vnd", amount.astype(np.int64)),
        date_series("paid_on", paid),
    ])
    defects = [d.wrong_check_digit("tax_code"), d.duplicate(), d.missing("tax_code", "tax_type", "amount_vnd"),
               d.future_date("paid_on"), d.replace("out_of_range", "amount_vnd", ["0", "-500000"]),
               d.unparseable("amount_vnd", ["1.500.000 đ", "abc", "12,5tr"]), d.branch_000("tax_code"),
               d.replace("bad_format", "period", ["2025-13", "06/2025", "2025-6"]),
               d.replace("unknown_value", "tax_type", ["GTGT", "TNDN", "vat"])]
    return Table("tax", "tax_payments", delivery, f"payments_{delivery.isoformat()}.csv",
                 to_strings(frame), np.zeros(n, bool), defects)
