"""Where quotas are computed: from the shortage forecast to a quota per region, sector and category.

Order of the rules, each documented in the line's ``reason``:

1. **Foreign need.** The shortage at the policy's planning quantile, where positive, less the part
   domestic measures can close (training, retraining, resettlement), is the need to fill from
   abroad, per region x sector x skill.
2. **Categories.** Kazakhstan's categories follow skill: high skill goes to categories 1-3
   (heads and deputies, heads of units, specialists), medium skill to categories 3-4 (specialists,
   skilled workers); low-skill need is open only to seasonal work in the seasonal sectors.
3. **National ceiling.** The total may not exceed the legal cap, a share of the labour force.
   When it binds, lines are cut in order of severity: every line keeps the same share of its
   need, weighted by how severe its shortage is relative to demand, so severe shortages keep
   more than mild ones.
4. **Whole persons.** Quotas are integers that add up exactly to the total (largest remainder).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from forecast.errors import InputError
from forecast.regions import region_name, region_codes
from forecast.schema import CATEGORIES
from forecast.sectors import sector_codes, sector_name
from forecast.shortage import ShortageForecast

CATEGORY_NAMES = {"1": "heads and deputies", "2": "heads of structural units", "3": "specialists",
                  "4": "skilled workers", "seasonal": "seasonal workers"}


@dataclass(frozen=True)
class Policy:
    """The rules that turn a shortage forecast into a quota.

    Attributes
    ----------
    planning_quantile : float
        Quantile of the shortage distribution to plan for (0.5 plans for the central forecast;
        higher values plan for more shortage).
    domestic_share : float
        Share of a shortage domestic measures can close within the year.
    cap_percent_of_labour_force : float
        The legal national ceiling, in percent of the labour force (0.25 in 2026).
    category_split : dict
        For each skill level, the share of its foreign need in each category.
    seasonal_sectors : tuple of str
        Sections where low-skill need may be met by seasonal workers.
    """

    planning_quantile: float = 0.5
    domestic_share: float = 0.7
    cap_percent_of_labour_force: float = 0.25
    category_split: dict = field(default_factory=lambda: {
        "high": {"1": 0.05, "2": 0.25, "3": 0.70},
        "medium": {"3": 0.35, "4": 0.65},
        "low": {"seasonal": 1.0},
    })
    seasonal_sectors: tuple[str, ...] = ("A", "F")

    def __post_init__(self) -> None:
        if not 0.05 <= self.planning_quantile <= 0.95:
            raise InputError(f"policy planning_quantile = {self.planning_quantile!r}: expected a "
                             "number from 0.05 to 0.95")
        if not 0 <= self.domestic_share <= 1:
            raise InputError(f"policy domestic_share = {self.domestic_share!r}: expected a share "
                             "from 0 to 1")
        if not 0 <= self.cap_percent_of_labour_force <= 100:
            raise InputError(f"policy cap_percent_of_labour_force = "
                             f"{self.cap_percent_of_labour_force!r}: expected a percentage from 0 to 100")
        for skill, split in self.category_split.items():
            unknown = set(split) - set(CATEGORIES)
            if unknown or abs(sum(split.values()) - 1) > 1e-9 or min(split.values()) < 0:
                raise InputError(f"policy category_split[{skill!r}] = {split!r}: expected "
                                 f"non-negative shares of categories {', '.join(CATEGORIES)} "
                                 "adding up to 1")
        unknown = set(self.seasonal_sectors) - set(sector_codes())
        if unknown:
            raise InputError(f"policy seasonal_sectors has unknown sections {sorted(unknown)}; "
                             "expected letters A..U")

    def to_dict(self) -> dict:
        return asdict(self)


def _quantile_column(quantile: float) -> str:
    return f"shortage_p{round(quantile * 100):02d}"


def _shortage_at(table: pd.DataFrame, quantile: float) -> pd.Series:
    """The shortage at any quantile, interpolated between the forecast's quantile columns."""
    columns = sorted(c for c in table.columns if c.startswith("shortage_p"))
    levels = np.array([int(c[len("shortage_p"):]) / 100 for c in columns])
    values = table[columns].to_numpy()
    position = np.interp(quantile, levels, np.arange(levels.size))
    low, high = int(np.floor(position)), int(np.ceil(position))
    weight = position - low
    return pd.Series(values[:, low] * (1 - weight) + values[:, high] * weight, index=table.index)


def largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``values`` that add up to exactly ``total``.

    Ties in the remainders go to the earlier position, so the result is deterministic.
    """
    values = np.asarray(values, dtype=float)
    if total <= 0 or values.sum() <= 0:
        return np.zeros(values.size, dtype=np.int64)
    exact = values / values.sum() * total
    floors = np.floor(exact).astype(np.int64)
    remainder = int(total - floors.sum())
    order = np.lexsort((np.arange(values.size), -(exact - floors)))
    floors[order[:remainder]] += 1
    return floors


def _foreign_need(table: pd.DataFrame, quantile: float, policy: Policy) -> pd.Series:
    shortage = _shortage_at(table, quantile).clip(lower=0.0)
    return shortage * (1 - policy.domestic_share)


def _by_category(table: pd.DataFrame, need: pd.Series, policy: Policy) -> pd.DataFrame:
    """Spread each cell's need over the categories its skill level may use."""
    rows = []
    for skill, split in policy.category_split.items():
        mask = table["skill"] == skill
        if skill == "low":
            mask &= table["sector"].isin(policy.seasonal_sectors)
        for category, share in split.items():
            part = table.loc[mask, ["region", "sector"]].assign(category=category,
                                                                 need=need[mask] * share)
            rows.append(part)
    frame = pd.concat(rows, ignore_index=True)
    return frame.groupby(["region", "sector", "category"], as_index=False)["need"].sum()


def _severity(table: pd.DataFrame) -> pd.DataFrame:
    ratio = table.groupby(["region", "sector"])[["shortage", "demand"]].sum()
    intensity = (ratio["shortage"] / ratio["demand"].where(ratio["demand"] > 0)).fillna(0.0)
    return intensity.clip(lower=0.0).rename("intensity").reset_index()


def recommend_quota(forecast: ShortageForecast, policy: Policy | None = None) -> pd.DataFrame:
    """The quota proposal: one row per region x sector x category.

    Parameters
    ----------
    forecast : ShortageForecast
        From :func:`forecast.forecast_shortage`.
    policy : Policy, optional
        The rules; :class:`Policy` defaults otherwise.

    Returns
    -------
    DataFrame
        ``region, region_name, sector, sector_name, category, category_name, quota, quota_low,
        quota_high, need, shortage, tier, reason``. ``quota`` is the recommendation at the
        policy's planning quantile; ``quota_low`` and ``quota_high`` the same rules applied to the
        10th and 90th percentiles of the shortage. ``need`` is the foreign need before the
        ceiling; ``shortage`` and ``tier`` are the central forecast for the skill levels that
        feed the category (high for 1-2, high and medium for 3, medium for 4, low for seasonal).
    """
    policy = policy or Policy()
    table = forecast.table
    cap = int(np.floor(forecast.labour_force * policy.cap_percent_of_labour_force / 100))
    grid = pd.MultiIndex.from_product([region_codes(), sector_codes(), list(CATEGORIES)],
                                      names=["region", "sector", "category"]).to_frame(index=False)
    severity = _severity(table)

    variants = {}
    for name, quantile in (("quota", policy.planning_quantile), ("quota_low", 0.10),
                           ("quota_high", 0.90)):
        need = _by_category(table, _foreign_need(table, quantile, policy), policy)
        need = grid.merge(need, how="left", on=["region", "sector", "category"]).fillna({"need": 0.0})
        need = need.merge(severity, how="left", on=["region", "sector"]).fillna({"intensity": 0.0})
        allocated, binding = _apply_cap(need["need"].to_numpy(), need["intensity"].to_numpy(), cap)
        variants[name] = (need, allocated, binding)

    need, quota, binding = variants["quota"]
    out = need[["region", "sector", "category"]].copy()
    out["region_name"] = out["region"].map(lambda c: region_name(c))
    out["sector_name"] = out["sector"].map(lambda c: sector_name(c))
    out["category_name"] = out["category"].map(CATEGORY_NAMES)
    out["quota"] = quota
    out["quota_low"] = np.minimum(variants["quota_low"][1], quota)
    out["quota_high"] = np.maximum(variants["quota_high"][1], quota)
    out["need"] = need["need"].round(1)
    out = out.merge(_category_evidence(table, policy, forecast.assumptions), how="left",
                    on=["region", "sector", "category"])
    out["tier"] = out["tier"].fillna("balance")
    out["shortage"] = out["shortage"].fillna(0.0)
    out["shortage"] = out["shortage"].round(1)
    out["reason"] = _reasons(out, binding, policy)
    columns = ["region", "region_name", "sector", "sector_name", "category", "category_name",
               "quota", "quota_low", "quota_high", "need", "shortage", "tier", "reason"]
    out = out[columns]
    out.attrs.update({"cap": cap, "cap_binding": binding, "total_need": float(need["need"].sum())})
    return out


def _category_evidence(table: pd.DataFrame, policy: Policy, assumptions) -> pd.DataFrame:
    """Shortage, demand and tier of the skill levels that feed each category, per region x sector."""
    from forecast.shortage import classify_tiers

    parts = []
    for category in CATEGORIES:
        skills = [skill for skill, split in policy.category_split.items() if category in split]
        rows = table[table["skill"].isin(skills)]
        summed = rows.groupby(["region", "sector"], as_index=False)[["shortage", "demand"]].sum()
        parts.append(summed.assign(category=category))
    evidence = pd.concat(parts, ignore_index=True)
    evidence["tier"] = classify_tiers(evidence["shortage"], evidence["demand"], assumptions)
    return evidence[["region", "sector", "category", "shortage", "tier"]]


def _apply_cap(need: np.ndarray, intensity: np.ndarray, cap: int) -> tuple[np.ndarray, bool]:
    """Integers within the cap; when it binds, severity-weighted shares of need are kept."""
    total_need = int(np.round(need.sum()))
    if total_need <= cap:
        return largest_remainder(need, total_need), False
    # Find the common factor f so that sum(min(need, f * need * weight)) == cap: lines with a
    # severe shortage (a larger weight) keep more of their need.
    weight = 1.0 + 10.0 * intensity
    low, high = 0.0, 1.0 / max(weight.min(), 1e-9)
    for _ in range(60):
        mid = (low + high) / 2
        if np.minimum(need, mid * need * weight).sum() > cap:
            high = mid
        else:
            low = mid
    kept = np.minimum(need, low * need * weight)
    return largest_remainder(kept, cap), True


def _reasons(out: pd.DataFrame, binding: bool, policy: Policy) -> pd.Series:
    """One plain sentence per line: what the forecast says and which rule set the number."""
    skills_of = {c: "/".join(k for k, split in policy.category_split.items() if c in split)
                 for c in CATEGORIES}
    cut = (" The national ceiling binds: the line keeps a severity-weighted share of its need."
           if binding else "")
    pieces = []
    for row in out.itertuples(index=False):
        skills = skills_of[row.category] or "no"
        if row.category == "seasonal" and row.sector not in policy.seasonal_sectors:
            text = "No quota: seasonal permits are not used in this sector."
        elif row.quota > 0 or row.need > 0.5:
            text = (f"{row.quota:,} from abroad: the short {skills}-skill cells of this sector need "
                    f"{row.need:,.0f} after the {policy.domestic_share:.0%} that domestic measures "
                    f"can close (net balance of {skills}-skill openings over seekers "
                    f"{row.shortage:+,.0f}, {row.tier}).{cut}")
        elif row.shortage <= 0:
            text = (f"No quota: {skills}-skill workers are forecast in {row.tier} "
                    f"({-row.shortage:,.0f} more seekers than openings).")
        else:
            text = (f"No quota: the {skills}-skill shortage of {row.shortage:,.0f} is small enough "
                    "for domestic measures to close.")
        pieces.append(text)
    return pd.Series(pieces, index=out.index)
