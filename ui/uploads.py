"""Uploaded roster files: stored under safe names in a private temporary folder, then imported."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from streamlit.runtime.uploaded_file_manager import UploadedFile

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
