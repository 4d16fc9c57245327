"""Data directories cut from the embedded sample, and reading and writing their tables as text.

Tables are read with every value as a string and nothing taken for missing, so a test that edits
one cell writes every other cell back exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecast.inputs.sample import sample_directory


def write_sample_cut(folder: Path, regions: set[str]) -> Path:
    """The embedded sample's CSV tables, rows of ``regions`` only, written into ``folder``."""
    for file in sorted(sample_directory().glob("*.csv")):
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        frame[frame["region"].isin(regions)].to_csv(folder / file.name, index=False)
    return folder


def read_table(folder: Path, table: str) -> pd.DataFrame:
    """``folder/<table>.csv`` with every value as written."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def write_table(folder: Path, table: str, frame: pd.DataFrame) -> None:
    """Write ``frame`` as ``folder/<table>.csv``."""
    frame.to_csv(folder / f"{table}.csv", index=False)
