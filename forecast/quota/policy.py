"""Where the quota policy lives: the rules as one frozen object, read from a documented TOML file.

The shipped defaults are in ``forecast/data/policy_default.toml``; a planner's file only needs the
keys it changes (:func:`load_policy`). Every key is checked: unknown keys, wrong types and
impossible values are refused with an :class:`~forecast.inputs.errors.InputError` naming the file, the
key, the value and what is expected.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path

from forecast.inputs.errors import InputError
from forecast.inputs.regions import region_codes
from forecast.inputs.schema import CATEGORIES, SKILLS
from forecast.inputs.sectors import sector_codes
from forecast.shortage import TIERS

# The 2026 order (No. 397 of 12 Dec 2025) split the quota into these categories; the status-quo
# comparison uses the same mix.
QUOTA_2026_CATEGORY_MIX = {"1": 726.0, "2": 3402.0, "3": 5893.0, "4": 3131.0, "seasonal": 4994.0}


def _default_split() -> dict:
    return {"high": {"1": 0.05, "2": 0.25, "3": 0.70},
            "medium": {"3": 0.35, "4": 0.65},
            "low": {"seasonal": 1.0}}


def _default_fees() -> dict:
    return {"severe shortage": 0.5, "shortage": 0.75, "balance": 1.0, "surplus": 2.0}


@dataclass(frozen=True)
class Policy:
    """The rules that turn a shortage forecast into a quota.

    Attributes
    ----------
    planning_quantile : float
        Quantile of the shortage distribution to plan for: the risk level (0.5 plans for the
        central forecast, higher values for more shortage).
    low_quantile, high_quantile : float
        Quantiles of the ``quota_low`` and ``quota_high`` variants.
    domestic_share : float
        Share of a shortage domestic measures (training, retraining, internal resettlement) can
        close within the horizon.
    foreign_share : float
        Share of the rest to fill from abroad (the remainder is left to wages and productivity).
    cap_percent_of_labour_force : float
        The legal national ceiling, in percent of the labour force (0.25 in 2026).
    region_floors, region_caps, sector_floors, sector_caps : dict
        Persons per region code or OKED section. A floor is protected from the ceiling's cut up to
        the group's own need (no quota is created without a need); a cap is a hard maximum.
    protected_sectors : tuple of str
        Sections closed to foreign workers: they get zero quota.
    priority : dict
        Weight per section (default 1): when the ceiling binds, sections with a larger weight
        keep a larger share of their need.
    severity_weight : float
        How much shortage severity (shortage as a share of demand) adds to a line's weight:
        ``weight = priority * (1 + severity_weight * severity)``.
    category_split : dict
        For each skill level, the share of its foreign need in each category ``1``..``4``,
        ``seasonal``.
    seasonal_sectors : tuple of str
        Sections where low-skill need may be met by seasonal workers.
    min_citizen_share_1_2, min_citizen_share_3_4 : float
        Local-content rule: citizens are at least this share of category 1-2 (3-4) staff, applied
        to each sector in each region.
    management_share : float
        Share of high-skill staff holding category 1-2 posts (heads and deputies, heads of units):
        the staff base of the category 1-2 rule; the rest of high and all medium-skill staff are
        the category 3-4 base.
    fee_multiplier : dict
        Per tier, the share of the wage gap charged as a fee in the quota-plus-fee model
        (:mod:`forecast.quota.fee`): below 1 where shortages are severe, above 1 in surplus.
    status_quo_percent : float
        Percent of the labour force of today's rule, for the comparison.
    status_quo_category_mix : dict
        Category mix of today's quota (persons or shares; normalised).
    regulated_share : dict
        Per OKED section, the share of need foreign workers may fill in the regulated categories
        (recognition of qualifications limits hiring in licensed professions; 0 closes them).
    regulated_categories : tuple of str
        The categories the regulated shares apply to.
    seasonal_from_permits : bool
        Estimate seasonal need in the seasonal sectors from the seasonal permits of recent years
        (the annual balance cannot see a peak that lasts one season).
    history_years : int
        Years of permits history averaged for seasonal need and employer demand for permits.
    max_growth : float
        Bound on the change in demand that scales the permits history (and its inverse).
    new_line_utilisation : float
        Share of its quota a line with no permits history is expected to use.
    foreign_wage_ratio, hire_cost_share : float
        A foreign hire costs ``foreign_wage_ratio`` of the local wage plus ``hire_cost_share`` of
        it (recruitment, travel, housing); the fee is ``fee_multiplier[tier]`` times the gap that
        makes a foreign hire cheaper than a local one.
    fee_elasticity : float
        Elasticity of employer demand for permits to the cost of a foreign hire.
    """

    planning_quantile: float = 0.5
    low_quantile: float = 0.10
    high_quantile: float = 0.90
    domestic_share: float = 0.7
    foreign_share: float = 1.0
    cap_percent_of_labour_force: float = 0.25
    region_floors: dict = field(default_factory=dict)
    region_caps: dict = field(default_factory=dict)
    sector_floors: dict = field(default_factory=dict)
    sector_caps: dict = field(default_factory=dict)
    protected_sectors: tuple[str, ...] = ("O", "U")
    priority: dict = field(default_factory=dict)
    severity_weight: float = 10.0
    category_split: dict = field(default_factory=_default_split)
    seasonal_sectors: tuple[str, ...] = ("A", "F")
    min_citizen_share_1_2: float = 0.70
    min_citizen_share_3_4: float = 0.90
    management_share: float = 0.10
    fee_multiplier: dict = field(default_factory=_default_fees)
    status_quo_percent: float = 0.25
    status_quo_category_mix: dict = field(default_factory=lambda: dict(QUOTA_2026_CATEGORY_MIX))
    regulated_share: dict = field(default_factory=lambda: {"P": 0.5, "Q": 0.5})
    regulated_categories: tuple[str, ...] = ("3", "4")
    seasonal_from_permits: bool = True
    history_years: int = 3
    max_growth: float = 2.0
    new_line_utilisation: float = 0.6
    foreign_wage_ratio: float = 0.75
    hire_cost_share: float = 0.10
    fee_elasticity: float = 0.8

    def __post_init__(self) -> None:
        # Normalise containers so that equal policies compare equal whatever the input types.
        for name in ("protected_sectors", "seasonal_sectors", "regulated_categories"):
            object.__setattr__(self, name, tuple(sorted(str(s) for s in getattr(self, name))))
        for name in ("region_floors", "region_caps", "sector_floors", "sector_caps", "priority",
                     "fee_multiplier", "status_quo_category_mix", "regulated_share"):
            object.__setattr__(self, name, {str(k): v for k, v in dict(getattr(self, name)).items()})
        object.__setattr__(self, "category_split", {str(k): {str(c): s for c, s in dict(v).items()}
                                                    for k, v in dict(self.category_split).items()})
        self._validate()

    def _validate(self) -> None:
        _share("planning_quantile", self.planning_quantile, 0.05, 0.95)
        _share("low_quantile", self.low_quantile, 0.05, 0.95)
        _share("high_quantile", self.high_quantile, 0.05, 0.95)
        if not self.low_quantile <= self.planning_quantile <= self.high_quantile:
            raise InputError(f"policy low_quantile = {self.low_quantile!r}, planning_quantile = "
                             f"{self.planning_quantile!r}, high_quantile = {self.high_quantile!r}: "
                             "expected low <= planning <= high")
        for name in ("domestic_share", "foreign_share", "min_citizen_share_1_2",
                     "min_citizen_share_3_4", "management_share"):
            _share(name, getattr(self, name), 0.0, 1.0)
        for name in ("min_citizen_share_1_2", "min_citizen_share_3_4"):
            if getattr(self, name) <= 0:
                raise InputError(f"policy {name} = {getattr(self, name)!r}: expected a share above 0")
        _share("cap_percent_of_labour_force", self.cap_percent_of_labour_force, 0.0, 100.0,
               "a percentage from 0 to 100")
        _share("status_quo_percent", self.status_quo_percent, 0.0, 100.0,
               "a percentage from 0 to 100")
        # Bounded so that priority x (1 + severity_weight x severity) stays a finite number.
        _share("severity_weight", self.severity_weight, 0.0, 1e6)
        regions, sectors = set(region_codes()), set(sector_codes())
        for name, known, what in (("region_floors", regions, "region codes such as 'KZ-75'"),
                                  ("region_caps", regions, "region codes such as 'KZ-75'"),
                                  ("sector_floors", sectors, "OKED sections A..U"),
                                  ("sector_caps", sectors, "OKED sections A..U")):
            for key, value in getattr(self, name).items():
                if key not in known:
                    raise InputError(f"policy {name}[{key!r}]: unknown key; expected {what}")
                _number(f"{name}[{key!r}]", value, "a non-negative number of persons")
        for kind in ("region", "sector"):
            floors, caps = getattr(self, f"{kind}_floors"), getattr(self, f"{kind}_caps")
            for key in set(floors) & set(caps):
                if floors[key] > caps[key]:
                    raise InputError(f"policy {kind}_floors[{key!r}] = {floors[key]!r} is above "
                                     f"{kind}_caps[{key!r}] = {caps[key]!r}: expected floor <= cap")
        for name in ("protected_sectors", "seasonal_sectors"):
            unknown = sorted(set(getattr(self, name)) - sectors)
            if unknown:
                raise InputError(f"policy {name} = {list(getattr(self, name))!r}: unknown "
                                 f"sections {unknown}; expected OKED section letters A..U")
        for key, value in self.priority.items():
            if key not in sectors:
                raise InputError(f"policy priority[{key!r}]: unknown key; expected OKED sections A..U")
            _share(f"priority[{key!r}]", value, 1e-6, 1e6, "a positive weight from 0.000001 to 1,000,000")
        if set(self.category_split) != set(SKILLS):
            raise InputError(f"policy category_split has skill levels {sorted(self.category_split)}: "
                             f"expected exactly {list(SKILLS)}")
        for skill, split in self.category_split.items():
            unknown = set(split) - set(CATEGORIES)
            values = list(split.values())
            if (unknown or not values or any(not _is_number(v) or v < 0 for v in values)
                    or abs(sum(values) - 1) > 1e-9):
                raise InputError(f"policy category_split[{skill!r}] = {split!r}: expected "
                                 f"non-negative shares of categories {', '.join(CATEGORIES)} "
                                 "adding up to 1")
        if set(self.fee_multiplier) != set(TIERS):
            raise InputError(f"policy fee_multiplier has tiers {sorted(self.fee_multiplier)}: "
                             f"expected exactly {list(TIERS)}")
        for tier, value in self.fee_multiplier.items():
            _number(f"fee_multiplier[{tier!r}]", value, "a positive multiplier", positive=True)
        values = [self.fee_multiplier[t] for t in TIERS]
        if any(a > b for a, b in zip(values, values[1:])):
            raise InputError(f"policy fee_multiplier = {self.fee_multiplier!r}: expected "
                             "multipliers that do not fall from severe shortage to surplus")
        unknown = set(self.status_quo_category_mix) - set(CATEGORIES)
        mix = list(self.status_quo_category_mix.values())
        if (unknown or any(not _is_number(v) or not 0 <= v <= 1e7 for v in mix)
                or math.fsum(mix) <= 0):
            raise InputError(f"policy status_quo_category_mix = {self.status_quo_category_mix!r}: "
                             f"expected amounts from 0 to 10,000,000 of categories "
                             f"{', '.join(CATEGORIES)}, not all zero")

        self._validate_mechanisms()

    def _validate_mechanisms(self) -> None:
        """Regulated professions, seasonal need, employer demand and the fee model."""
        for key, value in self.regulated_share.items():
            if key not in set(sector_codes()):
                raise InputError(f"policy regulated_share[{key!r}]: unknown key; expected OKED "
                                 "sections A..U")
            _share(f"regulated_share[{key!r}]", value, 0.0, 1.0)
        unknown = sorted(set(self.regulated_categories) - set(CATEGORIES))
        if unknown:
            raise InputError(f"policy regulated_categories: unknown categories {unknown}; "
                             f"expected some of {', '.join(CATEGORIES)}")
        if not isinstance(self.seasonal_from_permits, bool):
            raise InputError(f"policy seasonal_from_permits = {self.seasonal_from_permits!r}: "
                             "expected true or false")
        if (not isinstance(self.history_years, int) or isinstance(self.history_years, bool)
                or not 1 <= self.history_years <= 10):
            raise InputError(f"policy history_years = {self.history_years!r}: expected a whole "
                             "number of years from 1 to 10")
        _share("max_growth", self.max_growth, 1.0, 10.0)
        for name in ("new_line_utilisation", "foreign_wage_ratio", "hire_cost_share"):
            _share(name, getattr(self, name), 0.0, 1.0)
        if self.foreign_wage_ratio + self.hire_cost_share <= 0:
            raise InputError("policy foreign_wage_ratio + hire_cost_share = 0: expected a "
                             "foreign hire that costs something")
        _share("fee_elasticity", self.fee_elasticity, 0.0, 5.0)

    def with_changes(self, **changes) -> "Policy":
        """A copy with some rules changed (validated like a new policy)."""
        return replace(self, **changes)

    def weight_of(self, sector: str) -> float:
        return float(self.priority.get(sector, 1.0))

    def to_dict(self) -> dict:
        out = asdict(self)
        for name in ("protected_sectors", "seasonal_sectors", "regulated_categories"):
            out[name] = list(out[name])
        return out


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(name: str, value: object, expected: str, positive: bool = False) -> None:
    if not _is_number(value) or value < 0 or (positive and value <= 0):
        raise InputError(f"policy {name} = {value!r}: expected {expected}")


def _share(name: str, value: object, low: float, high: float, expected: str | None = None) -> None:
    if not _is_number(value) or not low <= value <= high:
        raise InputError(f"policy {name} = {value!r}: expected "
                         f"{expected or f'a number from {low:g} to {high:g}'}")


# TOML layout: top-level scalars and lists are Policy fields of the same name; tables group the
# rest. Each entry maps a TOML path to the Policy field it fills.
_TABLES = {
    "ceiling": {"percent_of_labour_force": "cap_percent_of_labour_force"},
    "risk": {"planning_quantile": "planning_quantile", "low_quantile": "low_quantile",
             "high_quantile": "high_quantile"},
    "domestic": {"domestic_share": "domestic_share", "foreign_share": "foreign_share"},
    "regions": {"floors": "region_floors", "caps": "region_caps"},
    "sectors": {"floors": "sector_floors", "caps": "sector_caps", "protected": "protected_sectors",
                "priority": "priority", "seasonal": "seasonal_sectors"},
    "cut": {"severity_weight": "severity_weight"},
    "local_content": {"min_citizen_share_1_2": "min_citizen_share_1_2",
                      "min_citizen_share_3_4": "min_citizen_share_3_4",
                      "management_share": "management_share"},
    "status_quo": {"percent_of_labour_force": "status_quo_percent",
                   "category_mix": "status_quo_category_mix"},
    "regulated": {"share": "regulated_share", "categories": "regulated_categories"},
    "seasonal": {"from_permits": "seasonal_from_permits"},
    "uptake": {"history_years": "history_years", "max_growth": "max_growth",
               "new_line_utilisation": "new_line_utilisation"},
    "fee": {"foreign_wage_ratio": "foreign_wage_ratio", "hire_cost_share": "hire_cost_share",
            "elasticity": "fee_elasticity"},
}
_WHOLE_TABLES = {"category_split": "category_split", "fee_multiplier": "fee_multiplier"}
_DICT_FIELDS = {"region_floors", "region_caps", "sector_floors", "sector_caps", "priority",
                "category_split", "fee_multiplier", "status_quo_category_mix", "regulated_share"}
_LIST_FIELDS = {"protected_sectors", "seasonal_sectors", "regulated_categories"}


def default_policy_path() -> Path:
    """The shipped, documented default policy file."""
    return Path(str(resources.files("forecast.data").joinpath("policy_default.toml")))


def policy_from_mapping(document: dict, source: str = "policy") -> Policy:
    """A :class:`Policy` from a parsed TOML document (keys as in ``policy_default.toml``).

    Missing keys keep the defaults. Raises :class:`InputError` naming ``source`` and the key.
    """
    values: dict = {}
    for key, value in document.items():
        if key in _TABLES:
            if not isinstance(value, dict):
                raise InputError(f"{source}: key [{key}] = {value!r}: expected a table")
            for inner, inner_value in value.items():
                if inner not in _TABLES[key]:
                    raise InputError(f"{source}: unknown key {key}.{inner}; expected one of "
                                     f"{', '.join(sorted(_TABLES[key]))}")
                values[_TABLES[key][inner]] = (f"{key}.{inner}", inner_value)
        elif key in _WHOLE_TABLES:
            values[_WHOLE_TABLES[key]] = (key, value)
        else:
            expected = sorted([*_TABLES, *_WHOLE_TABLES])
            raise InputError(f"{source}: unknown key {key!r}; expected one of {', '.join(expected)}")
    kwargs = {}
    for name, (path, value) in values.items():
        if name in _DICT_FIELDS and not isinstance(value, dict):
            raise InputError(f"{source}: key {path} = {value!r}: expected a table")
        if name in _LIST_FIELDS and not (isinstance(value, list)
                                         and all(isinstance(v, str) for v in value)):
            raise InputError(f"{source}: key {path} = {value!r}: expected a list of section letters or category codes")
        if name == "category_split":
            for skill, split in value.items():
                if not isinstance(split, dict):
                    raise InputError(f"{source}: key category_split.{skill} = {split!r}: "
                                     "expected a table of category shares")
        kwargs[name] = value
    try:
        return Policy(**kwargs)
    except InputError as error:
        raise InputError(f"{source}: {error}") from None


def load_policy(path: str | Path) -> Policy:
    """Read a policy TOML file; keys it leaves out keep the defaults.

    Raises
    ------
    InputError
        The file is missing or not TOML, or a key is unknown, mistyped or impossible.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a policy TOML file such as "
                         "forecast/data/policy_default.toml")
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: policy file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the policy file ({error})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not a valid TOML file ({error})") from None
    return policy_from_mapping(document, str(path))

