"""Packaging: a regular (non-editable) wheel ships every data file the code reads.

The tables, labels, default policy and sample under ``forecast/`` are read through
``importlib.resources``. An editable install reads them from the source tree and hides a
packaging mistake, so this test builds a real wheel and compares its file list with the tree.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("features", "models", "forecast")
# What the build reads besides the package folders (pyproject's `readme`).
PROJECT_FILES = ("pyproject.toml", "README.md")
ABSENT_WARNING = "absent from the `packages` configuration"


def _source_files() -> tuple[list[str], list[str]]:
    """(data files, modules) under the package folders, as wheel paths."""
    data, modules = [], []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            name = path.relative_to(ROOT).as_posix()
            (modules if path.suffix == ".py" else data).append(name)
    return data, modules


def _build_requirements_present() -> bool:
    """Whether this interpreter already has the build backend pyproject asks for."""
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return False
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    for text in requires:
        requirement = Requirement(text)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            return False
        if not requirement.specifier.contains(version, prereleases=True):
            return False
    return True


def _copy_project(target: Path) -> Path:
    """The project sources alone, so stale ``build/`` output in the checkout cannot leak in."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    return target


def _pip_wheel(source: Path, out: Path, isolated: bool) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(out), str(source)]
    if not isolated:
        command.insert(5, "--no-build-isolation")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory) -> tuple[list[str], str]:
    """(file names in the wheel, the build log)."""
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not available to build the wheel")
    source = _copy_project(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("wheel")
    # Without build isolation when the venv has the backend (fast, offline); otherwise pip
    # installs setuptools into an isolated build environment.
    result = _pip_wheel(source, out, isolated=not _build_requirements_present())
    if result.returncode != 0 and "--no-build-isolation" in result.args:
        result = _pip_wheel(source, out, isolated=True)
    assert result.returncode == 0, f"pip wheel failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as archive:
        return archive.namelist(), result.stdout + result.stderr


def test_wheel_contains_every_data_file(built_wheel):
    names, _ = built_wheel
    data, _ = _source_files()
    # The files the code reads through importlib.resources must be among them.
    for required in ("forecast/data/regions.csv", "forecast/data/sectors.csv",
                     "forecast/data/boundary_changes.csv", "forecast/data/policy_default.toml",
                     "forecast/data/kz_public/quota_history_kz.csv", "forecast/data/kz_bns/employed_by_region.csv",
                     "forecast/deliverables/labels/en.json",
                     "forecast/inputs/sample/data/synthetic-sample.json", "forecast/inputs/sample/truth/shortage.csv.gz"):
        assert required in data, f"{required} is no longer in the source tree; update this test"
    missing = sorted(set(data) - set(names))
    assert not missing, f"data files missing from the wheel: {missing}"


def test_wheel_contains_every_module(built_wheel):
    names, _ = built_wheel
    _, modules = _source_files()
    missing = sorted(set(modules) - set(names))
    assert not missing, f"modules missing from the wheel: {missing}"
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_build_has_no_missing_package_warning(built_wheel):
    _, log = built_wheel
    offending = [line.strip() for line in log.splitlines() if ABSENT_WARNING in line]
    assert not offending, "setuptools would ignore data folders:\n" + "\n".join(offending)
