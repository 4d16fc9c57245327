"""The main job end to end, and the command line's exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from forecast import cli
from forecast.inputs.regions import region_codes
from forecast.inputs.sectors import sector_codes


@pytest.fixture(scope="module")
def main_job(sample_quota_run):
    return sample_quota_run


def test_writes_the_four_files(main_job):
    assert sorted(p.name for p in main_job.iterdir()) == ["quota.csv", "quota.xlsx", "report.html",
                                                         "run.json"]


def test_quota_csv_has_a_line_per_region_sector_category(main_job):
    quota = pd.read_csv(main_job / "quota.csv", dtype={"category": str})
    assert len(quota) == 20 * 21 * 5
    assert set(quota["region"]) == set(region_codes())
    assert set(quota["sector"]) == set(sector_codes())
    assert set(quota["category"]) == {"1", "2", "3", "4", "seasonal"}
    for column in ("region", "sector", "category", "quota", "quota_low", "quota_high", "shortage",
                   "tier", "reason"):
        assert column in quota.columns
    assert quota["quota"].dtype.kind == "i" and (quota["quota"] >= 0).all()
    assert quota["quota_low"].sum() <= quota["quota"].sum() <= quota["quota_high"].sum()
    assert quota["reason"].str.len().gt(20).all()


def test_totals_and_cap(main_job):
    quota = pd.read_csv(main_job / "quota.csv")
    run = json.loads((main_job / "run.json").read_text())
    assert run["totals"]["quota"] == quota["quota"].sum()
    assert quota["quota"].sum() <= run["totals"]["cap"]
    assert run["totals"]["cap"] == int(run["totals"]["labour_force"] * 0.25 / 100)
    assert quota["quota"].sum() > 0


def test_run_json_records_provenance(main_job):
    run = json.loads((main_job / "run.json").read_text())
    assert run["version"] and run["seed"] == 0 and run["year"] == 2027 and run["origin"] == 2024
    assert run["data"]["synthetic_sample"] is True
    assert any("SYNTHETIC SAMPLE DATA" in w and "NOT official statistics" in w for w in run["warnings"])
    from forecast.inputs.sample import sample_directory

    for name, digest in run["data"]["sha256"].items():
        assert hashlib.sha256((sample_directory() / name).read_bytes()).hexdigest() == digest
    assert run["policy"]["cap_percent_of_labour_force"] == 0.25
    assert sum(run["models"]["chosen"].values()) > 1000


def test_report_says_the_data_are_synthetic(main_job):
    assert "SYNTHETIC SAMPLE DATA" in (main_job / "report.html").read_text(encoding="utf-8")


def test_existing_output_is_not_overwritten(main_job, capsys):
    before = (main_job / "quota.csv").read_bytes()
    assert cli.main(["quota", "--year", "2027", "--out", str(main_job), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (main_job / "quota.csv").read_bytes() == before


def test_year_out_of_range_is_refused(tmp_path, capsys):
    assert cli.main(["quota", "--year", "2040", "--out", str(tmp_path / "q")]) == 2
    assert "expected a year from 2025 to 2029" in capsys.readouterr().err
    assert not (tmp_path / "q").exists()


def test_bad_data_directory_is_refused_and_nothing_written(tmp_path, capsys):
    data = tmp_path / "data"
    assert cli.main(["sample-data", str(data)]) == 0
    employment = pd.read_csv(data / "employment.csv")
    employment.loc[3, "employed"] = -7
    employment.to_csv(data / "employment.csv", index=False)
    assert cli.main(["quota", "--year", "2026", "--data", str(data), "--out", str(tmp_path / "q")]) == 2
    err = capsys.readouterr().err
    assert "employment.csv, row 5, column 'employed': value '-7'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "q").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_validate_lists_every_problem(tmp_path, capsys):
    data = tmp_path / "data"
    cli.main(["sample-data", str(data)])
    capsys.readouterr()
    assert cli.main(["validate", str(data)]) == 0
    assert "valid; 9 tables" in capsys.readouterr().out
    wages = pd.read_csv(data / "wages.csv")
    wages.loc[0, "region"] = "Atlantis"
    wages.loc[1, "wage"] = float("nan")
    wages.to_csv(data / "wages.csv", index=False)
    (data / "population.csv").unlink()
    assert cli.main(["validate", str(data)]) == 2
    err = capsys.readouterr().err
    assert "3 problems found" in err
    assert "'Atlantis'" in err and "the value is missing" in err and "'population' is missing" in err


def test_sample_data_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert cli.main(["sample-data", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["quota"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code == 2


def test_internal_error_exits_1_without_traceback(monkeypatch, tmp_path, capsys):
    import forecast.pipeline.quota_job

    def broken(*args, **kwargs):
        raise RuntimeError("model exploded")

    # Broken at the first stage after loading, so the test need not wait for a forecast.
    monkeypatch.setattr(forecast.pipeline.quota_job, "build_series_panel", broken)
    assert cli.main(["quota", "--year", "2026", "--out", str(tmp_path / "q"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: model exploded" in err and "Traceback" not in err
    assert not (tmp_path / "q").exists()


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("labor-forecast")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "quota" in result.stdout
    result = subprocess.run([str(script), "validate", "/nonexistent/folder"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


# Checksums of the sample run: a change meant to keep behaviour must leave these files byte for
# byte the same; a change that means to alter the proposal updates them and says why in its note.
# The move into stage packages kept them; then they changed for the unfilled demand carried from
# the origin, ranges that bracket, seasonal need from permits, regulated professions, tiers from
# the planning quantile, uptake, reallocation and fee columns, the headline sheet, and the
# provenance of every table in run.json. The workbook is pinned by what a reader sees (every
# sheet's cells: value and number format), not by its zip bytes, which change with openpyxl's
# version; the kill test checks that two runs give the same bytes.
# The workbook changed again for its formats and labels: percent formats for shares, readable
# policy names, translated warnings and sources, one definition of net shortage and demand in
# every table, persons as whole numbers, totals of every persons column (run.json and quota.csv
# did not change). run.json and the workbook's assumptions then gained mix_observed_balance and
# the forecast's share of the balance it chose (1 on the sample, so quota.csv is the same).
# All three changed when the demand model became the mix of the panel growth model and the
# univariate forecasts (25% panel on the sample); the workbook then gained the sentence on the
# demand models, and the foreign and eligible need totals became the sums of the lines as
# written (29,007.1, not 29,008.9 from unrounded lines). The workbook changed once more for
# its labels only: "today's rule" throughout, and the quota after reallocation counted in persons;
# and again when the sources sheet named the forecasters ("naive + drift + Theta"), not their codes.
# run.json and the workbook then changed for the headline only: the lines' rounding of the
# eligible need is no cut (cut 0, whole persons +1), and the ceiling advice quotes the headline's
# eligible need (23,913, not 23,914); quota.csv did not change. The workbook's summary then
# gained last year's approved quota. run.json then recorded the stock identity fitted to the
# vacancies (not accepted on the sample), and the workbook's sentence on the models says so;
# quota.csv did not change. The workbook then changed for the synthetic-data banner only ("these
# results were computed", since the banner heads the forecast and back-test pages too), and for
# the fee table's heading: "unmet employer demand", which is what that column counts. run.json
# and the workbook then changed for the headline only: every stage's total is the sum of the
# lines as written, so the local-content rule, which cuts no line, reads 0 (not -1), and the
# lines' rounding of the need from the shortage moves to the domestic measures (-63,427). The
# workbook then gained one sentence on the back-test sheet: the demand back-test's origins
# (2018-2021) and why the backtest command's figures differ. The summary sheet then gained the
# data basis (tables and their provenance, the missing ones and what replaces them), and the
# foreign-need item says it comes before the sector rules as well as the ceiling; then the
# sentence on why a negative net shortage still gives a quota (the short cells alone, 90,683);
# then the indicator name of the legal quota rate (set by decree; the orders may allocate less).
# run.json then changed for the fallback reasons only: the 11 series without a scored back-test
# error are constant (all zero), which the reason now says, not "series too short".
# All three changed when the shortage quantiles stopped adding the past errors' median (the
# bias correction, now an assumption off by default): the median is the central forecast, and
# the proposal went from 23,914 to 15,560.
PINNED = {
    "quota.csv": "b2f29d22372e18c07e29a9cda269bd9551ed9a3fe99cd894bb2cf33521a9719c",
    "quota.xlsx": "643cdd905932f77ca98d1bd7ca59501aa305379f16403bb2ae92794594df32be",
    # run.json less the time stamp, the run time and the Python version.
    "run.json": "d840fd05f61984abbdb715c37e0ae553eb46e4cfea4ce69256fdfca146e8ae7f",
}


def _normalised_run_json(path: Path) -> bytes:
    info = json.loads(path.read_text(encoding="utf-8"))
    for key in ("created", "seconds", "python"):
        info.pop(key)
    return json.dumps(info, sort_keys=True, indent=2, ensure_ascii=False, default=str).encode()


def _workbook_digest(path: Path) -> str:
    from openpyxl import load_workbook

    digest = hashlib.sha256()
    book = load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        digest.update(repr(sheet.title).encode())
        for row in sheet.iter_rows():
            digest.update(repr([(cell.value, getattr(cell, "number_format", None))
                                for cell in row]).encode())
    book.close()
    return digest.hexdigest()


def test_sample_run_is_pinned_byte_for_byte(main_job):
    digests = {"quota.csv": hashlib.sha256((main_job / "quota.csv").read_bytes()).hexdigest(),
               "quota.xlsx": _workbook_digest(main_job / "quota.xlsx")}
    digests["run.json"] = hashlib.sha256(_normalised_run_json(main_job / "run.json")).hexdigest()
    assert digests == PINNED


def test_python_api_with_the_data_gives_the_cli_quota(main_job, sample):
    from forecast import forecast_shortage, recommend_quota

    quota = pd.read_csv(main_job / "quota.csv", dtype={"category": str})
    proposal = recommend_quota(forecast_shortage(sample, 2027), data=sample)
    assert proposal["quota"].sum() == quota["quota"].sum()
    assert proposal["quota"].tolist() == quota["quota"].tolist()
