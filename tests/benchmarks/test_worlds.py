"""The synthetic worlds of ``benchmarks/worlds``: valid data directories, honest bookkeeping.

Each world is written once per module on a small known case (2012-2020, truth to 2023, fixed
seed); the tests read what was written back, through ``forecast.load_data`` and as plain CSV.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from benchmarks.worlds import WORLDS
from benchmarks.worlds.common import AGE_BANDS, REGION_CODES, SECTORS
from benchmarks.worlds.stock import accumulate_stock

FIRST, LAST, HORIZON, SEED = 2012, 2020, 3, 7
TABLES = ("employment", "population", "migration", "vacancies", "wages", "graduates", "applicants")
CELL = ["region", "sector", "skill", "year"]


@pytest.fixture(scope="module", params=sorted(WORLDS))
def world(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    return WORLDS[request.param](folder, seed=SEED, last_year=LAST, first_year=FIRST, horizon=HORIZON)


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype={"category": str})


def test_the_library_loads_the_data_directory(world):
    data = forecast.load_data(world.directory)
    assert set(TABLES) <= set(data.tables)
    assert (data.first_year, data.last_year) == (FIRST, LAST)
    employment = data["employment"]
    assert set(employment["region"]) == set(REGION_CODES)
    assert set(employment["sector"]) == set(SECTORS)
    assert set(employment["skill"]) == {"high", "medium", "low"}
    assert len(employment) == len(REGION_CODES) * len(SECTORS) * 3 * (LAST - FIRST + 1)
    assert set(data["population"]["age_band"]) == set(AGE_BANDS)
    assert not data.is_synthetic  # not the library's own sample
    truth = forecast.load_data(world.truth_directory)
    assert truth.last_year == LAST + HORIZON


def test_validate_accepts_the_world(world):
    done = subprocess.run([sys.executable, "-m", "forecast.cli", "validate", str(world.directory)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_age_bands_tile_0_to_89_for_every_region_year_and_sex(world):
    population = _read(world.directory, "population")
    bands = population.groupby(["region", "year", "sex"])["age_band"].apply(tuple)
    assert set(bands) == {AGE_BANDS}


def test_truth_equals_the_data_up_to_the_last_year(world):
    for name in TABLES:
        data = _read(world.directory, name)
        truth = _read(world.truth_directory, name)
        assert data["year"].max() == LAST and truth["year"].max() == LAST + HORIZON
        early = truth[truth["year"] <= LAST].reset_index(drop=True)
        pd.testing.assert_frame_equal(early, data, check_dtype=False)
        pd.testing.assert_frame_equal(world.tables[name][world.tables[name]["year"] <= LAST]
                                      .reset_index(drop=True), data, check_dtype=False)


def test_need_bookkeeping_adds_up(world):
    need = _read(world.truth_directory, "need")
    assert list(need["year"].unique()) == list(range(FIRST + 1, LAST + HORIZON + 1))
    employment = _read(world.truth_directory, "employment").set_index(CELL)["employed"]
    vacancies = _read(world.truth_directory, "vacancies").set_index(CELL)["vacancies"]
    cells = need.set_index(CELL)
    # Jobs are the employed plus the vacancies, as in the tables.
    assert (cells["demand"] == employment.reindex(cells.index) + vacancies.reindex(cells.index)).all()
    assert (cells["employed"] == employment.reindex(cells.index)).all()
    # Expansion is this year's jobs less last year's; replacement is of last year's workers.
    jobs = (employment + vacancies).unstack("year")
    expansion = jobs.diff(axis=1).stack().rename("expansion").reorder_levels(CELL)
    assert np.allclose(cells["expansion"], expansion.reindex(cells.index))
    before = employment.unstack("year").shift(1, axis=1).stack().reorder_levels(CELL)
    assert np.allclose(cells["employed_before"], before.reindex(cells.index))
    openings = cells[["expansion", "retirements", "deaths", "emigration"]].sum(axis=1)
    supply = cells[["graduates", "school_leavers", "migration", "unemployed"]].sum(axis=1)
    assert np.allclose(cells["openings"], openings, atol=0.01)
    assert np.allclose(cells["supply"], supply, atol=0.01)
    assert np.allclose(cells["shortage"], openings - supply, atol=0.02)
    # National totals of the need table are those of the tables.
    by_year = need.groupby("year")["demand"].sum()
    tables = (employment.groupby(level="year").sum() + vacancies.groupby(level="year").sum())
    assert (by_year == tables.reindex(by_year.index)).all()
    if world.name == "stock":
        assert (cells["need"] == cells["vacancies"]).all()
    else:
        assert np.allclose(cells["need"], cells["shortage"].clip(lower=0), atol=0.01)


def test_the_world_has_shortages_and_surpluses(world):
    need = world.need_in(LAST + 1)
    assert 0.1 < (need["shortage"] > 0).mean() < 0.95
    assert need["need"].sum() > 0.005 * need["demand"].sum()


def test_migration_and_population_add_up(world):
    migration = _read(world.truth_directory, "migration")
    flows = migration.groupby(["year", "flow"])["persons"].sum().unstack("flow")
    # Internal moves leave one region for another: in and out agree up to rounding.
    assert (flows["internal_in"] - flows["internal_out"]).abs().max() <= 60
    # Population balance: last year's + births - deaths + net migration, region by region.
    balance = _read(world.truth_directory, "demography")
    expected = (balance["population_before"] + balance["births"] - balance["deaths"]
                + balance["net_migration"])
    assert np.allclose(balance["population"], expected, rtol=1e-9, atol=0.01)
    net = migration.assign(sign=migration["flow"].map(
        {"immigration": 1, "internal_in": 1, "emigration": -1, "internal_out": -1}))
    net = (net["persons"] * net["sign"]).groupby([net["region"], net["year"]]).sum()
    index = pd.MultiIndex.from_frame(balance[["region", "year"]])
    assert np.allclose(balance["net_migration"], net.reindex(index).to_numpy())
    # The table's bands are whole persons: their sums are the balance's up to rounding.
    population = (_read(world.truth_directory, "population")
                  .groupby(["region", "year"])["population"].sum())
    rounding = len(AGE_BANDS) * 2 * 0.5
    assert np.all(np.abs(population.reindex(index).to_numpy() - balance["population"]) <= rounding)
    change = population.groupby(level="region").pct_change().dropna()
    assert change.abs().max() < 0.08


def test_stock_accumulation_on_a_hand_checked_example():
    stock, closed = accumulate_stock(stock_before=[100, 10, 0, 50], openings=[30.4, 5, 7, 100],
                                     supply=[20.6, 40, 3, 0], jobs=[1000, 1000, 1000, 120],
                                     closure=0.3)
    # closed = round(0.3 * before) = 30, 3, 0, 15
    # stock  = 100-30+30-21 = 79; 10-3+5-40 < 0 -> 0; 0-0+7-3 = 4; 50-15+100-0 = 135 > 120/2 -> 60
    assert closed.tolist() == [30, 3, 0, 15]
    assert stock.tolist() == [79, 0, 4, 60]


def test_stock_world_vacancies_follow_the_accumulation_identity(tmp_path):
    world = WORLDS["stock"](tmp_path, seed=SEED, last_year=FIRST + 4, first_year=FIRST, horizon=1)
    cells = world.need.set_index(CELL)
    closure = world.parameters["closure"]
    assert (cells["closed"] == np.round(closure * cells["stock_before"])).all()
    expected = (cells["stock_before"] - cells["closed"] + cells["openings_whole"]
                - cells["supply_whole"]).clip(lower=0)
    expected = np.minimum(expected, np.floor(cells["demand"] / 2))
    assert (cells["vacancies"] == expected).all()
    vacancies = _read(world.truth_directory, "vacancies").set_index(CELL)["vacancies"]
    before = vacancies.unstack("year").shift(1, axis=1).stack().reorder_levels(CELL)
    assert (cells["stock_before"] == before.reindex(cells.index)).all()
    # The stock builds up: more unfilled vacancies at the end than at the start.
    totals = vacancies.groupby(level="year").sum()
    assert totals.iloc[-1] > 1.2 * totals.iloc[0]


def test_shock_world_shows_its_three_breaks(tmp_path):
    world = WORLDS["shock"](tmp_path, seed=SEED, last_year=LAST, first_year=FIRST, horizon=HORIZON)
    migration = world.tables["migration"]
    higher = migration[(migration["flow"] == "emigration") & (migration["education"] == "higher")]
    by_year = higher.groupby("year")["persons"].sum()
    assert by_year[LAST - 1] > 1.5 * by_year[LAST - 3]
    need = world.need
    resource = need["region"].isin(["KZ-23", "KZ-47", "KZ-15", "KZ-27", "KZ-43"])
    mining = need[resource & need["sector"].isin(["B", "F"])].groupby("year")["demand"].sum()
    assert mining[LAST - 3] > 1.3 * mining[LAST - 9 if LAST - 9 > FIRST else FIRST + 1]
    assert mining[LAST + 1] < 0.8 * mining[LAST - 3]
    # The large cohort born L-64..L-60 is aged 60-64 in L, and retires about then.
    flow = WORLDS["flow"](tmp_path / "flow", seed=SEED, last_year=LAST, first_year=FIRST, horizon=HORIZON)

    def wave(w):
        pop = w.tables["population"]
        pop = pop[pop["year"] == LAST].groupby("age_band")["population"].sum()
        return pop["60-64"] / pop["50-54"]

    def retire_rate(w):
        rows = w.need[w.need["year"] == LAST + 1]
        return rows["retirements"].sum() / rows["employed_before"].sum()

    assert wave(world) > 1.3 * wave(flow)
    assert retire_rate(world) > 1.2 * retire_rate(flow)


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_same_seed_same_world(name, tmp_path):
    one = WORLDS[name](tmp_path / "a", seed=3, last_year=FIRST + 3, first_year=FIRST, horizon=1)
    two = WORLDS[name](tmp_path / "b", seed=3, last_year=FIRST + 3, first_year=FIRST, horizon=1)
    other = WORLDS[name](tmp_path / "c", seed=4, last_year=FIRST + 3, first_year=FIRST, horizon=1)
    assert _digest(one.directory) == _digest(two.directory)
    assert _digest(one.directory)["employment.csv"] != _digest(other.directory)["employment.csv"]


def test_write_data_cuts_at_the_year_asked(world, tmp_path):
    folder = world.write_data(tmp_path / "cut", through=LAST + 2)
    data = forecast.load_data(folder)
    assert data.last_year == LAST + 2
    with pytest.raises(ValueError):
        world.write_data(tmp_path / "late", through=LAST + HORIZON + 1)
