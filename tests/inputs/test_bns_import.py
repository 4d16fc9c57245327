"""Importing BNS-style wide exports into contract long tables."""

import math
from pathlib import Path

import pytest

from forecast.inputs.bns_import import WideTableSpec, parse_number, read_bns_table

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "bns"
# CI clones the repository next to a copy of ``shared/``; locally it sits beside the work tree.
KZ_PUBLIC = REPO.parent / "shared" / "data" / "kz-public"
needs_public_data = pytest.mark.skipif(
    not KZ_PUBLIC.is_dir(), reason=f"public BNS figures not found at {KZ_PUBLIC}")

EMPLOYED_SPEC = WideTableSpec(
    table="employment", value="employed", skip_rows=2, header_rows=2,
    header_keys={"year": 1}, key_constants={"sector": "TOTAL", "skill": "high"},
    unit_multiplier=1000, skip_labels=("в том числе:",))


def as_records(frame):
    return {tuple(row[:-1]): row[-1] for row in frame.itertuples(index=False)}


@pytest.mark.parametrize("text, expected", [
    ("1 234,5", 1234.5), ("1\u00a0234,5", 1234.5), ("12 345", 12345.0), ("0,75", 0.75),
    ("17", 17.0), (17.0, 17.0), ("2.5", 2.5),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("marker", ["х", "x", "-", "—", "…", "...", "", None])
def test_missing_markers_parse_to_nan(marker):
    assert math.isnan(parse_number(marker))


def test_parse_number_refuses_text():
    assert parse_number("около 5") is None


def test_cp1251_csv_with_title_two_header_rows_markers_and_footnotes():
    table = read_bns_table(FIXTURES / "employed_higher_education_cp1251.csv", EMPLOYED_SPEC)
    assert list(table.columns) == ["region", "sector", "year", "skill", "employed"]
    assert as_records(table) == pytest.approx({
        ("KZ", "TOTAL", 2019, "high"): 2_780_800.0,
        ("KZ", "TOTAL", 2020, "high"): 2_732_000.0,
        ("KZ", "TOTAL", 2021, "high"): 2_807_100.0,
        ("KZ-11", "TOTAL", 2019, "high"): 85_200.0,  # 2020 is "х": no row
        ("KZ-11", "TOTAL", 2021, "high"): 80_100.0,
        ("KZ-61", "TOTAL", 2021, "high"): 126_500.0,  # "Туркестанская 1" has a footnote mark
        ("KZ-71", "TOTAL", 2019, "high"): 292_600.0,
        ("KZ-71", "TOTAL", 2020, "high"): 300_000.0,
        ("KZ-71", "TOTAL", 2021, "high"): 1_234_500.0,
    })


def test_utf8_bom_csv_with_kazakh_labels():
    spec = WideTableSpec(table="wages", value="wage", key_constants={"sector": "TOTAL"})
    table = read_bns_table(FIXTURES / "wages_kazakh_utf8_bom.csv", spec)
    assert as_records(table) == pytest.approx({
        ("KZ", "TOTAL", 2022): 309_697.0, ("KZ", "TOTAL", 2023): 356_123.4,
        ("KZ-10", "TOTAL", 2022): 258_941.5, ("KZ-11", "TOTAL", 2022): 250_155.0,
        ("KZ-75", "TOTAL", 2022): 421_000.0,
    })


def test_xlsx_with_merged_header_cells_and_sex_columns():
    spec = WideTableSpec(
        table="population", value="population", skip_rows=1, header_rows=2,
        header_keys={"year": 0, "sex": 1}, key_constants={"age_band": "0+"},
        value_maps={"sex": {"мужчины": "male", "женщины": "female"}}, sheet="Население")
    table = read_bns_table(FIXTURES / "population_by_sex_merged_header.xlsx", spec)
    assert list(table.columns) == ["region", "year", "age_band", "sex", "population"]
    records = as_records(table)
    assert len(records) == 10  # 12 cells minus "…" and "х"
    assert records[("KZ", 2020, "0+", "female")] == 9_640_500.0
    assert records[("KZ", 2021, "0+", "male")] == 9_250_100.0
    assert records[("KZ-55", 2021, "0+", "female")] == 391_000.0
    assert ("KZ-55", 2021, "0+", "male") not in records
    assert records[("KZ-79", 2021, "0+", "male")] == 560_200.0


def write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_region_names_file_row_and_suggestions(tmp_path):
    path = write(tmp_path, "Регион;2020\nАкмолинская;5\nАкмолинскя обл;6\n")
    spec = WideTableSpec(table="applicants", value="applicants")
    with pytest.raises(ValueError, match=r"table\.csv: row 3: unknown region") as error:
        read_bns_table(path, spec)
    assert "Akmola" in str(error.value)


def test_bad_cell_and_negative_value_are_refused(tmp_path):
    spec = WideTableSpec(table="applicants", value="applicants")
    path = write(tmp_path, "Регион;2020;2021\nАкмолинская;5;около 6\n")
    with pytest.raises(ValueError, match=r"row 2: value 'около 6' .* neither a number"):
        read_bns_table(path, spec)
    path = write(tmp_path, "Регион;2020\nАкмолинская;-5\n")
    with pytest.raises(ValueError, match="row 2: negative value '-5'"):
        read_bns_table(path, spec)


def test_duplicate_keys_after_resolution_are_refused(tmp_path):
    path = write(tmp_path, "Region,2020\nNur-Sultan,5\nAstana,6\n")
    with pytest.raises(ValueError, match="occurs more than once"):
        read_bns_table(path, WideTableSpec(table="applicants", value="applicants"))


def test_spec_validation():
    with pytest.raises(ValueError, match=r"no source for key\(s\) \['sector', 'skill'\]"):
        WideTableSpec(table="employment", value="employed")
    with pytest.raises(ValueError, match="value column 'employed'"):
        WideTableSpec(table="employment", value="workers",
                      key_constants={"sector": "TOTAL", "skill": "low"})
    with pytest.raises(ValueError, match="unknown table"):
        WideTableSpec(table="salaries", value="wage")
    with pytest.raises(ValueError, match="no key"):
        WideTableSpec(table="applicants", value="applicants", key_constants={"sex": "male"})


def test_unreadable_inputs(tmp_path):
    spec = WideTableSpec(table="applicants", value="applicants")
    with pytest.raises(ValueError, match="no such file"):
        read_bns_table(tmp_path / "absent.csv", spec)
    with pytest.raises(ValueError, match="cannot read as XLSX"):
        read_bns_table(write(tmp_path, "not a workbook", "broken.xlsx"), spec)
    with pytest.raises(ValueError, match="no sheet 'Data'"):
        read_bns_table(FIXTURES / "population_by_sex_merged_header.xlsx",
                       WideTableSpec(table="applicants", value="applicants", sheet="Data"))


@needs_public_data
def test_real_employment_office_applicants_regions_in_columns():
    spec = WideTableSpec(table="applicants", value="applicants", layout="regions_in_columns")
    table = read_bns_table(KZ_PUBLIC / "employment_office_applicants_by_region_2001_2021.csv",
                           spec)
    assert len(table) == 21 * 17
    assert table["year"].min() == 2001 and table["year"].max() == 2021
    records = as_records(table)
    assert records[("KZ-11", 2001)] == 17945  # Akmolinsk
    assert records[("KZ-19", 2002)] == 40484  # Alma-Ata's region
    assert records[("KZ-61", 2021)] == 46456  # South Kazakhstan (pre-2018 set)
    assert records[("KZ-71", 2021)] == 18924  # Astana


@needs_public_data
def test_real_population_long_table_with_russian_names():
    spec = WideTableSpec(table="population", value="population", layout="long",
                         region_column="Область", year_column="Год",
                         value_column="Население", key_constants={"age_band": "0+"})
    table = read_bns_table(KZ_PUBLIC / "population_by_region_2000_2050.csv", spec)
    records = as_records(table)
    assert records[("KZ", 2000, "0+")] == 14_901_641
    assert table.loc[table["region"] == "KZ-61", "year"].min() == 2000  # "Туркестанская 1"
    assert table.loc[table["region"] == "KZ-79", "year"].min() == 2017  # Shymkent
    assert table.loc[table["region"] == "KZ-62", "year"].min() == 2022  # Ulytau
    assert table["region"].nunique() == 21
    assert not table.duplicated(["region", "year", "age_band"]).any()


def test_a_constant_year_makes_a_single_year_table_of_non_year_columns(tmp_path):
    path = tmp_path / "applicants_2021.csv"
    path.write_text("Регион;Численность\nАлматинская;10 000\nАкмолинская;2 000\n", encoding="utf-8")
    spec = WideTableSpec(table="applicants", value="applicants", key_constants={"year": 2021})
    table = read_bns_table(path, spec)
    assert table.values.tolist() == [["KZ-11", 2021, 2000.0], ["KZ-19", 2021, 10000.0]]
    assert str(table["year"].dtype) == "int64"
    # Sex columns of one year: the year is the constant, the header gives the sex.
    path.write_text("Регион;мужчины;женщины\nАлматинская;10;20\nАкмолинская;2;3\n", encoding="utf-8")
    spec = WideTableSpec(table="population", value="population", header_keys={"sex": 0},
                         key_constants={"year": 2021, "age_band": "0+"},
                         value_maps={"sex": {"мужчины": "male", "женщины": "female"}})
    table = read_bns_table(path, spec)
    assert list(table.columns) == ["region", "year", "age_band", "sex", "population"]
    assert set(table["year"]) == {2021} and len(table) == 4
    assert table.loc[(table["region"] == "KZ-19") & (table["sex"] == "female"), "population"].item() == 20.0
