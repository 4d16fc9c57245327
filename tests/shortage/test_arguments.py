"""What forecast_shortage and recommend_quota say about arguments of the wrong kind."""

import pandas as pd
import pytest

from forecast import forecast_shortage, recommend_quota
from forecast.inputs.errors import InputError
from forecast.shortage import build_series_panel
from forecast.shortage.arguments import check_forecast_year


@pytest.mark.parametrize("year, message", [
    (2026.7, r"year 2026.7: expected a whole year from 2025 to 2029, as an integer"),
    ("2027", r"year '2027': expected a whole year"),
    (True, r"year True: expected a whole year"),
    (2040, r"year 2040: expected a year from 2025 to 2029 \(the data end in 2024\)"),
])
def test_a_year_that_is_not_a_whole_year_in_range_is_refused(sample, year, message):
    with pytest.raises(InputError, match=message):
        forecast_shortage(sample, year)


def test_whole_numbers_of_any_type_are_years_and_the_option_name_is_the_callers():
    import numpy as np

    assert check_forecast_year(np.int64(2026), 2024) == 2026
    assert check_forecast_year(2026.0, 2024) == 2026
    assert type(check_forecast_year(2026.0, 2024)) is int
    with pytest.raises(InputError, match=r"^--year 2030: expected a year from 2025 to 2029"):
        check_forecast_year(2030, 2024, option="--year")


def test_data_and_panel_of_the_wrong_kind_are_refused(sample):
    with pytest.raises(InputError, match="data must be a Dataset from forecast.load_data.* got dict"):
        forecast_shortage(dict(sample.tables), 2027)
    with pytest.raises(InputError, match="panel must be a SeriesPanel .* got str"):
        forecast_shortage(sample, 2027, panel="panel")
    with pytest.raises(InputError, match="panel covers employment 2000-2020 but data cover 2000-2024"):
        forecast_shortage(sample, 2027, panel=build_series_panel(sample.as_of(2020)))


def test_recommend_quota_refuses_arguments_of_the_wrong_kind(sample_forecast):
    with pytest.raises(InputError, match="forecast must be a ShortageForecast .* got DataFrame"):
        recommend_quota(pd.DataFrame())
    with pytest.raises(InputError, match=r"policy must be a forecast.Policy, e.g. forecast.load_policy\(path\).* got dict"):
        recommend_quota(sample_forecast, policy={"cap_percent_of_labour_force": 0.3})
    with pytest.raises(InputError, match="data must be the Dataset the forecast was made from .* got dict"):
        recommend_quota(sample_forecast, data={})


@pytest.mark.parametrize("n_windows", [0, -1, 1.5, True, "4"])
def test_calibration_origins_must_be_a_positive_whole_number(sample, n_windows):
    with pytest.raises(InputError, match=rf"n_windows {n_windows!r}: expected a whole number"):
        forecast_shortage(sample, 2026, n_windows=n_windows)
