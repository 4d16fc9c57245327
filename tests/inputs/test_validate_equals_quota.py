"""``validate`` reports everything ``quota`` would refuse, and names what it accepts but changes.

Each case starts from the embedded sample cut to a few regions (Shymkent and its parent among
them, so the 2018 boundary change has work to do), breaks one thing, and checks that:

- a refusal exits 2 from ``validate`` and from ``quota`` with a message naming the file, the
  column, the row and the value, and writes nothing;
- data ``validate`` accepts are accepted by the quota job as well (run in-process, without
  writing, to keep the test fast): whenever the quota job would refuse or fail, ``validate`` has
  refused first;
- what is accepted but silently changes the result (national rows that disagree with the
  regions, vacancies without employment, no emigration) is named in ``Dataset.warnings``, which
  ``validate`` prints and ``run.json`` records.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from forecast import load_data
from forecast.cli import main
from forecast.inputs.errors import DataValidationError
from forecast.inputs.sample import sample_directory
from sample_cuts import read_table, write_sample_cut, write_table

KEPT_REGIONS = {"KZ-71", "KZ-75", "KZ-61", "KZ-79", "KZ"}
YEAR = "2025"


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    return write_sample_cut(tmp_path_factory.mktemp("base"), KEPT_REGIONS)


def _frame(table: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        write_table(folder, table, change(read_table(folder, table)))
    return mutate


def _header(table: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        path = folder / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").split("\n", 1)
        path.write_text(lines[0].replace(old, new) + "\n" + lines[1], encoding="utf-8")
    return mutate


def _duplicate_column(table: str, column: str, spaced: bool) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        frame = read_table(folder, table)
        body = frame.to_csv(index=False, header=False)
        header = ",".join(frame.columns) + ("," + (" " if spaced else "") + column)
        values = frame[column].map(lambda v: str(int(float(v)) * 2) if v else v)
        rows = [line + "," + v for line, v in zip(body.rstrip("\n").split("\n"), values)]
        (folder / f"{table}.csv").write_text(header + "\n" + "\n".join(rows) + "\n",
                                             encoding="utf-8")
    return mutate


def _drop_band(band: str) -> Callable[[Path], None]:
    return _frame("population", lambda f: f[f["age_band"] != band])


def _rename_band(old: str, new: str) -> Callable[[Path], None]:
    return _frame("population", lambda f: f.assign(age_band=f["age_band"].replace(old, new)))


def _split_open_band(folder: Path) -> None:
    # 70+ becomes 70-89 and 90+: the open band starts where the demography stops counting ages.
    frame = read_table(folder, "population")
    old = frame[frame["age_band"] == "70+"]
    frame = pd.concat([frame[frame["age_band"] != "70+"], old.assign(age_band="70-89"),
                       old.assign(age_band="90+", population="10")], ignore_index=True)
    write_table(folder, "population", frame)


def _overlapping_band(folder: Path) -> None:
    frame = read_table(folder, "population")
    extra = frame[frame["age_band"] == "20-24"].assign(age_band="22-26")
    write_table(folder, "population", pd.concat([frame, extra], ignore_index=True))


def _shymkent_in_2017_only(table: str) -> Callable[[Path], None]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        copy = frame[(frame["region"] == "KZ-79") & (frame["year"] == "2018")].assign(year="2017")
        return pd.concat([frame, copy], ignore_index=True)
    return _frame(table, change)


# id -> (mutation, (file, column, fragments of the message))
REFUSED = {
    "column-duplicated-after-stripping": (
        _duplicate_column("employment", "employed", spaced=True),
        ("employment.csv", "employed", "is given 2 times")),
    "column-given-twice": (
        _duplicate_column("employment", "employed", spaced=False),
        ("employment.csv", "employed", "is given 2 times")),
    "key-column-given-twice": (
        _duplicate_column("migration", "year", spaced=False),
        ("migration.csv", "year", "is given 2 times")),
    "age-band-missing": (
        _drop_band("25-29"), ("population.csv", "age_band", "ages 25-29 are in no band")),
    "first-band-missing": (
        _drop_band("0-15"), ("population.csv", "age_band", "ages 0-15 are in no band")),
    "last-band-missing": (
        _drop_band("70+"), ("population.csv", "age_band", "ages 70-89 are in no band")),
    "age-bands-overlap": (
        _overlapping_band, ("population.csv", "age_band", "overlaps the band before it")),
    "open-band-after-89": (
        _split_open_band, ("population.csv", "age_band", "reaches past age 89")),
    "closed-band-past-89": (
        _rename_band("70+", "70-99"), ("population.csv", "age_band", "reaches past age 89")),
    "open-band-not-last": (
        _rename_band("65-69", "65+"), ("population.csv", "age_band", "'A+' must be the last")),
    "shymkent-only-2017-population": (
        _shymkent_in_2017_only("population"),
        ("population.csv", "region", "2022 region boundaries", "KZ-79", "2017")),
    "shymkent-only-2017-every-table": (
        lambda folder: [_shymkent_in_2017_only(t)(folder)
                        for t in ("employment", "population", "migration")],
        ("employment.csv", "region", "2022 region boundaries", "KZ-79")),
}


def _mutant(base: Path, tmp_path: Path, mutate: Callable[[Path], None]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(base, data)
    mutate(data)
    return data


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_validate_refuses_with_a_located_message(case, base_dir, tmp_path, capsys):
    mutate, (file, column, *fragments) = REFUSED[case]
    data = _mutant(base_dir, tmp_path, mutate)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["validate", str(data)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert file in err and f"column {column!r}" in err
    for fragment in fragments:
        assert fragment in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with pytest.raises(DataValidationError) as caught:
        load_data(data)
    named = [Path(problem.file).name for problem in caught.value.problems]
    assert file in named and all((data / name).is_file() for name in named)
    if "band" in case or "column" in case:  # located to the row and the value
        assert any(p.row is not None and p.value is not None for p in caught.value.problems)


@pytest.mark.parametrize("case", ["column-duplicated-after-stripping", "age-band-missing",
                                  "open-band-after-89", "shymkent-only-2017-population"])
def test_quota_refuses_the_same_with_exit_2_and_writes_nothing(case, base_dir, tmp_path, capsys):
    mutate, (file, *_) = REFUSED[case]
    data = _mutant(base_dir, tmp_path, mutate)
    out = tmp_path / "out"
    assert main(["quota", "--year", YEAR, "--data", str(data), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert file in err and "internal error" not in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def _national_off(folder: Path) -> None:
    # National employment rows for 2020 and 2021, 3% above the sum of the regions.
    frame = read_table(folder, "employment")
    regional = frame[frame["year"].isin(["2020", "2021"])].copy()
    regional["employed"] = regional["employed"].astype(float)
    national = regional.groupby(["sector", "year", "skill"], as_index=False)["employed"].sum()
    national["employed"] = (national["employed"] * 1.03).round().astype(int).astype(str)
    national.insert(0, "region", "KZ")
    write_table(folder, "employment", pd.concat([frame, national[frame.columns]], ignore_index=True))


def _national_close(folder: Path) -> None:
    frame = read_table(folder, "employment")
    regional = frame[frame["year"] == "2020"].copy()
    regional["employed"] = regional["employed"].astype(float)
    national = regional.groupby(["sector", "year", "skill"], as_index=False)["employed"].sum()
    national["employed"] = (national["employed"] * 1.001).round().astype(int).astype(str)
    national.insert(0, "region", "KZ")
    write_table(folder, "employment", pd.concat([frame, national[frame.columns]], ignore_index=True))


def _vacancies_without_employment(folder: Path) -> None:
    frame = read_table(folder, "employment")
    write_table(folder, "employment", frame[frame["sector"] != "R"])
    for table in ("wages", "graduates", "permits"):  # keep the other tables consistent
        other = read_table(folder, table)
        write_table(folder, table, other[other["sector"] != "R"])


WARNED = {
    "national-rows-disagree": (_national_off, ["employment.csv: national KZ rows for 2020 sum to",
                                               "employment.csv: national KZ rows for 2021",
                                               "% apart"]),
    "vacancies-sector-without-employment": (
        _vacancies_without_employment, ["vacancies.csv: sector(s) R (", "no employment rows"]),
    "no-emigration-rows": (
        _frame("migration", lambda f: f[f["flow"] != "emigration"]),
        ["migration.csv: no emigration rows; emigration is taken as zero"]),
}


@pytest.mark.parametrize("case", list(WARNED), ids=list(WARNED))
def test_silently_changed_data_are_named_in_the_warnings(case, base_dir, tmp_path, capsys):
    mutate, fragments = WARNED[case]
    data = _mutant(base_dir, tmp_path, mutate)
    warnings = load_data(data).warnings
    for fragment in fragments:
        assert any(fragment in w for w in warnings), warnings
    assert main(["validate", str(data)]) == 0
    out = capsys.readouterr().out
    assert all(f"warning: {w}" in out for w in warnings)


def test_the_national_check_names_both_numbers_and_spares_small_differences(base_dir, tmp_path):
    data = _mutant(base_dir, tmp_path, _national_off)
    (warning, *_) = [w for w in load_data(data).warnings if "2020" in w]
    numbers = [part for part in warning.replace("(", " ").split() if part[:1].isdigit() and "," in part]
    assert len(numbers) >= 2 and numbers[0] != numbers[1]
    close = _mutant(base_dir, tmp_path / "close", _national_close)
    assert not [w for w in load_data(close).warnings if "national" in w]


def test_the_base_and_the_sample_carry_no_warning(base_dir):
    assert load_data(base_dir).warnings == ()
    assert load_data(sample_directory()).warnings == ()


def _quota_in_process(data: Path) -> None:
    """What ``quota --year 2025 --backtest 0`` does before writing: load, forecast, recommend."""
    from forecast.pipeline.quota_job import run_quota

    run_quota(load_data(data), int(YEAR))


def _every_warning(folder: Path) -> None:
    for mutate, _ in WARNED.values():
        mutate(folder)


ACCEPTED = {"unchanged": lambda folder: None, "every-warning-at-once": _every_warning}


@pytest.mark.parametrize("case", list(ACCEPTED), ids=list(ACCEPTED))
def test_what_validate_accepts_the_quota_job_accepts(case, base_dir, tmp_path, capsys):
    data = _mutant(base_dir, tmp_path, ACCEPTED[case])
    assert main(["validate", str(data)]) == 0
    _quota_in_process(data)  # raises (exit 2 or 1 from the command line) if validate missed it


def test_a_region_with_a_short_history_is_accepted_by_both(base_dir, tmp_path):
    """The calibration back-test matches forecasts and observed balances by cell."""
    data = _mutant(base_dir, tmp_path, _frame("employment", lambda f: f[
        ~((f["region"] == "KZ-71") & (f["year"].astype(int) < 2022))]))
    assert main(["validate", str(data)]) == 0
    _quota_in_process(data)


def test_warnings_reach_run_json(base_dir, tmp_path, capsys):
    data = _mutant(base_dir, tmp_path, WARNED["no-emigration-rows"][0])
    out = tmp_path / "out"
    assert main(["quota", "--year", YEAR, "--data", str(data), "--out", str(out), "-q"]) == 0
    recorded = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert any("no emigration rows" in w for w in recorded["warnings"])


def test_numpy_floating_point_warnings_do_not_reach_the_user(monkeypatch, capsys):
    import numpy as np

    from forecast import cli

    def noisy(args) -> int:
        np.array([1e308]) * 10.0
        np.array([0.0]) / 0.0
        np.array([5e-324]) / 1e10
        return 0

    monkeypatch.setitem(cli.HANDLERS, "validate", noisy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["validate", "anything"]) == 0
        np.array([1.0]) / 0.0  # outside the command, the warning is still raised
    assert [str(w.message) for w in caught] == ["divide by zero encountered in divide"]
    assert "encountered" not in capsys.readouterr().err
