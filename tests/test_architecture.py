"""The layout is the architecture: stages in their own packages, small modules, private stays private."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"features": {"forecast", "models"}, "models": {"forecast", "features"}}
STAGES = ("inputs", "shortage", "quota", "deliverables")
# The sample generator is a simulation of its own, kept whole so it can be read top to bottom.
MAX_LINES = 400
LONG_MODULES = {"forecast/inputs/sample/generator.py"}


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py")
                  if "__pycache__" not in p.parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_the_layers_above(package):
    offenders = {str(p.relative_to(ROOT)): _imports(p) & FORBIDDEN[package]
                 for p in (ROOT / package).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("package", ["features", "models", "forecast"])
def test_package_docstring_says_what_lives_there(package):
    module = importlib.import_module(package)
    assert module.__doc__ and len(module.__doc__) > 80


def test_forecast_holds_only_stages_pipeline_and_cli_at_top_level():
    modules = {p.name for p in (ROOT / "forecast").glob("*.py")}
    packages = {p.name for p in (ROOT / "forecast").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    assert modules == {"__init__.py"}
    # ``data`` holds the package data (classifications, policy defaults, published figures).
    assert packages == {*STAGES, "pipeline", "cli", "data"}


@pytest.mark.parametrize("stage", [*STAGES, "pipeline"])
def test_each_stage_says_what_enters_and_what_leaves(stage):
    module = importlib.import_module(f"forecast.{stage}")
    doc = module.__doc__ or ""
    assert "Enters" in doc and ("Leaves" in doc or stage == "pipeline"), stage


def test_no_module_is_longer_than_the_limit():
    long = {str(p.relative_to(ROOT)): n for p in _python_files("features", "models", "forecast")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) <= LONG_MODULES, long


def _private_imports(path: Path) -> list[str]:
    """``from module import _name`` and ``module._name`` uses of another module's private names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [f"{node.module}.{alias.name}" for alias in node.names
                      if alias.name.startswith("_") and not alias.name.startswith("__")]
        elif isinstance(node, ast.Import):
            modules.update({alias.asname or alias.name.split(".")[0]: alias.name
                            for alias in node.names})
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.append(f"{modules[node.value.id]}.{node.attr}")
    return found


def test_no_private_name_is_used_outside_its_module():
    offenders = {str(p.relative_to(ROOT)): names
                 for p in _python_files("features", "models", "forecast", "tests", "benchmarks")
                 if (names := _private_imports(p))}
    assert offenders == {}


def test_no_import_cycle_between_model_modules():
    """``models.base`` reaches the baselines through the registry, not by importing them."""
    assert "baselines" not in {node.module for node in
                               ast.walk(ast.parse((ROOT / "models/base.py").read_text()))
                               if isinstance(node, ast.ImportFrom)}


def test_thread_limits_hold_in_the_test_process():
    from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: F401 loads OpenMP
    from threadpoolctl import threadpool_info

    assert {pool["num_threads"] for pool in threadpool_info()} <= {1}


def test_stage_packages_import_in_any_order():
    """Every stage imports on its own in a fresh interpreter: no hidden import cycle."""
    code = "; ".join(f"import forecast.{name}" for name in reversed(STAGES))
    for statement in (code, "import forecast.pipeline", "import forecast.cli"):
        done = subprocess.run([sys.executable, "-c", statement], capture_output=True, text=True,
                              cwd=ROOT)
        assert done.returncode == 0, done.stderr
