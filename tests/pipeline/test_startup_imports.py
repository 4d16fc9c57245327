"""The commands that do little work start without the numerical stack.

``benchmarks/pipeline/startup.py`` times them; this checks the behaviour that keeps them fast,
without timing anything."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "sklearn", "statsmodels", "matplotlib", "openpyxl", "scipy", "tqdm")

PROBE = """
import contextlib, io, json, sys
import forecast.cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        status = forecast.cli.main(sys.argv[1:])
    except SystemExit as stop:
        status = stop.code
print(json.dumps({"status": status, "heavy": sorted(name for name in %r if name in sys.modules)}))
""" % (HEAVY,)


def _loaded_after(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["quota", "--help"],
                                  ["sample-data", "--help"]])
def test_help_does_not_import_the_numerical_stack(args):
    assert _loaded_after(*args) == {"status": 0, "heavy": []}


def test_sample_data_does_not_import_the_numerical_stack(tmp_path):
    result = _loaded_after("sample-data", str(tmp_path / "data"))
    assert result == {"status": 0, "heavy": []}
    assert (tmp_path / "data" / "employment.csv").exists()
