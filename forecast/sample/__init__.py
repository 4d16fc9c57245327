"""The embedded synthetic Kazakhstan sample: data files, their generator and the true shortages.

:func:`load_sample` reads the shipped data directory (``forecast/sample/data``);
:func:`load_truth` the true latent shortages the generator kept, for scoring forecasts;
:func:`write_sample_directory` copies the sample out as a template for real data.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pandas as pd

from forecast.sample.generator import NOTICE

__all__ = ["NOTICE", "load_sample", "load_truth", "sample_directory", "write_sample_directory"]


def sample_directory() -> Path:
    """The folder of the shipped sample tables."""
    return Path(str(resources.files("forecast.sample").joinpath("data")))


def load_sample():
    """The embedded sample as a validated :class:`~forecast.loader.Dataset`.

    Synthetic data, calibrated to published figures: not official statistics.
    """
    from forecast.loader import load_data

    dataset = load_data(sample_directory())
    return dataset.__class__(dataset.tables, "embedded sample", dataset.sha256,
                             dataset.synthetic_tables, dataset.warnings)


def load_truth() -> pd.DataFrame:
    """True components by region, sector, skill and year, 2001-2029, on 2022 boundaries."""
    path = resources.files("forecast.sample").joinpath("truth/shortage.csv.gz")
    with path.open("rb") as fh:
        return pd.read_csv(fh, compression="gzip", dtype={"region": str, "sector": str, "skill": str})


def write_sample_directory(folder: str | Path) -> list[Path]:
    """Copy the sample tables, their README and marker into ``folder`` (created if needed)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(sample_directory().iterdir()):
        if source.is_file() and source.suffix in (".csv", ".json", ".txt"):
            shutil.copyfile(source, target / source.name)
            written.append(target / source.name)
    return written
