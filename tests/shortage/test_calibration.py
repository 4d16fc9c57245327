import numpy as np
import pytest
from scipy import stats

from forecast.shortage import Assumptions, QUANTILES, conformal_offsets


def test_the_band_is_the_errors_spread_about_their_median():
    errors = [np.array([-1.0, 0.0, np.nan, 3.0]), np.array([1.0, 2.0])]
    assert conformal_offsets(errors, [0.0, 0.5, 1.0]).tolist() == [-2.0, 0.0, 2.0]


def test_with_the_bias_correction_the_offsets_are_the_pooled_quantiles():
    errors = [np.array([-1.0, 0.0, np.nan, 3.0]), np.array([1.0, 2.0])]
    offsets = conformal_offsets(errors, [0.0, 0.5, 1.0], bias_correction=True)
    assert offsets.tolist() == [-1.0, 1.0, 3.0]


def test_offsets_are_in_order_and_only_the_correction_moves_the_median():
    rng = np.random.default_rng(3)
    errors = [rng.normal(loc, 1.0, 200) for loc in (-1.0, 0.5, 0.2)]
    spread = conformal_offsets(errors, QUANTILES)
    corrected = conformal_offsets(errors, QUANTILES, bias_correction=True)
    assert np.all(np.diff(spread) > 0)
    assert spread[QUANTILES.index(0.5)] == 0.0
    assert corrected[QUANTILES.index(0.5)] == pytest.approx(np.median(np.concatenate(errors)))
    assert corrected - spread == pytest.approx(np.full(len(QUANTILES), np.median(np.concatenate(errors))))


@pytest.mark.parametrize("bias_correction", [False, True])
@pytest.mark.parametrize("errors", [[], [np.array([np.nan, np.nan])]])
def test_without_a_finite_error_the_band_is_a_wide_normal(errors, bias_correction):
    offsets = conformal_offsets(errors, QUANTILES, bias_correction=bias_correction)
    assert offsets == pytest.approx(stats.norm.ppf(QUANTILES) * 4.0)


def test_the_forecast_median_is_its_central_value_unless_corrected(sample_forecast, sample):
    from forecast import forecast_shortage

    table = sample_forecast.table
    assert not Assumptions().bias_correction
    assert np.allclose(table["shortage_p50"], table["shortage"])
    corrected = forecast_shortage(sample, 2026, assumptions=Assumptions(bias_correction=True)).table
    assert np.allclose(corrected["shortage"], table["shortage"])
    shift = (corrected["shortage_p50"] - corrected["shortage"]).to_numpy()
    assert np.abs(shift).max() > 1.0
