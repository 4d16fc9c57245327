"""Provenance of every table: real, provided, estimated or synthetic (by content, not checksum),
and where the run shows it."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from forecast.deliverables.provenance import provenance_view
from forecast.deliverables.i18n import Labels
from forecast.inputs.loader import load_data
from forecast.inputs.real.assemble import write_real_directory
from forecast.inputs.real.provenance import SYNTHETIC_SHARE, synthetic_share
from forecast.inputs.sample import sample_directory, write_sample_directory
from forecast.pipeline.manifest import data_warnings, missing_tables, table_block


def _kinds(data):
    return {name: entry["provenance"] for name, entry in data.table_provenance().items()}


def test_the_sample_is_synthetic_table_by_table(tmp_path):
    write_sample_directory(tmp_path)
    data = load_data(tmp_path)
    assert set(_kinds(data).values()) == {"synthetic"}
    assert data.synthetic_tables == tuple(sorted(data.tables))


def test_a_hand_edited_sample_table_is_still_synthetic(tmp_path):
    write_sample_directory(tmp_path)
    (tmp_path / "synthetic-sample.json").unlink()  # no marker, no checksum: content decides
    frame = pd.read_csv(tmp_path / "wages.csv")
    edited = frame.index[: len(frame) // 5]
    frame.loc[edited, "wage"] = frame.loc[edited, "wage"] + 1000
    frame.to_csv(tmp_path / "wages.csv", index=False)
    data = load_data(tmp_path)
    assert _kinds(data)["wages"] == "synthetic"
    assert "80%" in data.table_provenance()["wages"]["detail"]
    assert data.is_synthetic and "wages" in data.synthetic_tables


def test_a_mostly_replaced_sample_table_is_provided(tmp_path):
    write_sample_directory(tmp_path)
    frame = pd.read_csv(tmp_path / "wages.csv")
    replaced = frame.index[: int(len(frame) * 0.6)]
    frame["wage"] = frame["wage"].astype(float)
    frame.loc[replaced, "wage"] = frame.loc[replaced, "wage"] * 1.1 + 1
    frame.to_csv(tmp_path / "wages.csv", index=False)
    data = load_data(tmp_path)
    assert _kinds(data)["wages"] == "provided"
    assert _kinds(data)["employment"] == "synthetic"


def test_synthetic_share_ignores_row_order_and_counts_published_figures_for_nothing():
    sample = pd.read_csv(sample_directory() / "wages.csv", dtype=str)
    table = pd.read_csv(sample_directory() / "wages.csv").iloc[::-1]
    assert synthetic_share("wages", table, sample) == 1.0
    assert synthetic_share("wages", table.assign(wage=table["wage"] + 1), sample) == 0.0
    # The sample's quota history is the published one, except the years it fills in.
    quota = pd.read_csv(sample_directory() / "quota.csv", dtype=str)
    published = quota[~quota["year"].isin(["2012", "2017", "2025", "2026"])]
    assert synthetic_share("quota", published.astype({"year": int, "quota": float}), quota) == 0.0
    assert synthetic_share("quota", quota.astype({"year": int, "quota": float}), quota) == 1.0
    assert SYNTHETIC_SHARE == 0.5


@pytest.fixture(scope="module")
def real_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real") / "kz"
    write_real_directory(folder)
    return folder


def test_real_data_tables_are_real_or_estimated_and_an_edit_makes_them_provided(real_dir, tmp_path):
    folder = tmp_path / "kz"
    shutil.copytree(real_dir, folder)
    assert _kinds(load_data(folder)) == {"employment": "estimated", "population": "estimated",
                                         "migration": "estimated", "labour_force": "real",
                                         "quota": "real"}
    quota = pd.read_csv(folder / "quota.csv")
    quota.loc[0, "quota"] += 1
    quota.to_csv(folder / "quota.csv", index=False)
    assert _kinds(load_data(folder))["quota"] == "provided"


def test_a_sample_table_beside_real_ones_is_named_in_the_banner(real_dir, tmp_path):
    folder = tmp_path / "kz"
    shutil.copytree(real_dir, folder)
    shutil.copyfile(sample_directory() / "vacancies.csv", folder / "vacancies.csv")
    data = load_data(folder)
    assert data.synthetic_tables == ("vacancies",)
    warnings = data_warnings(data)
    assert "SYNTHETIC" in warnings[0] and warnings[0].endswith("Synthetic tables: vacancies.")
    block = table_block(data)
    assert block["vacancies"]["provenance"] == "synthetic"
    assert block["employment"]["provenance"] == "estimated"
    assert "vacancies" not in missing_tables(data) and "graduates" in missing_tables(data)


def test_provenance_view_lists_tables_missing_tables_and_references_in_every_language():
    info = {"tables": {"employment": {"provenance": "estimated", "source": "BNS", "detail": "IPF"}},
            "missing_tables": {"graduates": "no graduates"},
            "references": [{"reference": "sector_share_F", "published": 34.5, "this_run": 10.0,
                            "unit": "%", "source": "x"},
                           {"reference": "category_share_seasonal", "published": 27.5,
                            "this_run": 2.0, "unit": "%", "source": "y"},
                           {"reference": "employed_2024", "published": 1, "this_run": 1,
                            "unit": "persons", "source": "z"}],
            "data": {"synthetic_tables": []}}
    for lang in ("en", "ru", "kk"):
        view = provenance_view(info, Labels(lang))
        assert view["tables"]["provenance"].tolist() == [Labels(lang)("provenance.estimated")]
        assert view["missing"]["table"].tolist() == ["graduates"]
        assert len(view["references"]) == 3 and view["synthetic"] == []
    # Percentages read with one decimal and persons whole, so the column reads evenly.
    english = provenance_view(info, Labels("en"))["references"]
    assert english["published"].tolist() == ["34.5", "27.5", "1"]
    assert english["this_run"].tolist() == ["10.0", "2.0", "1"]
    assert provenance_view(info, Labels("ru"))["references"]["this_run"].tolist()[0] == "10,0"


def test_a_reference_says_what_it_rests_on_only_where_it_is_so():
    references = [{"reference": "employed_2024", "published": 1, "this_run": 1, "unit": "persons",
                   "source": "z"},
                  {"reference": "labour_force_2024", "published": 1, "this_run": 1,
                   "unit": "persons", "source": "z"}]
    real = {"tables": {"employment": {"provenance": "estimated"},
                       "labour_force": {"provenance": "real"}}, "references": references}
    sample = {"tables": {"employment": {"provenance": "synthetic"}}, "references": references}
    for lang in ("en", "ru", "kk"):
        t = Labels(lang)
        assert provenance_view(real, t)["references"]["reference"].tolist() == [
            t("ref.employed_2024.fitted"), t("ref.labour_force_2024.read")]
        assert provenance_view(sample, t)["references"]["reference"].tolist() == [
            t("ref.employed_2024"), t("ref.labour_force_2024")]
    assert provenance_view(sample, Labels("en"))["references"]["reference"].tolist() == [
        "Employed, 2024 (persons)", "Labour force, 2024 (persons)"]
