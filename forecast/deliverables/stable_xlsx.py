"""Saving a workbook so that the same content gives the same bytes.

openpyxl stamps the save time into the document properties and the zip entries; a planner who
reruns a proposal on the same inputs must get the same file (and a checksum that says so). The
properties get a fixed date and the zip entries a fixed time stamp and permissions.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.xml.functions import tostring

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def save_stable(book: Workbook, path: Path, *, stamp: datetime, title: str, language: str) -> None:
    """Save ``book`` to ``path`` with ``stamp`` as its creation and modification date."""
    book.properties.creator = "labor-demand-forecast"
    book.properties.title = title
    book.properties.language = language
    book.properties.created = stamp
    raw = io.BytesIO()
    book.save(raw)
    book.properties.modified = stamp  # openpyxl stamps the save time; put the fixed date back
    core = tostring(book.properties.to_tree())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            payload = core if entry.filename == "docProps/core.xml" else source.read(entry.filename)
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, payload)
    Path(path).write_bytes(out.getvalue())
