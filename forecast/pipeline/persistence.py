"""Saving and loading forecasts and fitted models, with the version, a checksum and a keyed
signature recorded.

A saved file is one header line and a joblib payload::

    LDF-SAVED 1\\n
    {"kind": ..., "version": ..., "sha256": ..., "size": ..., "hmac": ...}\\n
    <joblib bytes>

The header says what the payload is (``kind``: the class of the saved object), which version of
the package wrote it, the sha256 and size of the payload, and ``hmac``: an HMAC-SHA256 of the
other header fields and the payload under a secret key the user holds. :func:`load_forecast`
refuses, before anything is unpickled, a file written by another version (the classes inside may
have changed shape), a file whose payload does not match its checksum (truncated, damaged), and a
file that is unsigned or not signed with the same key: unpickling runs code, so only files this
key signed are ever unpickled. Someone who can edit a file but does not hold the key cannot make
it load.

The key, in this order: the ``key`` argument (bytes or text), the ``key_file`` argument (a file
holding the key), the environment variable ``LABOR_FORECAST_KEY`` (the key as text), the
environment variable ``LABOR_FORECAST_KEY_FILE``, or the per-user key file
``$XDG_CONFIG_HOME/labor-forecast/forecast.key`` (``~/.config/...``), which :func:`save_forecast`
creates with a random 32-byte key, readable by the user only, when no key is given at all. A key
is at least 16 bytes. To load on another machine, share the key there (the key file or the
variable), never inside the saved file.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import secrets
import tempfile
from pathlib import Path

import joblib

from forecast.inputs.errors import InputError

MAGIC = b"LDF-SAVED 1\n"
# A header is a few hundred bytes; reading at most this much keeps a wrong file from being read
# whole just to be refused.
_MAX_HEADER = 4096
KEY_VARIABLE = "LABOR_FORECAST_KEY"
KEY_FILE_VARIABLE = "LABOR_FORECAST_KEY_FILE"
MIN_KEY_BYTES = 16
_SIGNED_FIELDS = ("kind", "version", "sha256", "size")


def default_key_file() -> Path:
    """The per-user key file: ``$XDG_CONFIG_HOME/labor-forecast/forecast.key``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "labor-forecast" / "forecast.key"


def _key_from_file(path: Path, what: str) -> bytes:
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        raise InputError(f"{path}: the signing key file ({what}) does not exist") from None
    except OSError as exc:
        raise InputError(f"{path}: the signing key file ({what}) cannot be read "
                         f"({exc.strerror or exc})") from None
    return _checked_key(key, f"{path} ({what})")


def _checked_key(key: bytes, what: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise InputError(f"the signing key from {what} is {len(key)} bytes; expected at least "
                         f"{MIN_KEY_BYTES} (e.g. the output of 'python -c \"import secrets; "
                         f"print(secrets.token_hex(32))\"')")
    return key


def _signing_key(key: bytes | str | None, key_file: str | Path | None, create: bool) -> bytes:
    """The key to sign or verify with (see the module docstring for the order)."""
    if key is not None:
        return _checked_key(key.encode("utf-8") if isinstance(key, str) else bytes(key),
                            "the key argument")
    if key_file is not None:
        return _key_from_file(Path(key_file), "the key_file argument")
    if os.environ.get(KEY_VARIABLE):
        return _checked_key(os.environ[KEY_VARIABLE].encode("utf-8"), f"${KEY_VARIABLE}")
    if os.environ.get(KEY_FILE_VARIABLE):
        return _key_from_file(Path(os.environ[KEY_FILE_VARIABLE]), f"${KEY_FILE_VARIABLE}")
    path = default_key_file()
    if path.is_file() or not create:
        if not path.is_file():
            raise InputError(f"no signing key: set ${KEY_VARIABLE} or ${KEY_FILE_VARIABLE}, pass "
                             f"key= or key_file=, or keep the key file {path} that signed the "
                             "saved forecasts; without the key a saved forecast is not loaded")
        return _key_from_file(path, "the per-user key file")
    return _create_key_file(path)


def _create_key_file(path: Path) -> bytes:
    """Write a random key to ``path`` (mode 0600), atomically; another process may win the race,
    and then its key is used."""
    key = secrets.token_hex(32).encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=".forecast.key.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as fh:
                fh.write(key + b"\n")
            os.link(temporary, path)  # fails if another process created the key meanwhile
        except FileExistsError:
            pass
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the signing key file {path} "
                         f"({exc.strerror or exc}); set ${KEY_VARIABLE} or pass key=") from None
    return _key_from_file(path, "the per-user key file")


def _signature(key: bytes, header: dict, payload: bytes) -> str:
    signed = json.dumps({k: header[k] for k in _SIGNED_FIELDS}, sort_keys=True).encode("utf-8")
    mac = hmac.new(key, MAGIC + signed + b"\n", hashlib.sha256)
    mac.update(payload)
    return "hmac-sha256:" + mac.hexdigest()


def _package_version() -> str:
    # Imported here: the pipeline module pulls in the writers of every deliverable.
    from forecast.pipeline.manifest import package_version

    return package_version()


def _kind(obj: object) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def save_forecast(obj: object, path: str | Path, compress: int = 3, *,
                  key: bytes | str | None = None, key_file: str | Path | None = None) -> Path:
    """Save a forecast or a fitted model to ``path``.

    Meant for :class:`~forecast.shortage.ShortageForecast`, :class:`~forecast.pipeline.QuotaRun`
    and fitted ``models`` estimators such as ``models.AutoForecaster``; any object joblib can
    pickle is accepted. The file is written beside ``path`` first and moved into place, so an
    interrupted save never leaves a half-written file under the final name.

    Parameters
    ----------
    obj : object
        What to save.
    path : str or Path
        The file to write (replaced if it exists).
    compress : int, default 3
        joblib compression level, 0 (none) to 9.
    key, key_file : optional
        The signing key, or a file holding it; by default ``$LABOR_FORECAST_KEY``,
        ``$LABOR_FORECAST_KEY_FILE`` or the per-user key file (created if missing).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        If ``path`` cannot be written, or the key is too short or cannot be read.
    """
    path = Path(path)
    secret = _signing_key(key, key_file, create=True)
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=compress)
    payload = buffer.getvalue()
    header = {"kind": _kind(obj), "version": _package_version(),
              "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}
    header["hmac"] = _signature(secret, header, payload)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(MAGIC)
            fh.write(json.dumps(header, sort_keys=True).encode("utf-8") + b"\n")
            fh.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_header(path: str | Path) -> dict:
    """The header of a saved file: ``kind``, ``version``, ``sha256`` and ``size`` of the payload.

    Raises
    ------
    InputError
        If the file is missing or is not a file written by :func:`save_forecast`.
    """
    header, _ = _read(Path(path), with_payload=False)
    return header


def load_forecast(path: str | Path, expected: type | None = None, *,
                  key: bytes | str | None = None, key_file: str | Path | None = None) -> object:
    """Load what :func:`save_forecast` saved, after checking version, checksum and signature.

    The payload is a pickle, and unpickling can run code: it is unpickled only if its HMAC-SHA256
    signature matches under the key (the same key that saved it), so a file made or changed by
    someone without the key is refused before any of it runs.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save_forecast`.
    expected : type, optional
        The class the saved object must be (e.g. ``ShortageForecast``); checked from the header
        before the payload is unpickled.
    key, key_file : optional
        The key the file was signed with, or a file holding it; by default
        ``$LABOR_FORECAST_KEY``, ``$LABOR_FORECAST_KEY_FILE`` or the per-user key file.

    Returns
    -------
    object
        The saved object.

    Raises
    ------
    InputError
        If the file is missing or not a saved forecast, was written by another version of the
        package, its payload does not match the recorded sha256 or size, or it holds another
        kind of object than ``expected``, is unsigned or not signed with the key, or no key is
        found.
    """
    path = Path(path)
    header, payload = _read(path, with_payload=True)
    current = _package_version()
    if header["version"] != current:
        raise InputError(f"{path}: saved by labor-demand-forecast {header['version']}, this is "
                         f"{current}; expected a file saved by the same version (run the "
                         "forecast again and save it anew)")
    if expected is not None and header["kind"] != f"{expected.__module__}.{expected.__qualname__}":
        raise InputError(f"{path}: holds a {header['kind']}; expected a "
                         f"{expected.__module__}.{expected.__qualname__}")
    digest = hashlib.sha256(payload).hexdigest()
    if len(payload) != header["size"] or digest != header["sha256"]:
        raise InputError(f"{path}: the saved data do not match their checksum ({len(payload):,} "
                         f"bytes with sha256 {digest[:12]}..., recorded {header['size']:,} bytes "
                         f"with sha256 {str(header['sha256'])[:12]}...); the file is damaged or "
                         "was changed after it was saved")
    signature = header.get("hmac")
    if not isinstance(signature, str):
        raise InputError(f"{path}: the saved forecast is not signed; refused without running any "
                         "of it (only files signed by save_forecast with your key are loaded)")
    secret = _signing_key(key, key_file, create=False)
    if not hmac.compare_digest(signature, _signature(secret, header, payload)):
        raise InputError(f"{path}: the signature does not match the key; refused without running "
                         "any of it (the file was saved with another key, or made or changed by "
                         f"someone without the key; set ${KEY_VARIABLE} to the key that saved it)")
    try:
        obj = joblib.load(io.BytesIO(payload))
    except Exception as exc:  # the signature matched, so the payload is what was saved
        raise InputError(f"{path}: the saved object cannot be restored ({type(exc).__name__}: "
                         f"{exc}); expected a file saved by this version") from None
    if _kind(obj) != header["kind"]:
        raise InputError(f"{path}: the header says {header['kind']} but the file holds "
                         f"{_kind(obj)}; the file was changed after it was saved")
    return obj


def _read(path: Path, with_payload: bool) -> tuple[dict, bytes]:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(len(MAGIC))
            line = fh.readline(_MAX_HEADER) if magic == MAGIC else b""
            payload = fh.read() if with_payload and magic == MAGIC else b""
    except FileNotFoundError:
        raise InputError(f"{path}: saved forecast not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    expected = "expected a file written by forecast.pipeline.persistence.save_forecast"
    if magic != MAGIC:
        raise InputError(f"{path}: not a saved forecast (it does not start with "
                         f"{MAGIC.strip().decode()!r}); {expected}")
    try:
        header = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        header = None
    fields = {"kind": str, "version": str, "sha256": str, "size": int}
    if not isinstance(header, dict) or not all(isinstance(header.get(k), t)
                                               for k, t in fields.items()):
        raise InputError(f"{path}: the header of the saved forecast is damaged; {expected}")
    return header, payload
