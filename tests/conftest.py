"""Shared fixtures: the embedded sample loaded once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sample():
    from forecast import load_sample

    return load_sample()
