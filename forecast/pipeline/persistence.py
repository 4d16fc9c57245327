"""Saving and loading forecasts and fitted models, with the version and a checksum recorded.

A saved file is one header line and a joblib payload::

    LDF-SAVED 1\\n
    {"kind": ..., "version": ..., "sha256": ..., "size": ...}\\n
    <joblib bytes>

The header says what the payload is (``kind``: the class of the saved object), which version of
the package wrote it and the sha256 and size of the payload. :func:`load_forecast` refuses a file
written by another version (the classes inside may have changed shape) and a file whose payload
does not match its checksum (truncated, damaged or edited), before anything is unpickled.

The checksum detects damage and accidents, not malice: anyone who can change the payload can
change the header too, and unpickling runs code. Load only files from a trusted source.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import joblib

from forecast.inputs.errors import InputError

MAGIC = b"LDF-SAVED 1\n"
# A header is a few hundred bytes; reading at most this much keeps a wrong file from being read
# whole just to be refused.
_MAX_HEADER = 4096


def _package_version() -> str:
    # Imported here: the pipeline module pulls in the writers of every deliverable.
    from forecast.pipeline.manifest import package_version

    return package_version()


def _kind(obj: object) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def save_forecast(obj: object, path: str | Path, compress: int = 3) -> Path:
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

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        If ``path`` cannot be written.
    """
    path = Path(path)
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=compress)
    payload = buffer.getvalue()
    header = {"kind": _kind(obj), "version": _package_version(),
              "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}
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


def load_forecast(path: str | Path, expected: type | None = None) -> object:
    """Load what :func:`save_forecast` saved, after checking version and checksum.

    Only load files from a trusted source: the payload is a pickle, and unpickling can run code.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save_forecast`.
    expected : type, optional
        The class the saved object must be (e.g. ``ShortageForecast``); checked from the header
        before the payload is unpickled.

    Returns
    -------
    object
        The saved object.

    Raises
    ------
    InputError
        If the file is missing or not a saved forecast, was written by another version of the
        package, its payload does not match the recorded sha256 or size, or it holds another
        kind of object than ``expected``.
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
    try:
        obj = joblib.load(io.BytesIO(payload))
    except Exception as exc:  # the checksum matched, so the payload is what was saved
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
