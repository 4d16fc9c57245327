"""The embedded sample: calibration against published figures, realism, truth and determinism."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from features import demographic_features
from forecast import load_truth
from forecast.inputs.harmonize import harmonize
from forecast.inputs.regions import resolve_region
from forecast.inputs.sample import sample_directory
from forecast.inputs.sample.generator import read_public, write_sample


def _public(name: str) -> pd.DataFrame:
    return read_public(name)


def test_regional_population_matches_published_series(sample):
    real = _public("population_by_region_2000_2050.csv").rename(
        columns={"Область": "region", "Год": "year", "Население": "population"})
    real = real[real["year"] <= 2023]
    real["region"] = real["region"].map(resolve_region)
    real = real[real["region"] != "KZ"][["region", "year", "population"]]
    published = harmonize(real, "population", "2017").set_index(["region", "year"])["population"]
    totals = sample["population"].groupby(["region", "year"], as_index=False)["population"].sum()
    ours = harmonize(totals, "population", "2017").set_index(["region", "year"])["population"]
    error = (ours.reindex(published.index) / published - 1).abs()
    assert error.notna().all() and error.max() < 0.01


def test_broad_age_structure_matches_published_shares(sample):
    real = _public("population_by_region_age_sex.csv")
    real["code"] = real["region"].map(resolve_region)
    working = real[~real["age"].isin(["0-15"]) & ~real["age"].str.endswith("+")]
    real_share = working.groupby("code")["value"].sum() / real.groupby("code")["value"].sum()
    pop = sample["population"]
    demo = demographic_features(pop[pop["year"] == 2020], horizon=1).set_index("region")
    share = demo["working_age_population"] / pop[pop["year"] == 2020].groupby("region")["population"].sum()
    common = real_share.index.intersection(share.index).drop("KZ", errors="ignore")
    assert len(common) >= 16
    assert (share[common] - real_share[common]).abs().max() < 0.02


def test_north_is_older_than_south(sample):
    pop = sample["population"][sample["population"]["year"] == 2024]
    old = pop[pop["age_band"].isin(["65-69", "70+"])].groupby("region")["population"].sum()
    share = old / pop.groupby("region")["population"].sum()
    assert share["KZ-59"] > 1.5 * share["KZ-61"]


def test_applicants_match_published_series(sample):
    real = _public("employment_office_applicants_by_region_2001_2021.csv").melt(
        id_vars="year", var_name="region", value_name="applicants")
    real["region"] = real["region"].map(resolve_region)
    real = real.groupby(["region", "year"], as_index=False)["applicants"].sum()
    published = harmonize(real, "applicants", "2017").set_index(["region", "year"])["applicants"]
    ours = harmonize(sample["applicants"], "applicants", "2017").set_index(["region", "year"])["applicants"]
    assert (ours.reindex(published.index) / published - 1).abs().max() < 0.01


def test_regional_average_wage_2022_matches_published(sample):
    wages = sample["wages"][sample["wages"]["year"] == 2022]
    employed = (sample["employment"][sample["employment"]["year"] == 2022]
                .groupby(["region", "sector"], as_index=False)["employed"].sum())
    merged = wages.merge(employed, on=["region", "sector"])
    average = (merged["wage"] * merged["employed"]).groupby(merged["region"]).sum() / \
        merged.groupby("region")["employed"].sum()
    real = _public("avg_salary_by_region_occupation_2022.csv")
    real = real[real["regions"] != "South Kazakhstan Region"]
    real = real.set_index(real["regions"].map(resolve_region))["avg_salary"]
    assert (average / real.reindex(average.index) - 1).abs().max() < 0.03


def test_emigration_totals_and_education_mix(sample):
    migration = sample["migration"]
    emigration = migration[(migration["flow"] == "emigration")]
    period = emigration[emigration["year"].between(2011, 2022)]
    assert period["persons"].sum() == pytest.approx(367_100, rel=0.01)
    mix = period.groupby("education")["persons"].sum() / period["persons"].sum()
    assert mix["higher"] == pytest.approx(0.38, abs=0.02)
    assert mix["tvet"] == pytest.approx(0.34, abs=0.02)
    by_year = emigration.groupby("year")["persons"].sum()
    assert by_year[2017] == pytest.approx(37_700, rel=0.01)
    assert by_year[2019] + by_year[2020] == pytest.approx(74_300, rel=0.01)


def test_emigration_concentrated_in_north_and_east(sample):
    migration = sample["migration"]
    emig = migration[(migration["flow"] == "emigration") & (migration["year"] == 2019)]
    pop = sample["population"][sample["population"]["year"] == 2019].groupby("region")["population"].sum()
    rate = emig.groupby("region")["persons"].sum() / pop
    north_east = rate[["KZ-39", "KZ-59", "KZ-55", "KZ-11", "KZ-63"]].mean()
    south = rate[["KZ-61", "KZ-31", "KZ-43", "KZ-79"]].mean()
    assert north_east > 3 * south


def test_2022_inflow_of_skilled_immigrants(sample):
    migration = sample["migration"]
    higher = migration[(migration["flow"] == "immigration") & (migration["education"] == "higher")]
    by_year = higher.groupby("year")["persons"].sum()
    assert by_year[2022] > 3 * by_year[2021]
    assert by_year[2020] < 0.5 * by_year[2010]  # arrivals of the educated halved in a decade
    cities = higher[higher["year"] == 2022].set_index("region")["persons"]
    assert cities[["KZ-75", "KZ-71"]].sum() > 0.5 * cities.sum()


def test_employment_rate_and_sector_shares_match_published(sample):
    pop = sample["population"]
    working = demographic_features(pop, horizon=1).groupby("ds")["working_age_population"].sum()
    employed = sample["employment"].groupby("year")["employed"].sum()
    rate = (employed / working).loc[[2001, 2006, 2011, 2016]]
    assert np.allclose(rate.to_numpy(), [0.723, 0.735, 0.77, 0.776], atol=0.03)
    shares = sample["employment"].groupby(["year", "sector"])["employed"].sum().unstack()
    shares = shares.div(shares.sum(axis=1), axis=0)
    assert np.allclose(shares["A"].loc[[2001, 2006, 2011, 2016]], [0.350, 0.311, 0.265, 0.162], atol=0.03)


def test_shocks_visible_in_employment(sample):
    employment = sample["employment"]
    by = employment.groupby(["year", "sector"])["employed"].sum().unstack()
    assert by.loc[2009, "F"] < by.loc[2008, "F"] * 0.95
    assert by.loc[2020, "I"] < by.loc[2019, "I"] * 0.92
    assert by.loc[2022, "J"] > by.loc[2021, "J"] * 1.04


def test_tables_published_on_boundaries_of_their_year(sample):
    for name in ("employment", "population", "migration", "wages", "graduates"):
        first = sample[name].groupby("region")["year"].min()
        assert first["KZ-79"] == 2018, name
        assert first[["KZ-10", "KZ-33", "KZ-62"]].eq(2022).all(), name
        assert first.drop(["KZ-79", "KZ-10", "KZ-33", "KZ-62"]).eq(2000).all(), name


def test_quota_history_is_the_published_one(sample):
    history = _public("quota_history_kz.csv").dropna(subset=["quota_persons"])
    quota = sample["quota"].set_index("year")["quota"]
    for row in history.itertuples():
        assert quota[row.year] == row.quota_persons


def test_every_table_of_the_contract_is_present(sample):
    assert set(sample.tables) == {"employment", "population", "migration", "vacancies", "wages",
                                  "graduates", "permits", "quota", "applicants"}
    assert sample.is_synthetic and sample.first_year == 2000 and sample.last_year == 2024
    employment = sample["employment"]
    assert employment["sector"].nunique() == 21 and employment["skill"].nunique() == 3
    harmonized_regions = set(employment["region"])
    assert len(harmonized_regions) == 20


def test_truth_is_a_consistent_balance():
    truth = load_truth()
    assert truth["year"].min() == 2001 and truth["year"].max() == 2029
    assert len(truth) == 20 * 21 * 3 * 29
    openings = truth[["expansion", "retirements", "deaths", "emigration"]].sum(axis=1)
    seekers = truth[["graduates", "immigration", "internal_migration", "unemployed"]].sum(axis=1)
    assert np.allclose(openings, truth["openings"], atol=0.05)
    assert np.allclose(seekers, truth["seekers"], atol=0.05)
    assert np.allclose(truth["openings"] - truth["seekers"], truth["shortage"], atol=0.05)
    skilled = truth[truth["skill"] != "low"].groupby("year")["shortage"].apply(lambda s: s.clip(lower=0).sum())
    assert skilled.between(5_000, 400_000).all()  # 2020 is the low point
    assert skilled.drop(2020).between(20_000, 400_000).all()


def test_generator_reproduces_the_shipped_files(tmp_path):
    sha = write_sample(tmp_path / "data")
    shipped = json.loads((sample_directory() / "synthetic-sample.json").read_text())["sha256"]
    assert sha == shipped
    for name, digest in shipped.items():
        assert hashlib.sha256((sample_directory() / name).read_bytes()).hexdigest() == digest
    shipped_truth = sample_directory().parent / "truth" / "shortage.csv.gz"
    assert (tmp_path / "truth" / "shortage.csv.gz").read_bytes() == shipped_truth.read_bytes()


def test_another_seed_gives_another_sample(tmp_path):
    assert write_sample(tmp_path / "a", seed=1, with_truth=False) != \
        write_sample(tmp_path / "b", seed=2, with_truth=False)
