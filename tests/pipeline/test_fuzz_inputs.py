"""Fuzzing the contract of :func:`forecast.load_data` on mutated data directories.

A small valid directory (the sample cut to two regions and ten years) is mutated: rows dropped
or duplicated, columns dropped, duplicated or renamed, cells replaced by hostile values and
names, types swapped, files replaced by other formats or by garbage. The contract: ``load_data``
returns a :class:`Dataset`, or raises :class:`DataValidationError` whose every problem names a
file of the directory (or the directory itself); never another exception. A few accepted mutants
are then passed to ``labor-forecast validate``, which must accept them with exit 0.

Bounded and deterministic: the ``repeatable`` hypothesis profile of ``tests/conftest.py`` draws
the same examples on every run.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from forecast import Dataset, load_data
from forecast.cli import main
from forecast.inputs.errors import DataValidationError
from forecast.inputs.sample import sample_directory

REGIONS = {"KZ-71", "KZ-75"}
FIRST_YEAR = 2015
TABLES = ("employment", "population", "migration", "vacancies", "wages", "quota")

HOSTILE_VALUES = ["", " ", "-1", "nan", "NaN", "inf", "-inf", "1e400", "abc", "1,5", "12 345",
                  "2015.5", "9" * 30, "=HYPERLINK(1)", "+1", "@x", "KZ-99", "Astana", "KZ",
                  "\x00", "ü", "TOTAL", "Z", "90+", "0-200", "emigration", "high", "2101", "1989",
                  "0", "1.0", "True", "None", "'", '"', "\t", "1e-320"]
HOSTILE_NAMES = ["employed ", " region", "Region", "year.1", "", "=cmd", "value", "sex",
                 "age_band", "persons", "émigré", "flow"]


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-base")
    for name in TABLES:
        frame = pd.read_csv(sample_directory() / f"{name}.csv", dtype=str, keep_default_na=False)
        keep = frame["region"].isin(REGIONS | {"KZ"}) & (frame["year"].astype(int) >= FIRST_YEAR)
        frame[keep].to_csv(folder / f"{name}.csv", index=False)
    assert isinstance(load_data(folder), Dataset)
    return folder


@st.composite
def mutation(draw):
    table = draw(st.sampled_from(TABLES))
    kind = draw(st.sampled_from(["drop_rows", "duplicate_rows", "drop_column", "duplicate_column",
                                 "rename_column", "set_cells", "swap_type", "shuffle", "to_parquet",
                                 "garbage", "extra_file", "remove_file"]))
    return table, kind, draw(st.integers(0, 2**31 - 1)), draw(st.sampled_from(HOSTILE_VALUES)), \
        draw(st.sampled_from(HOSTILE_NAMES))


def _apply(folder: Path, table: str, kind: str, seed: int, value: str, name: str) -> None:
    path = folder / f"{table}.csv"
    if not path.exists():
        return
    if kind == "garbage":
        path.write_bytes(bytes((seed >> (i % 24)) & 0xFF for i in range(64)))
        return
    if kind == "remove_file":
        path.unlink()
        return
    if kind == "extra_file":
        shutil.copy(path, folder / f"{name or 'x'}{'.csv' if seed % 2 else '.parquet'}")
        return
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError):  # an earlier mutation made it garbage: leave it
        return
    if frame.empty or frame.shape[1] == 0:
        return
    n = len(frame)
    pick = pd.Series(range(n)).sample(n=max(1, (seed % 5) + 1), random_state=seed % 1000,
                                      replace=n < 5).tolist()
    column = frame.columns[seed % frame.shape[1]]
    if kind == "drop_rows":
        frame = frame.drop(index=frame.index[pick])
    elif kind == "duplicate_rows":
        frame = pd.concat([frame, frame.iloc[pick]], ignore_index=True)
    elif kind == "drop_column":
        frame = frame.drop(columns=[column])
    elif kind == "duplicate_column":
        header = ",".join([*frame.columns, column])
        body = [",".join([*row, row[seed % frame.shape[1]]]) for row in frame.itertuples(index=False)]
        path.write_text(header + "\n" + "\n".join(body) + "\n", encoding="utf-8")
        return
    elif kind == "rename_column":
        frame = frame.rename(columns={column: name})
    elif kind == "set_cells":
        frame.loc[frame.index[pick], column] = value
    elif kind == "swap_type":
        frame[column] = pd.to_numeric(frame[column], errors="coerce") if seed % 2 else frame[column] + "x"
    elif kind == "shuffle":
        frame = frame.sample(frac=1.0, random_state=seed % 1000)
    if kind == "to_parquet":
        path.unlink()
        def typed_column(c: pd.Series) -> pd.Series:
            numbers = pd.to_numeric(c, errors="coerce")
            return numbers if seed % 2 and numbers.notna().all() else c
        typed = frame.apply(typed_column)
        typed.to_parquet(folder / f"{table}.parquet", index=False)
        return
    frame.to_csv(path, index=False)


ACCEPTED: list[Path] = []


# No shrinking phase: a failure is reported as drawn, so the test stays bounded in time.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(mutation(), min_size=1, max_size=3))
# Found by the explore profile: an infinite year made the year column's cast fail.
@example(mutations=[("wages", "set_cells", 27866, "1e400", "age_band")])
@example(mutations=[("employment", "duplicate_column", 4, "", "")])
def test_load_data_returns_a_dataset_or_a_located_refusal(base_dir, keep_dir, mutations):
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "data"
        shutil.copytree(base_dir, folder)
        for table, kind, seed, value, name in mutations:
            _apply(folder, table, kind, seed, value, name)
        names = {p.name for p in folder.iterdir()}
        try:
            data = load_data(folder)
        except DataValidationError as exc:
            assert exc.problems
            for problem in exc.problems:
                where = Path(problem.file)
                assert where == folder or (where.parent == folder and where.name), problem
                assert where == folder or where.name in names or where.suffix == ".csv", problem
                assert str(problem).startswith(str(where))
            return
        assert isinstance(data, Dataset)
        assert {"employment", "population", "migration"} <= set(data.tables)
        if len(ACCEPTED) < 3:
            ACCEPTED.append(keep_dir(folder))


@pytest.fixture(scope="module")
def keep_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("accepted")

    def keep(folder: Path) -> Path:
        target = root / f"m{len(list(root.iterdir()))}"
        shutil.copytree(folder, target)
        return target
    return keep


def test_the_cli_accepts_the_accepted_mutants(base_dir, capsys):
    folders = ACCEPTED or [base_dir]
    for folder in folders[:3]:
        assert main(["validate", str(folder)]) == 0, capsys.readouterr().err
        assert "valid;" in capsys.readouterr().out
