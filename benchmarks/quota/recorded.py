"""The quota back-test with options passed to every forecast it makes, and what each one chose;
the worlds it runs on beside the sample.

:func:`forecast.quota.backtest.backtest_quota` calls :func:`forecast.shortage.forecast_shortage`
once per origin with the library's defaults; the benchmarks that compare a setting (the
anchoring option, the number of calibration origins) run it with the setting changed, and record
what each forecast learned on its own calibration origins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

import forecast
import forecast.quota.backtest as quota_backtest
from benchmarks.worlds import WORLDS
from benchmarks.worlds.run import FIRST_YEAR, LAST_YEAR, QUICK_FIRST_YEAR, SEED, uncapped_policy
from forecast.quota.policy import load_policy

WORLD_YEARS = 3


def recorded_backtest(data, truth, origins, policy, options: dict,
                      record: Callable[[object], object]) -> tuple[pd.DataFrame, list, float]:
    """The back-test's summary indexed by rule, ``record(forecast)`` of each forecast, and the
    seconds it took, with ``options`` given to every ``forecast_shortage`` call."""
    recorded, forecast_shortage = [], quota_backtest.forecast_shortage

    def with_options(*args, **kwargs):
        result = forecast_shortage(*args, **{**kwargs, **options})
        recorded.append(record(result))
        return result

    quota_backtest.forecast_shortage = with_options
    started = time.perf_counter()
    try:
        result = quota_backtest.backtest_quota(data, truth, origins, policy=policy, with_hindsight=False)
    finally:
        quota_backtest.forecast_shortage = forecast_shortage
    return result.summary.set_index("rule"), recorded, round(time.perf_counter() - started, 1)


def uncapped_worlds(folder: Path, quick: bool) -> Iterator[tuple[str, object, list[int], object]]:
    """Each world of :mod:`benchmarks.worlds` written into ``folder`` with its data through
    ``L+3``: its name, data, back-test origins ``L..L+2`` and the shipped policy with no binding
    ceiling."""
    policy = load_policy(uncapped_policy(Path(folder) / "policy_uncapped.toml"))
    first = QUICK_FIRST_YEAR if quick else FIRST_YEAR
    for name, build in WORLDS.items():
        world = build(Path(folder) / name / "world", seed=SEED, last_year=LAST_YEAR, first_year=first)
        data_folder = world.write_data(Path(folder) / name / "full", through=LAST_YEAR + WORLD_YEARS)
        yield name, forecast.load_data(data_folder), [LAST_YEAR + k for k in range(WORLD_YEARS)], policy
