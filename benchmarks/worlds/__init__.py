"""Synthetic worlds for scoring the library on data it did not make.

Each world is a data-generating process of its own (none uses ``forecast/sample``), a module with
its ``NAME`` and ``simulate_world``; ``WORLDS[name](directory, *, seed, last_year) -> WorldTruth``
(:func:`~benchmarks.worlds.common.write_world`) writes a complete data directory on the table
contract and its truth for the following years:

- :mod:`benchmarks.worlds.flow`: the need is a flow: jobs grow with sector trends and persistent
  (AR) growth momentum, replacement comes from an ageing workforce;
- :mod:`benchmarks.worlds.stock`: the need is a stock of unfilled vacancies that builds up where
  jobs outgrow domestic supply and is closed only slowly;
- :mod:`benchmarks.worlds.shock`: a mining and construction boom then bust, a large cohort
  reaching pension age (visible only in the age structure) and a jump in the emigration of the
  highly educated.

``python -m benchmarks.worlds.run [--quick]`` scores the library's quota recommendation on each
world with the library's own back-test (``labor-forecast quota --backtest``).
"""

from __future__ import annotations

from functools import partial

from . import flow, shock, stock
from .common import WorldTruth, write_world

MODULES = {world.NAME: world for world in (flow, stock, shock)}
WORLDS = {name: partial(write_world, world) for name, world in MODULES.items()}

__all__ = ["MODULES", "WORLDS", "WorldTruth", "flow", "shock", "stock"]
