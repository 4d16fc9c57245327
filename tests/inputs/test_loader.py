"""The data layer: reading data directories and refusing every kind of bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from forecast import DataValidationError, load_data
from forecast.inputs.sample import sample_directory

YEARS = range(2015, 2021)


def _tables() -> dict[str, pd.DataFrame]:
    cells = [(r, s, y, k) for r in ("Astana", "KZ-75") for s in ("F", "P") for y in YEARS
             for k in ("high", "medium", "low")]
    employment = pd.DataFrame(cells, columns=["region", "sector", "year", "skill"])
    employment["employed"] = 1000.0
    population = pd.DataFrame([(r, y, band, sex) for r in ("Astana", "KZ-75") for y in YEARS
                               for band in ("0-15", "16-62", "63+") for sex in ("male", "female")],
                              columns=["region", "year", "age_band", "sex"])
    population["population"] = 50_000
    migration = pd.DataFrame([(r, y, f, e) for r in ("Astana", "KZ-75") for y in YEARS
                              for f in ("emigration", "immigration") for e in ("higher", "tvet", "other")],
                             columns=["region", "year", "flow", "education"])
    migration["persons"] = 10
    wages = employment[["region", "sector", "year"]].drop_duplicates().assign(wage=250_000.5)
    return {"employment": employment, "population": population, "migration": migration,
            "wages": wages}


def _write(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load_data(folder)
    return [str(p) for p in info.value.problems]


def test_valid_directory_loads_with_codes(tmp_path):
    data = load_data(_write(tmp_path, _tables()))
    assert set(data.tables) == {"employment", "population", "migration", "wages"}
    assert set(data["employment"]["region"]) == {"KZ-71", "KZ-75"}
    assert data["employment"]["year"].dtype == "int64"
    assert data.last_year == 2020 and data.first_year == 2015
    assert not data.is_synthetic
    assert set(data.sha256) == {f"{n}.csv" for n in data.tables}


def test_parquet_and_xlsx_tables(tmp_path):
    tables = _tables()
    folder = _write(tmp_path, {"employment": tables["employment"], "migration": tables["migration"]})
    tables["population"].to_parquet(folder / "population.parquet")
    tables["wages"].to_excel(folder / "wages.xlsx", index=False)
    data = load_data(folder)
    assert len(data["population"]) == len(tables["population"])
    assert data["wages"]["wage"].iloc[0] == 250_000.5


def test_missing_required_table(tmp_path):
    tables = _tables()
    del tables["population"]
    problems = _problems(_write(tmp_path, tables))
    assert any("required table 'population' is missing" in p for p in problems)


def test_missing_column_names_found_columns(tmp_path):
    tables = _tables()
    tables["employment"] = tables["employment"].drop(columns="skill")
    (problem,) = _problems(_write(tmp_path, tables))
    assert "employment.csv" in problem and "column 'skill'" in problem
    assert "found: region, sector, year, employed" in problem


@pytest.mark.parametrize("value, expected", [
    ("-5", "expected a non-negative number"),
    ("", "the value is missing"),
    ("abc", "expected a non-negative number"),
    ("inf", "not infinity"),
    ("1,5", "decimal comma"),
    ("1 234", "spaces inside a number"),
    ("1e15", "implausibly large"),
])
def test_bad_values_name_file_row_column_and_value(tmp_path, value, expected):
    tables = _tables()
    employment = tables["employment"].astype({"employed": object})
    employment.loc[4, "employed"] = value
    tables["employment"] = employment
    (problem,) = _problems(_write(tmp_path, tables))
    assert problem.startswith(str(tmp_path / "employment.csv") + ", row 6, column 'employed'")
    assert repr(value) in problem and expected in problem


def test_bad_year(tmp_path):
    tables = _tables()
    tables["migration"] = tables["migration"].astype({"year": object})
    tables["migration"].loc[0, "year"] = "2015.5"
    tables["migration"].loc[1, "year"] = "20155"
    problems = _problems(_write(tmp_path, tables))
    assert any("row 2, column 'year': value '2015.5': expected a whole year" in p for p in problems)
    assert any("row 3, column 'year': value '20155': expected a year between" in p for p in problems)


def test_unknown_region_and_sector_with_suggestions(tmp_path):
    tables = _tables()
    tables["employment"].loc[0, "region"] = "Astanna"
    tables["employment"].loc[1, "sector"] = "Z"
    problems = _problems(_write(tmp_path, tables))
    assert any("value 'Astanna': unknown region; did you mean Astana (KZ-71)" in p for p in problems)
    assert any("column 'sector': value 'Z': unknown sector" in p for p in problems)


def test_unknown_category_values(tmp_path):
    tables = _tables()
    tables["employment"].loc[0, "skill"] = "expert"
    tables["migration"].loc[0, "flow"] = "exodus"
    tables["population"].loc[0, "age_band"] = "16 to 24"
    problems = _problems(_write(tmp_path, tables))
    assert any("'expert': expected one of high, medium, low" in p for p in problems)
    assert any("'exodus': expected one of emigration, immigration" in p for p in problems)
    assert any("'16 to 24': expected an age band" in p for p in problems)


def test_duplicate_key_through_aliases(tmp_path):
    tables = _tables()
    extra = tables["employment"].iloc[[0]].assign(region="Nur-Sultan")
    tables["employment"] = pd.concat([tables["employment"], extra], ignore_index=True)
    (problem,) = _problems(_write(tmp_path, tables))
    assert "duplicate key region=KZ-71, sector=F, year=2015, skill=high" in problem
    assert "'Astana' and 'Nur-Sultan' name the same region" in problem


def test_gap_in_a_series(tmp_path):
    tables = _tables()
    employment = tables["employment"]
    tables["employment"] = employment[~((employment["year"] == 2017) & (employment["sector"] == "F")
                                        & (employment["region"] == "KZ-75") & (employment["skill"] == "low"))]
    (problem,) = _problems(_write(tmp_path, tables))
    assert "years of region=KZ-75, sector=F, skill=low run 2015-2020 with 2017 missing" in problem


def test_population_must_cover_employment_years(tmp_path):
    tables = _tables()
    tables["population"] = tables["population"][tables["population"]["year"] < 2020]
    problems = _problems(_write(tmp_path, tables))
    assert any("population.csv" in p and "employment covers 2015-2020" in p for p in problems)


def test_unreadable_files(tmp_path):
    tables = _tables()
    folder = _write(tmp_path, tables)
    (folder / "wages.csv").unlink()
    (folder / "wages.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (folder / "migration.csv").write_bytes("region,year\nАстана,2015\n".encode("cp1251"))
    (folder / "vacancies.csv").write_text("")
    problems = _problems(folder)
    assert any("wages.xlsx" in p and "cannot be read as XLSX" in p for p in problems)
    assert any("migration.csv" in p and "not UTF-8" in p for p in problems)
    assert any("vacancies.csv" in p and "the file is empty" in p for p in problems)


def test_semicolon_separated_csv(tmp_path):
    folder = _write(tmp_path, _tables())
    frame = pd.read_csv(folder / "wages.csv")
    frame.to_csv(folder / "wages.csv", sep=";", index=False)
    (problem,) = _problems(folder)
    assert "separated by ';'" in problem


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    tables = _tables()
    tables["employment"].loc[0, "employed"] = -1
    tables["migration"].loc[0, "education"] = "phd"
    tables["wages"].loc[0, "wage"] = float("nan")
    problems = _problems(_write(tmp_path, tables))
    assert len(problems) == 3
    assert {Path(p.split(",")[0]).name for p in problems} == {"employment.csv", "migration.csv",
                                                               "wages.csv"}


def test_many_bad_rows_are_summarised(tmp_path):
    tables = _tables()
    tables["employment"]["employed"] = -1.0
    problems = _problems(_write(tmp_path, tables))
    assert len(problems) == 3
    assert problems[-1].endswith(f"(and {len(tables['employment']) - 3} more rows like this)")


def test_not_a_directory(tmp_path):
    problems = _problems(tmp_path / "nowhere")
    assert "does not exist" in problems[0]


def test_sample_directory_is_marked_synthetic_until_a_table_is_replaced(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(sample_directory(), folder)
    assert "employment" in load_data(folder).synthetic_tables
    frame = pd.read_csv(folder / "wages.csv")
    frame.loc[0, "wage"] += 1
    frame.to_csv(folder / "wages.csv", index=False)
    # Compared by content (forecast.inputs.real.provenance): one edited row keeps it synthetic.
    assert "wages" in load_data(folder).synthetic_tables
    frame["wage"] = frame["wage"] + 1
    frame.to_csv(folder / "wages.csv", index=False)
    data = load_data(folder)
    assert "wages" not in data.synthetic_tables and "employment" in data.synthetic_tables


def test_unknown_files_are_ignored_with_a_warning(tmp_path):
    folder = _write(tmp_path, _tables())
    pd.DataFrame({"a": [1]}).to_csv(folder / "occupations.csv", index=False)
    data = load_data(folder)
    assert any("occupations.csv: ignored" in w for w in data.warnings)
