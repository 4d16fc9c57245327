"""The real BNS tables: the long-layout importer on the shipped files, its frictions, and the
``real-data`` directory end to end (validate, quota)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from forecast.cli import main
from forecast.inputs.errors import InputError
from forecast.inputs.loader import load_data
from forecast.inputs.real.bns_long import (fill_year_gaps, read_bns_long,
                                           remove_shymkent_double_count, year_from_text)
from forecast.inputs.real.tables import (age_sex_shares, broad_sector_by_region, regional_series,
                                         published_orders, quota_history, shipped_path)
from forecast.inputs.regions import region_codes, resolve_region

LONG_HEADER = "date,region,item_code,item_name,value,transformation\n"


def test_importer_reads_the_shipped_employment_in_persons():
    frame = read_bns_long(shipped_path("employed_by_region.csv"), unit="thousand")
    national = frame[(frame["region"] == "KZ") & (frame["year"] == 2024)]
    assert national["value"].round().tolist() == [9_214_184]
    assert frame["year"].between(2001, 2025).all() and 2015 not in set(frame["year"])
    assert set(frame["region"]) <= set(region_codes(include_national=True))
    assert "YKO" in set(frame["source_region"]) and "KZ-61" in set(frame["region"])


def test_labour_force_2024_reproduces_the_published_total():
    frame = regional_series("labour_force_by_region.csv")
    assert round(frame.loc[(frame["region"] == "KZ") & (frame["year"] == 2024), "value"].iloc[0]) == 9_663_991


@pytest.mark.parametrize("label, code", [
    ("AKM", "KZ-11"), ("ALA", "KZ-75"), ("ALM", "KZ-19"), ("AST", "KZ-71"), ("SHM", "KZ-79"),
    ("YKO", "KZ-61"), ("TRK", "KZ-61"), ("ABY", "KZ-10"), ("ULT", "KZ-62"), ("national", "KZ"),
    ("750000000", "KZ-75"), ("510000000", "KZ-61"), ("110000000", "KZ-11"), ("Алматинская", "KZ-19"),
])
def test_three_letter_and_kato_codes_are_region_aliases(label, code):
    assert resolve_region(label) == code


def test_thousand_persons_and_persons(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(LONG_HEADER + "2021-12-31,AKM,TOTAL,x,\"1,5\",level\n", encoding="utf-8")
    assert read_bns_long(path, unit="thousand")["value"].tolist() == [1500.0]
    assert read_bns_long(path, unit="persons")["value"].tolist() == [1.5]
    with pytest.raises(InputError, match="unit"):
        read_bns_long(path, unit="dozens")


def test_year_from_a_constant_the_file_name_or_the_sheet_title(tmp_path):
    body = "region,value\nАлматинская,10\nAKM,20\n"
    named = tmp_path / "population_2021.csv"
    named.write_text(body, encoding="utf-8")
    assert set(read_bns_long(named)["year"]) == {2021}
    plain = tmp_path / "population.csv"
    plain.write_text(body, encoding="utf-8")
    assert set(read_bns_long(plain, year=2019)["year"]) == {2019}
    with pytest.raises(InputError, match="pass year=YYYY"):
        read_bns_long(plain)
    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"region": ["ZKO"], "value": [5]}).to_excel(writer, sheet_name="Население 2020", index=False)
    frame = read_bns_long(book)
    assert frame[["region", "year"]].values.tolist() == [["KZ-27", 2020]]
    assert year_from_text("2019-2020") is None and year_from_text("31.12.2024") == 2024


def test_importer_errors_name_file_row_column_and_value(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(LONG_HEADER + "2021-12-31,AKM,TOTAL,x,1,level\n2021-12-31,XYZ,TOTAL,x,2,level\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv: row 3, column 'region'.*XYZ"):
        read_bns_long(path)
    path.write_text(LONG_HEADER + "2021-12-31,AKM,TOTAL,x,-1,level\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'value'.*negative"):
        read_bns_long(path)
    path.write_text(LONG_HEADER + "someday,AKM,TOTAL,x,1,level\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'date'.*cannot read a year"):
        read_bns_long(path)
    path.write_text(LONG_HEADER + "2021-12-31,AKM,TOTAL,x,1,level\n2021-12-31,Akmola,TOTAL,x,1,level\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="more than once"):
        read_bns_long(path)


def test_the_2015_gap_is_interpolated_and_flagged():
    frame = regional_series("employed_by_region.csv")
    akmola = frame[frame["region"] == "KZ-11"].set_index("year")
    assert akmola.loc[2015, "interpolated"] and not akmola.drop(2015)["interpolated"].any()
    assert akmola.loc[2015, "value"] == pytest.approx((akmola.loc[2014, "value"] + akmola.loc[2016, "value"]) / 2)
    filled = fill_year_gaps(pd.DataFrame({"r": ["a"] * 3, "year": [2000, 2001, 2004], "v": [1.0, 2.0, 5.0]}),
                            "v", ["r"])
    assert filled["year"].tolist() == [2000, 2001, 2002, 2003, 2004]
    assert filled["v"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert filled["interpolated"].tolist() == [False, False, True, True, False]


def test_the_shymkent_double_count_of_2016_2017_is_removed():
    broad = broad_sector_by_region()
    for year in (2016, 2017):
        at = broad[broad["year"] == year]
        regions = at[at["region"] != "KZ"].groupby("broad")["value"].sum()
        national = at[at["region"] == "KZ"].set_index("broad")["value"]
        assert (regions - national).abs().max() < 1
    raw = pd.DataFrame({"source_region": ["YKO", "SHM", "YKO"], "year": [2016, 2016, 2015],
                        "item": "TOTAL", "value": [100.0, 30.0, 90.0]})
    fixed = remove_shymkent_double_count(raw)
    assert fixed[["source_region", "year", "value"]].values.tolist() == [
        ["TRK", 2016, 70.0], ["SHM", 2016, 30.0], ["YKO", 2015, 90.0]]
    with pytest.raises(InputError, match="cannot include it"):
        remove_shymkent_double_count(raw.assign(value=[10.0, 30.0, 90.0]))


def test_orders_published_by_category_only_enter_the_quota_history_as_their_sum():
    orders = published_orders()
    assert orders[2026] == {"1": 726, "2": 3402, "3": 5893, "4": 3131, "seasonal": 4994}
    assert sum(orders[2025].values()) == 649 + 3254 + 5718 + 1161 + 4097
    history = quota_history().set_index("year")["quota"]
    assert history[2026] == 18_146 and history[2025] == 14_879
    # Published totals are kept as published, and years with neither are left out.
    assert history[2024] == 22_000 and history[2009] == 63_750
    assert 2017 not in history.index and history.index.is_monotonic_increasing


def test_a_single_year_table_feeds_the_population_estimate():
    shares = age_sex_shares()
    assert set(shares["age_band"]) == {"0-15", "16-62", "63+", "16-58", "59+"}
    assert shares.groupby("region")["share"].sum().round(9).eq(1.0).all()


@pytest.fixture(scope="module")
def real_dir(real_data_dir):
    return real_data_dir


def test_real_directory_validates_and_reproduces_the_published_totals(real_dir):
    folder, info = real_dir
    data = load_data(folder)
    assert set(data.tables) == {"employment", "population", "migration", "labour_force", "quota"}
    assert (data.first_year, data.last_year) == (2001, 2025)
    assert info["references"]["employed_2024"] == 9_214_184
    assert info["references"]["labour_force_2024"] == 9_663_991
    assert info["grid_fit"]["region"]["max_abs_deviation"] == 0
    assert info["grid_fit"]["region x broad sector"]["max_abs_deviation"] == 0
    assert set(info["missing"]) == {"vacancies", "wages", "graduates", "permits", "applicants"}
    kinds = {name: entry["provenance"] for name, entry in data.table_provenance().items()}
    assert kinds == {"employment": "estimated", "population": "estimated", "migration": "estimated",
                     "labour_force": "real", "quota": "real"}
    assert not data.is_synthetic
    assert (folder / "SOURCES.md").read_text(encoding="utf-8").startswith("# Real Kazakhstan")
    population = pd.read_csv(folder / "population.csv")
    assert set(population.loc[population["year"] >= 2024, "status"]) == {"estimated;extrapolated"}


def test_real_data_command_refuses_a_folder_it_did_not_write(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["real-data", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["real-data", str(tmp_path), "--force"]) == 2
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    # An earlier real-data directory with a file of the user's in it is not replaced either.
    (tmp_path / "real-data.json").write_text("{}", encoding="utf-8")
    assert main(["real-data", str(tmp_path), "--force"]) == 2


def test_real_data_replaces_its_own_folder_and_prints_the_published_checks(real_data_dir, tmp_path,
                                                                           capsys):
    # The session's real-data folder stands for the first ``real-data DIR``; a copy of it is
    # replaced with --force, which only an earlier folder of the command allows.
    data = tmp_path / "kz"
    shutil.copytree(real_data_dir[0], data)
    assert main(["real-data", str(data), "--force"]) == 0
    printed = capsys.readouterr().out
    assert "9,214,184 (published 9,214,184)" in printed and "9,663,991 (published 9,663,991)" in printed
    assert sorted(p.name for p in data.iterdir()) == sorted(p.name for p in real_data_dir[0].iterdir())


def test_real_data_validate_quota_end_to_end(real_data_dir, tmp_path, capsys):
    # The session's folder is read, never written: the run's output goes elsewhere.
    data, out = real_data_dir[0], tmp_path / "q"
    assert main(["validate", str(data)]) == 0
    capsys.readouterr()
    assert main(["quota", "--year", "2027", "--data", str(data), "--out", str(out)]) == 0
    summary = capsys.readouterr().out
    assert "employment (estimated)" in summary and "labour force (real)" in summary
    assert "NOTE: synthetic" not in summary
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {n: e["provenance"] for n, e in info["tables"].items()} == {
        "employment": "estimated", "labour_force": "real", "migration": "estimated",
        "population": "estimated", "quota": "real"}
    assert set(info["missing_tables"]) == {"vacancies", "wages", "graduates", "permits", "applicants"}
    # The ceiling is a share of the surveyed labour force of the last data year.
    labour = pd.read_csv(data / "labour_force.csv")
    assert info["totals"]["labour_force"] == labour.loc[labour["year"] == 2025, "labour_force"].sum()
    refs = {row["reference"]: row for row in info["references"]}
    assert refs["employed_2024"]["this_run"] == 9_214_184
    assert refs["labour_force_2024"]["this_run"] == 9_663_991
    assert refs["sector_share_F"]["published"] == 34.5
    assert refs["category_share_3"]["source"].endswith("5,893 of 18,146")
    # Last year's approved quota is the 2026 order (published by category only), not 2024's.
    assert info["comparison"]["last_year"]["year"] == 2026
    assert info["comparison"]["last_year"]["total"] == 18_146
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "synthetic-banner" not in report
    assert 'id="provenance-tables"' in report and 'id="provenance-references"' in report


def test_the_loader_keeps_status_and_estimation_cv(real_dir):
    folder, info = real_dir
    data = load_data(folder)
    flags = data.flags["employment"]
    assert {"status", "estimation_cv"} <= set(flags.columns) and len(flags) == len(data["employment"])
    assert (flags["estimation_cv"] >= 0).all() and flags["estimation_cv"].median() > 0
    assert "status" not in data["employment"].columns  # the table itself keeps the contract
    assert set(data.unscored["employment"]["year"]) == {2015}
    assert set(data.unscored["labour_force"]["year"]) == {2015}
    assert info["estimation"]["priors"] == 20 and info["estimation"]["cv_median"] > 0
    assert info["estimation"]["refit_max_abs_deviation"]["region x broad sector"] == 0
    # Cut at a year, the flags still travel with the tables.
    assert set(data.as_of(2020).unscored["employment"]["year"]) == {2015}


def test_the_demand_backtest_reports_no_score_for_2015_targets(real_dir):
    from forecast.shortage.backtest import demand_backtest
    from forecast.shortage.panel import SeriesPanel, build_series_panel

    panel = build_series_panel(load_data(real_dir[0]))
    ids = [f"demand|KZ-11|A|{skill}" for skill in ("high", "medium", "low")]
    small = SeriesPanel(panel.tables, panel.series[panel.series["unique_id"].isin(ids)])
    result = demand_backtest(small, h=1, n_windows=3, level=(80,))
    assert result.origins == [2022, 2023, 2024] and result.unscored == 0
    # From origins 2012-2016, 2015 is a target: never scored.
    result = demand_backtest(SeriesPanel(panel.tables, small.series[small.series["ds"] <= 2017]),
                             h=1, n_windows=5, level=(80,))
    forecasts = result.forecasts
    assert 2015 in set(forecasts["ds"]) and result.unscored == 3
    assert set(forecasts.loc[~forecasts["scored"], "ds"]) == {2015}
    assert int(result.metrics["n"].iloc[-1]) == int(forecasts["scored"].sum()) == 12


# The unemployment rate (percent) is not a count and feeds nothing; the counts all have the gap.
@pytest.mark.parametrize("name", ["unemployed_by_region.csv", "employed_by_region.csv",
                                  "labour_force_by_region.csv"])
def test_the_2015_gap_of_every_regional_survey_table_is_interpolated(name):
    raw = read_bns_long(shipped_path(name), unit="persons")
    assert 2015 not in set(raw["year"])
    frame = regional_series(name)
    assert set(frame.loc[frame["interpolated"], "year"]) == {2015}
    spans = frame.groupby("region")["year"].agg(["min", "max", "count"])
    assert (spans["count"] == spans["max"] - spans["min"] + 1).all()  # no gap left anywhere
    assert (spans["min"] < 2015).sum() >= 17
