"""Uploaded roster and boundary files: stored under safe names in a private temporary folder, then imported."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from streamlit.runtime.uploaded_file_manager import UploadedFile

from geo.boundary_import import (
    SUFFIXES,
    BoundaryRefused,
    BoundaryReport,
    import_boundaries,
)
from roster.reading import InputRefused, safe_upload_name
from roster.snapshot import ImportFailed, Snapshot, write_snapshot
from roster.validate import ERROR, Known, Problem, Validation, validate


def _saved(files: list[UploadedFile], folder: Path) -> tuple[list[Path], list[Problem]]:
    paths, refused = [], []
    for upload in files:
        try:
            name = safe_upload_name(upload.name)
        except InputRefused as err:
            refused.append(Problem(upload.name, "", None, "", "", str(err), ERROR))
            continue
        (folder / name).write_bytes(upload.getbuffer())
        paths.append(folder / name)
    return paths, refused


def check_or_import(db: Path, files: list[UploadedFile], as_of: dt.date, user: str, write: bool, known: Known) -> tuple[Validation, Snapshot | None, str | None]:
    """Validate the uploads (and write a snapshot when asked and nothing blocks it): result, snapshot, failure."""
    with tempfile.TemporaryDirectory(prefix="roster-upload-") as folder:
        paths, refused = _saved(files, Path(folder))
        result = validate(paths, known)
        result.problems[:0] = refused
        if result.errors or not write:
            return result, None, None
        try:
            return result, write_snapshot(db, result, as_of, paths, user), None
        except ImportFailed as err:
            return result, None, str(err)


def import_uploaded_boundaries(db: Path, level: str, upload: UploadedFile, code_field: str | None) -> BoundaryReport | str:
    """Import an uploaded boundary file: the report, or the reason it was refused."""
    try:
        name = safe_upload_name(upload.name, SUFFIXES)
    except InputRefused as err:
        return str(err)
    with tempfile.TemporaryDirectory(prefix="boundary-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(upload.getbuffer())
        try:
            return import_boundaries(db, level, path, code_field)
        except BoundaryRefused as err:
            return str(err)
