"""Stage 3, quota: from the shortage forecast to a quota per region x sector x worker category.

Enters: a :class:`~forecast.shortage.ShortageForecast` (stage 2, :mod:`forecast.shortage`), a
:class:`Policy` (the rules, from a TOML file) and optionally the run's data (permits and wages
tables). Leaves: the quota proposal, one row per region x sector x category (``quota``,
``quota_low``, ``quota_high``, the uncut need range, expected uptake and unused quota, the
reallocated quota, the fee, tier, drivers, binding constraint and a reason, with the headline,
the fee scenario and the ceiling advice in its ``attrs``), which the deliverables stage
(:mod:`forecast.deliverables`) writes.

Read in this order:

- :mod:`~forecast.quota.policy`: the rules and their documented defaults;
- :mod:`~forecast.quota.need`: foreign need per line from the shortage at the planning quantile;
- :mod:`~forecast.quota.recommend`: :func:`recommend_quota` applies the rules in order (need,
  categories, protected sectors, local content, caps and the ceiling, whole persons);
- :mod:`~forecast.quota.allocation`: the progressive filling under caps and floors;
- :mod:`~forecast.quota.seasonal`: seasonal need from the seasonal permits of recent years;
- :mod:`~forecast.quota.ranges`: the range around each line (``quota_low <= quota <=
  quota_high`` on every line and total) and the ceiling advice;
- :mod:`~forecast.quota.mechanisms`: what the proposal is expected to do, from
  :mod:`~forecast.quota.history` (permits, wages, observed demand):
  :mod:`~forecast.quota.uptake` (employer demand, expected uptake and unused quota, the
  reallocation), :mod:`~forecast.quota.fee` (the fee from the wage gap and its effect on uptake)
  and :mod:`~forecast.quota.headline` (one table from the shortage to the permits used);
- :mod:`~forecast.quota.explain`: driver types and the reason sentence of each line;
- :mod:`~forecast.quota.status_quo`: today's rule (a percentage of the labour force);
- :mod:`~forecast.quota.ranking`, :mod:`~forecast.quota.scenarios`,
  :mod:`~forecast.quota.indicators`: the ranking of demand, named scenarios and the policy's
  effectiveness indicators;
- :mod:`~forecast.quota.backtest`: the recommendation and its references scored against the need
  observed afterwards (or the sample's truth).
"""

from forecast.quota.policy import Policy, load_policy
from forecast.quota.recommend import CATEGORY_NAMES, recommend_quota
from forecast.quota.need import foreign_need, shortage_at
from forecast.quota.scenarios import SCENARIOS, get_scenario

__all__ = ["CATEGORY_NAMES", "Policy", "SCENARIOS", "foreign_need", "get_scenario",
           "load_policy", "recommend_quota", "shortage_at"]
