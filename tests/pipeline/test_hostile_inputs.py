"""Hostile inputs: every malformed data directory, policy file or output path is refused.

Each case starts from the embedded sample, breaks one thing and checks that both
``labor-forecast validate`` and ``labor-forecast quota`` exit with status 2, print one clear
message naming the file (and the column, row and value where they apply) without a traceback,
and write nothing: no output folder and no hidden staging folder beside it.

The sample is cut to a few regions so that each refusal takes a fraction of a second; the cut
directory is itself checked to be valid, so every refusal below is caused by the one thing each
case breaks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from forecast.cli import main
from sample_cuts import read_table, write_sample_cut, write_table
from forecast.inputs.schema import TABLES

# Two full regions, one region that exists only since the 2022 split, and the national rows
# (the quota table is national), so the checks across tables still have work to do.
KEPT_REGIONS = {"KZ-71", "KZ-75", "KZ-10", "KZ"}
EMPLOYMENT_HEADER = "region,sector,year,skill,employed\n"


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    """The embedded sample, cut to :data:`KEPT_REGIONS`, as a data directory of CSV files."""
    return write_sample_cut(tmp_path_factory.mktemp("base"), KEPT_REGIONS)


def _set_cell(table: str, column: str, index: int, value: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        frame = read_table(folder, table)
        frame.loc[index, column] = value
        write_table(folder, table, frame)
    return mutate


@dataclass(frozen=True)
class Case:
    """One hostile input: how to break the sample and what the message must contain."""

    name: str
    mutate: Callable[[Path], None]
    file: str
    expected: tuple[str, ...]
    column: str | None = None
    row: int | None = None
    value: object = None
    # Extra arguments for the quota command (policy cases); their data are valid.
    quota_args: tuple[str, ...] = field(default=())


def _cell_case(name: str, table: str, column: str, value: str, *expected: str,
               index: int = 5) -> Case:
    # CSV data start on spreadsheet row 2: the header is row 1.
    return Case(name, _set_cell(table, column, index, value), f"{table}.csv", expected, column,
                index + 2, value)


def _remove(table: str) -> Callable[[Path], None]:
    return lambda folder: (folder / f"{table}.csv").unlink()


def _drop_column(column: str) -> Callable[[Path], None]:
    return lambda folder: write_table(folder, "employment", read_table(folder, "employment").drop(columns=column))


def _rename_column(old: str, new: str) -> Callable[[Path], None]:
    return lambda folder: write_table(folder, "employment",
                                 read_table(folder, "employment").rename(columns={old: new}))


def _raw(name: str, content: bytes, remove_csv: bool = True) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        if remove_csv:
            (folder / "employment.csv").unlink()
        (folder / name).write_bytes(content)
    return mutate


def _duplicate_row(folder: Path) -> None:
    frame = read_table(folder, "employment")
    write_table(folder, "employment", pd.concat([frame, frame.iloc[[3]]], ignore_index=True))


def _duplicate_through_alias(folder: Path) -> None:
    frame = read_table(folder, "employment")
    twin = frame[frame["region"] == "KZ-71"].iloc[[0]].assign(region="Astana")
    write_table(folder, "employment", pd.concat([frame, twin], ignore_index=True))


def _year_gap(folder: Path) -> None:
    frame = read_table(folder, "employment")
    hole = ((frame["region"] == "KZ-75") & (frame["sector"] == "F") & (frame["skill"] == "high")
            & (frame["year"] == "2010"))
    assert hole.sum() == 1
    write_table(folder, "employment", frame[~hole])


def _population_without_region(folder: Path) -> None:
    frame = read_table(folder, "population")
    write_table(folder, "population", frame[frame["region"] != "KZ-75"])


def _xlsx_bytes(folder: Path) -> bytes:
    target = folder / "employment.xlsx"
    read_table(folder, "employment").head(200).to_excel(target, index=False)
    content = target.read_bytes()
    target.unlink()
    return content


def _truncated_xlsx(folder: Path) -> None:
    content = _xlsx_bytes(folder)
    _raw("employment.xlsx", content[: len(content) // 2])(folder)


def _xlsx_with_junk_inside(folder: Path) -> None:
    # A zip container whose parts are not a workbook: what a broken export looks like.
    import zipfile

    (folder / "employment.csv").unlink()
    with zipfile.ZipFile(folder / "employment.xlsx", "w") as book:
        book.writestr("notes.txt", "not a workbook")


def _cp1251(folder: Path) -> None:
    frame = read_table(folder, "employment")
    frame.loc[frame["region"] == "KZ-75", "region"] = "г. Алматы"
    (folder / "employment.csv").write_bytes(frame.to_csv(index=False).encode("cp1251"))


def _semicolons(folder: Path) -> None:
    read_table(folder, "employment").to_csv(folder / "employment.csv", index=False, sep=";")


def _two_files(folder: Path) -> None:
    read_table(folder, "employment").to_parquet(folder / "employment.parquet", index=False)


def _policy(text: str, name: str = "policy.toml") -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_text(text, encoding="utf-8")


CASES = [
    Case("missing-required-table", _remove("employment"), "employment.csv",
         ("required table 'employment' is missing",)),
    Case("missing-population-table", _remove("population"), "population.csv",
         ("required table 'population' is missing",)),
    Case("missing-value-column", _drop_column("employed"), "employment.csv",
         ("required column 'employed' is missing",), "employed"),
    Case("missing-key-column", _drop_column("skill"), "employment.csv",
         ("required column 'skill' is missing",), "skill"),
    Case("column-name-in-capitals", _rename_column("region", "Region"), "employment.csv",
         ("required column 'region' is missing", "found: Region"), "region"),
    Case("nul-byte-in-a-column-name", _rename_column("region", "reg\x00ion"), "employment.csv",
         ("required column 'region' is missing; column 'reg\\x00ion' has that name but holds "
          "characters that do not show", "found: 'reg\\x00ion', sector"), "region"),
    Case("zero-width-space-in-a-column-name", _rename_column("skill", "\u200bskill"),
         "employment.csv", ("column '\\u200bskill' has that name but holds characters",), "skill"),
    _cell_case("text-value", "employment", "employed", "many", "expected a non-negative number"),
    _cell_case("boolean-value", "employment", "employed", "True", "expected a non-negative number"),
    _cell_case("text-year", "employment", "year", "twenty", "expected a whole year"),
    _cell_case("fractional-year", "employment", "year", "2015.5", "expected a whole year"),
    _cell_case("negative-value", "employment", "employed", "-5", "expected a non-negative number"),
    _cell_case("negative-wage", "wages", "wage", "-120000", "expected a non-negative number"),
    _cell_case("blank-value", "employment", "employed", "", "the value is missing"),
    _cell_case("nan-value", "vacancies", "vacancies", "NaN", "the value is missing"),
    _cell_case("infinite-value", "employment", "employed", "inf", "not infinity"),
    _cell_case("minus-infinite-value", "migration", "persons", "-inf", "not infinity"),
    _cell_case("huge-value", "employment", "employed", "1e12", "implausibly large"),
    _cell_case("huge-wage", "wages", "wage", "5000000000", "implausibly large"),
    _cell_case("decimal-comma", "employment", "employed", "1234,5", "decimal comma"),
    _cell_case("spaced-thousands", "population", "population", "1 234 567",
               "spaces inside a number"),
    _cell_case("unknown-region", "employment", "region", "Atlantis", "unknown region"),
    _cell_case("unknown-sector", "employment", "sector", "Z", "unknown sector"),
    _cell_case("unknown-skill", "employment", "skill", "expert", "expected one of high"),
    _cell_case("unknown-flow", "migration", "flow", "teleport", "expected one of emigration"),
    _cell_case("unknown-category", "permits", "category", "7", "expected one of 1, 2"),
    _cell_case("bad-age-band", "population", "age_band", "16 to 24", "expected an age band"),
    _cell_case("year-too-early", "employment", "year", "1850", "between 1990 and 2100"),
    _cell_case("year-too-late", "graduates", "year", "2150", "between 1990 and 2100"),
    Case("duplicate-key", _duplicate_row, "employment.csv", ("duplicate key",)),
    Case("duplicate-key-through-alias", _duplicate_through_alias, "employment.csv",
         ("duplicate key", "name the same region")),
    Case("year-gap", _year_gap, "employment.csv",
         ("region=KZ-75, sector=F, skill=high", "2010 missing"), "year"),
    Case("population-misses-a-region", _population_without_region, "population.csv",
         ("region KZ-75", "no rows here"), "region"),
    Case("empty-file", _raw("employment.csv", b"", remove_csv=False), "employment.csv",
         ("the file is empty",)),
    Case("blank-lines-only", _raw("employment.csv", b"\n\n\n", remove_csv=False),
         "employment.csv", ("no header row",)),
    Case("header-only", _raw("employment.csv", EMPLOYMENT_HEADER.encode(), remove_csv=False),
         "employment.csv", ("header but no data rows",)),
    Case("truncated-xlsx", _truncated_xlsx, "employment.xlsx", ("cannot be read as XLSX",)),
    Case("corrupt-xlsx", _raw("employment.xlsx", os.urandom(4096)), "employment.xlsx",
         ("cannot be read as XLSX",)),
    Case("csv-named-xlsx", _raw("employment.xlsx", EMPLOYMENT_HEADER.encode() * 3),
         "employment.xlsx", ("cannot be read as XLSX",)),
    Case("zip-that-is-no-workbook", _xlsx_with_junk_inside, "employment.xlsx",
         ("cannot be read as XLSX",)),
    Case("parquet-that-is-not-parquet", _raw("employment.parquet", EMPLOYMENT_HEADER.encode()),
         "employment.parquet", ("cannot be read as Parquet",)),
    Case("cp1251-csv", _cp1251, "employment.csv", ("not UTF-8", "forecast.inputs.bns_import")),
    Case("semicolon-csv", _semicolons, "employment.csv", ("separated by ';'",)),
    Case("two-files-for-one-table", _two_files, "employment.csv",
         ("given by 2 files", "employment.parquet")),
]

POLICY_CASES = [
    Case("policy-unknown-key", _policy("[risk]\nplanning_quantile = 0.5\nconfidence = 0.9\n"),
         "policy.toml", ("unknown key risk.confidence",)),
    Case("policy-unknown-table", _policy("[ceilings]\npercent_of_labour_force = 2\n"),
         "policy.toml", ("unknown key 'ceilings'",)),
    Case("policy-impossible-value", _policy("[ceiling]\npercent_of_labour_force = 150\n"),
         "policy.toml", ("cap_percent_of_labour_force = 150", "from 0 to 100")),
    Case("policy-wrong-type", _policy("[domestic]\ndomestic_share = \"most\"\n"),
         "policy.toml", ("domestic_share = 'most'",)),
    Case("policy-invalid-toml", _policy("[risk\nplanning_quantile = \n"), "policy.toml",
         ("not a valid TOML file",)),
    Case("policy-not-utf8", lambda folder: (folder / "policy.toml").write_bytes(
        "# политика\n".encode("cp1251")), "policy.toml", ("cannot read the policy file",)),
]


def _break(base: Path, root: Path, case: Case) -> Path:
    # Only the required tables and the one the case breaks: every optional table read is time
    # spent on a refusal that does not depend on it.
    data = root / "data"
    data.mkdir()
    wanted = {name for name, spec in TABLES.items()
              if spec.required or name == Path(case.file).stem}
    for name in sorted(wanted):
        shutil.copy2(base / f"{name}.csv", data / f"{name}.csv")
    case.mutate(data)
    return data


def _check_message(err: str, case: Case) -> None:
    assert "Traceback" not in err
    assert case.file in err, err
    for text in case.expected:
        assert text in err, err
    if case.column is not None:
        assert repr(case.column) in err, err
    if case.row is not None:
        assert f"row {case.row}" in err, err
    if case.value is not None:
        assert f"value {case.value!r}" in err, err


def _check_nothing_written(root: Path) -> None:
    # The output folder would be root/out; a staging folder would be root/.out.* beside it.
    assert sorted(p.name for p in root.iterdir()) == ["data"]


def test_the_cut_sample_is_valid(base_dir, capsys):
    assert main(["validate", str(base_dir)]) == 0
    assert "valid; 9 tables" in capsys.readouterr().out


def test_the_required_tables_alone_are_valid(base_dir, tmp_path, capsys):
    data = _break(base_dir, tmp_path, Case("nothing-broken", lambda folder: None,
                                           "employment.csv", ()))
    assert main(["validate", str(data)]) == 0
    assert "valid; 3 tables" in capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_refuses(case, base_dir, tmp_path, capsys):
    data = _break(base_dir, tmp_path, case)
    assert main(["validate", str(data)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    # One thing is broken, so one problem is reported: no echoes of it in other checks.
    assert "the data were refused: 1 problem found" in captured.err
    _check_message(captured.err, case)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_quota_refuses_and_writes_nothing(case, base_dir, tmp_path, capsys):
    data = _break(base_dir, tmp_path, case)
    status = main(["quota", "--year", "2026", "--data", str(data), "--out", str(tmp_path / "out"),
                   "--quiet"])
    assert status == 2
    _check_message(capsys.readouterr().err, case)
    _check_nothing_written(tmp_path)


@pytest.mark.parametrize("case", POLICY_CASES, ids=[c.name for c in POLICY_CASES])
def test_quota_refuses_a_bad_policy_and_writes_nothing(case, base_dir, tmp_path, capsys):
    data = _break(base_dir, tmp_path, case)
    status = main(["quota", "--year", "2026", "--data", str(data), "--policy",
                   str(data / "policy.toml"), "--out", str(tmp_path / "out"), "--quiet"])
    assert status == 2
    _check_message(capsys.readouterr().err, case)
    _check_nothing_written(tmp_path)


@pytest.mark.parametrize("argv", [["validate"], ["quota", "--year", "2026", "--data"]])
@pytest.mark.parametrize("kind", ["missing", "regular-file"])
def test_a_data_path_that_is_no_folder_is_refused(argv, kind, tmp_path, capsys):
    data = tmp_path / "data"
    if kind == "regular-file":
        data.write_text(EMPLOYMENT_HEADER, encoding="utf-8")
    extra = ["--out", str(tmp_path / "out")] if argv[0] == "quota" else []
    assert main([*argv, str(data), *extra]) == 2
    err = capsys.readouterr().err
    assert str(data) in err and "Traceback" not in err
    assert "does not exist" in err if kind == "missing" else "is not a folder" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["under-a-file", "is-a-file"])
def test_an_output_path_that_cannot_be_written_is_refused_before_any_work(where, base_dir,
                                                                          tmp_path, capsys,
                                                                          monkeypatch):
    # Tests run as root, for whom permission bits do not stop writing; a path through a regular
    # file cannot be written by anyone.
    def forecast_first(*args, **kwargs):
        pytest.fail("the output path was checked only after the forecast")

    monkeypatch.setattr("forecast.pipeline.run_quota", forecast_first)
    blocker = tmp_path / "results.txt"
    blocker.write_text("not a folder\n", encoding="utf-8")
    out = blocker / "quota-2026" if where == "under-a-file" else blocker
    status = main(["quota", "--year", "2026", "--data", str(base_dir), "--out", str(out),
                   "--force", "--quiet"])
    assert status == 2
    err = capsys.readouterr().err
    assert "results.txt" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.txt"]
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("case", [CASES[5], CASES[-3]], ids=lambda c: c.name)
def test_a_real_process_exits_2_without_a_traceback(case, base_dir, tmp_path):
    data = _break(base_dir, tmp_path, case)
    command = [sys.executable, "-m", "forecast.cli", "quota", "--year", "2026", "--data", str(data),
               "--out", str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    _check_message(done.stderr, case)
    _check_nothing_written(tmp_path)
