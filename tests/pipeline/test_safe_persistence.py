"""Saved forecasts cannot run code from the file: a payload is unpickled only if it is signed
(HMAC-SHA256) with the user's key, and every refusal comes before anything is unpickled."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
from pathlib import Path

import pytest

from forecast import InputError, ShortageForecast
from forecast.pipeline import persistence
from forecast.pipeline.manifest import package_version
from forecast.pipeline.persistence import MAGIC, load_forecast, save_forecast

KEY = "k" * 32


class _Exploit:
    """Unpickling this creates the file ``marker``: the code a crafted file would run."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


@pytest.fixture(autouse=True)
def isolated_keys(tmp_path, monkeypatch):
    """No key from the environment, and a per-user key file inside the test's folder."""
    monkeypatch.delenv(persistence.KEY_VARIABLE, raising=False)
    monkeypatch.delenv(persistence.KEY_FILE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def _crafted(path: Path, marker: Path, kind: str = "forecast.shortage.definitions.ShortageForecast",
             **extra) -> Path:
    """A file with a self-consistent header (right kind, version, sha256 and size) whose payload
    runs code when unpickled."""
    payload = pickle.dumps(_Exploit(marker))
    header = {"kind": kind, "version": package_version(),
              "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload), **extra}
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + payload)
    return path


def _small() -> ShortageForecast:
    import pandas as pd

    table = pd.DataFrame({"region": ["KZ-75"], "sector": ["F"], "skill": ["high"],
                          "year": [2027], "shortage": [1.5], "tier": ["shortage"]})
    return ShortageForecast(table, 2024, 2027, 1.0, {}, pd.DataFrame({"unique_id": [], "reason": []}))


def test_an_unsigned_crafted_payload_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(persistence.KEY_VARIABLE, KEY)
    marker = tmp_path / "pwned"
    path = _crafted(tmp_path / "evil.joblib", marker)
    with pytest.raises(InputError, match="not signed; refused without running"):
        load_forecast(path)
    with pytest.raises(InputError, match="not signed"):
        load_forecast(path, expected=ShortageForecast)
    assert not marker.exists()
    # The payload really is an exploit: unpickled, it runs.
    pickle.loads(path.read_bytes().split(b"\n", 2)[2])
    assert marker.read_text() == "ran"


@pytest.mark.parametrize("signature", ["hmac-sha256:" + "0" * 64, "forged", "copied"])
def test_a_wrongly_signed_crafted_payload_is_refused_and_never_runs(signature, tmp_path, monkeypatch):
    monkeypatch.setenv(persistence.KEY_VARIABLE, KEY)
    if signature == "copied":  # the signature of a genuine file, pasted onto the crafted one
        genuine = save_forecast(_small(), tmp_path / "genuine.joblib")
        signature = persistence.read_header(genuine)["hmac"]
    if signature == "forged":  # signed correctly, but with another key than the user's
        marker = tmp_path / "pwned"
        payload_file = _crafted(tmp_path / "tmp.joblib", marker)
        header = persistence.read_header(payload_file)
        payload = payload_file.read_bytes().split(b"\n", 2)[2]
        signature = persistence._signature(b"attacker-key-0123456789", header, payload)
    marker = tmp_path / "pwned"
    path = _crafted(tmp_path / "evil.joblib", marker, hmac=signature)
    with pytest.raises(InputError, match="signature does not match the key; refused without"):
        load_forecast(path)
    assert not marker.exists()


def test_a_file_signed_with_one_key_is_refused_under_another(tmp_path):
    path = save_forecast(_small(), tmp_path / "f.joblib", key=KEY)
    assert isinstance(load_forecast(path, key=KEY), ShortageForecast)
    with pytest.raises(InputError, match="signature does not match"):
        load_forecast(path, key="another key, long enough")


def test_keys_come_from_the_argument_a_key_file_or_the_environment(tmp_path, monkeypatch):
    key_file = tmp_path / "team.key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    path = save_forecast(_small(), tmp_path / "f.joblib", key_file=key_file)
    assert isinstance(load_forecast(path, key=KEY), ShortageForecast)
    monkeypatch.setenv(persistence.KEY_VARIABLE, KEY)
    assert isinstance(load_forecast(path), ShortageForecast)
    monkeypatch.delenv(persistence.KEY_VARIABLE)
    monkeypatch.setenv(persistence.KEY_FILE_VARIABLE, str(key_file))
    assert isinstance(load_forecast(path), ShortageForecast)


def test_without_a_key_a_per_user_key_is_created_private_and_reused(tmp_path):
    path = save_forecast(_small(), tmp_path / "f.joblib")
    key_file = persistence.default_key_file()
    assert key_file.is_file() and str(key_file).startswith(str(tmp_path))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_bytes()
    save_forecast(_small(), tmp_path / "g.joblib")
    assert key_file.read_bytes() == first
    assert isinstance(load_forecast(path), ShortageForecast)
    key_file.unlink()
    with pytest.raises(InputError, match="no signing key"):
        load_forecast(path)


@pytest.mark.parametrize("key", ["short", b""])
def test_a_short_key_is_refused(key, tmp_path):
    with pytest.raises(InputError, match="expected at least 16"):
        save_forecast(_small(), tmp_path / "f.joblib", key=key)
    assert not (tmp_path / "f.joblib").exists()


def test_a_missing_key_file_is_named(tmp_path):
    with pytest.raises(InputError, match="none.key.*does not exist"):
        save_forecast(_small(), tmp_path / "f.joblib", key_file=tmp_path / "none.key")


def test_the_signature_covers_the_header(tmp_path):
    # Changing the recorded kind (to pass an ``expected`` check) breaks the signature.
    path = save_forecast(_small(), tmp_path / "f.joblib", key=KEY)
    content = path.read_bytes()
    start, end = len(MAGIC), content.index(b"\n", len(MAGIC))
    header = json.loads(content[start:end]) | {"kind": "models.auto.AutoForecaster"}
    path.write_bytes(content[:start] + json.dumps(header).encode() + content[end:])
    with pytest.raises(InputError, match="signature does not match"):
        load_forecast(path, key=KEY)
    assert os.path.getsize(path) > 0
