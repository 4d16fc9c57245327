"""The shipped region and sector classifications."""

import pandas as pd
import pytest

from forecast.inputs import regions, sectors


@pytest.mark.parametrize("label, code", [
    ("Nur-Sultan", "KZ-71"), ("город Нур-Султан", "KZ-71"), ("Astana city", "KZ-71"),
    ("г. Алматы", "KZ-75"), ("Almaty", "KZ-75"), ("Alma-Ata", "KZ-75"),
    ("Alma-Ata's region", "KZ-19"), ("Almaty Region", "KZ-19"), ("Алматинская", "KZ-19"),
    ("South Kazakhstan", "KZ-61"), ("Южно-Казахстанская область", "KZ-61"),
    ("Туркестанская 1", "KZ-61"), ("Turkistan Region", "KZ-61"),
    ("Abay Region", "KZ-10"), ("область Абай", "KZ-10"), ("Jetisu Region", "KZ-33"),
    ("Жетісу", "KZ-33"), ("Ұлытау облысы", "KZ-62"), ("Western-Kazakhstan", "KZ-27"),
    ("North-Kazakhstan", "KZ-59"), ("Eastern Kazakhstan", "KZ-63"), ("Akmolinsk", "KZ-11"),
    ("Aktyubinsk", "KZ-15"), ("Mangistau", "KZ-47"), ("Шымкент қаласы", "KZ-79"),
    ("Республика Казахстан ", "KZ"), ("The Republic Of Kazakhstan", "KZ"),
    ("kz-75", "KZ-75"), ("KZ-AST", "KZ-71"), ("  Karaganda  ", "KZ-35"),
])
def test_aliases_resolve(label, code):
    assert regions.resolve_region(label) == code


def test_twenty_units_with_three_names_each():
    table = regions.region_table()
    units = table[table["kind"] != "country"]
    assert len(units) == 20
    assert units["code"].is_unique
    for lang in ("en", "ru", "kk"):
        assert units[f"name_{lang}"].str.len().gt(0).all()
    assert sorted(units["kind"].value_counts().to_dict().items()) == [("city", 3), ("region", 17)]


def test_every_official_name_resolves_to_its_own_code():
    table = regions.region_table()
    for row in table.itertuples():
        for name in (row.name_en, row.name_ru, row.name_kk):
            assert regions.resolve_region(name) == row.code, name


def test_unknown_region_suggests_close_names():
    with pytest.raises(regions.UnknownRegionError) as info:
        regions.resolve_region("Almatty")
    assert "Almaty (KZ-75)" in info.value.suggestions
    assert "Almaty Region (KZ-19)" in info.value.suggestions
    assert "did you mean" in str(info.value)


def test_unknown_region_without_match_says_what_is_expected():
    with pytest.raises(regions.UnknownRegionError, match="Expected one of the 20 region codes"):
        regions.resolve_region("Atlantis")


def test_vectorised_resolution_marks_unknown_rows():
    codes, unknown = regions.resolve_regions(pd.Series(["Astana", "Nowhere", "Шымкент"]))
    assert codes.tolist()[0::2] == ["KZ-71", "KZ-79"]
    assert unknown.tolist() == [False, True, False]


def test_boundary_history():
    changes = regions.boundary_changes()
    assert set(zip(changes["year"], changes["parent"], changes["child"])) == {
        (2018, "KZ-61", "KZ-79"), (2022, "KZ-63", "KZ-10"), (2022, "KZ-19", "KZ-33"),
        (2022, "KZ-35", "KZ-62")}


def test_region_names_by_language():
    assert regions.region_name("KZ-71", "ru") == "город Астана"
    assert regions.region_name("KZ-71", "kk") == "Астана қаласы"
    with pytest.raises(ValueError, match="unknown language"):
        regions.region_name("KZ-71", "de")


def test_sectors():
    assert sectors.sector_codes() == list("ABCDEFGHIJKLMNOPQRSTU")
    assert sectors.resolve_sector("f") == "F"
    assert sectors.resolve_sector("Construction") == "F"
    assert sectors.resolve_sector("Строительство") == "F"
    assert sectors.resolve_sector("TOTAL") == "TOTAL"
    assert sectors.sector_name("P", "ru") == "Образование"
    with pytest.raises(sectors.UnknownSectorError, match="did you mean F"):
        sectors.resolve_sector("Constructon")
