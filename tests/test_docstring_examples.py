"""Every example in a public docstring runs and shows what it prints."""

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("models", "features", "forecast")


def _modules():
    for package in PACKAGES:
        root = importlib.import_module(package)
        yield package
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if not info.name.rsplit(".", 1)[-1].startswith("__"):
                yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             report=True, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
