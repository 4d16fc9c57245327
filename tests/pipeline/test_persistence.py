"""Saved forecasts and fitted models: round trip, and refusal of foreign or damaged files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from forecast import InputError, ShortageForecast
from forecast.pipeline.persistence import MAGIC, load_forecast, read_header, save_forecast
from forecast.pipeline.manifest import package_version
from models import AutoForecaster


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    ids = [f"s{i}" for i in range(12)]
    years = np.arange(2000, 2020)
    levels = rng.lognormal(8, 1, size=(len(ids), 1)) * np.cumprod(
        1 + rng.normal(0.02, 0.05, size=(len(ids), len(years))), axis=1)
    return pd.DataFrame({"unique_id": np.repeat(ids, len(years)),
                         "ds": np.tile(years, len(ids)), "y": levels.ravel()})


@pytest.fixture(scope="module")
def fitted(panel) -> AutoForecaster:
    return AutoForecaster().fit(panel)


@pytest.fixture()
def shortage() -> ShortageForecast:
    table = pd.DataFrame({"region": ["KZ-75", "KZ-71"], "sector": ["F", "P"],
                          "skill": ["high", "low"], "year": [2027, 2027],
                          "shortage": [120.5, -30.0], "tier": ["shortage", "surplus"]})
    fallbacks = pd.DataFrame({"unique_id": ["KZ-75|F|high"], "reason": ["too short"]})
    return ShortageForecast(table, 2024, 2027, 9_100_000.0, {"theta": 2}, fallbacks)


def test_a_fitted_model_predicts_the_same_after_a_round_trip(fitted, tmp_path):
    path = save_forecast(fitted, tmp_path / "auto.joblib")
    loaded = load_forecast(path, expected=AutoForecaster)
    before = fitted.predict(h=5, level=[80, 95])
    after = loaded.predict(h=5, level=[80, 95])
    pd.testing.assert_frame_equal(after, before)


def test_a_shortage_forecast_round_trips(shortage, tmp_path):
    loaded = load_forecast(save_forecast(shortage, tmp_path / "shortage.joblib"))
    assert isinstance(loaded, ShortageForecast)
    pd.testing.assert_frame_equal(loaded.table, shortage.table)
    pd.testing.assert_frame_equal(loaded.fallbacks, shortage.fallbacks)
    assert (loaded.origin, loaded.year, loaded.labour_force, loaded.models) == (
        shortage.origin, shortage.year, shortage.labour_force, shortage.models)


def test_the_header_records_kind_version_and_checksum(shortage, tmp_path):
    path = save_forecast(shortage, tmp_path / "shortage.joblib")
    header = read_header(path)
    assert header["kind"] == "forecast.shortage.definitions.ShortageForecast"
    assert header["version"] == package_version()
    assert len(header["sha256"]) == 64
    assert path.stat().st_size > header["size"] > 0
    # Nothing but the file itself is left in the folder.
    assert [p.name for p in tmp_path.iterdir()] == ["shortage.joblib"]


def _rewrite_header(path, **changes) -> None:
    content = path.read_bytes()
    start = len(MAGIC)
    end = content.index(b"\n", start)
    header = json.loads(content[start:end]) | changes
    path.write_bytes(content[:start] + json.dumps(header).encode() + content[end:])


def test_a_file_from_another_version_is_refused(shortage, tmp_path):
    path = save_forecast(shortage, tmp_path / "shortage.joblib")
    _rewrite_header(path, version="0.0.1")
    with pytest.raises(InputError, match=r"saved by labor-demand-forecast 0\.0\.1, this is"):
        load_forecast(path)


@pytest.mark.parametrize("damage", ["flipped-byte", "truncated", "appended"])
def test_a_damaged_payload_is_refused(damage, fitted, tmp_path):
    path = save_forecast(fitted, tmp_path / "auto.joblib")
    content = bytearray(path.read_bytes())
    if damage == "flipped-byte":
        content[-100] ^= 0xFF
    elif damage == "truncated":
        del content[len(content) // 2:]
    else:
        content += b"\x00"
    path.write_bytes(bytes(content))
    with pytest.raises(InputError, match="do not match their checksum"):
        load_forecast(path)


def test_a_checksum_edited_in_the_header_is_refused(shortage, tmp_path):
    path = save_forecast(shortage, tmp_path / "shortage.joblib")
    _rewrite_header(path, sha256="0" * 64)
    with pytest.raises(InputError, match="do not match their checksum"):
        load_forecast(path)


def test_another_kind_of_object_is_refused_before_unpickling(shortage, tmp_path):
    path = save_forecast(shortage, tmp_path / "shortage.joblib")
    with pytest.raises(InputError, match="holds a forecast.shortage.definitions.ShortageForecast; expected a "
                                         "models.auto.AutoForecaster"):
        load_forecast(path, expected=AutoForecaster)


@pytest.mark.parametrize("content, message", [
    (b"region,year,quota\n", "not a saved forecast"),
    (MAGIC + b"{not json\n" + b"payload", "header of the saved forecast is damaged"),
    (MAGIC + b'{"kind": "x"}\n', "header of the saved forecast is damaged"),
    (b"", "not a saved forecast"),
])
def test_files_that_are_not_saved_forecasts_are_refused(content, message, tmp_path):
    path = tmp_path / "other.joblib"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_forecast(path)


def test_a_missing_file_and_an_unwritable_path_are_refused(shortage, tmp_path):
    with pytest.raises(InputError, match="saved forecast not found"):
        load_forecast(tmp_path / "none.joblib")
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write"):
        save_forecast(shortage, blocker / "shortage.joblib")
