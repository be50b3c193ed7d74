"""Uploaded roster and boundary files: stored under safe names in a private temporary folder, then imported."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from analytics.cubes import build_cubes
from geo.boundary_import import (
    SUFFIXES,
    BoundaryRefused,
    BoundaryReport,
    import_boundaries,
)
from roster.reading import InputRefused, safe_upload_name
from roster.validate import ERROR, Known, Problem
from roster.worker import Outcome, run_import


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


def check_or_import(
    db: Path, files: list[UploadedFile], as_of: dt.date, user: str, write: bool, known: Known
) -> Outcome:
    """Validate the uploads in a capped worker process (and write a snapshot when asked and nothing blocks it),
    showing the stage and the time taken while it runs."""
    status = st.empty()

    def progress(stage: str, seconds: float) -> None:
        status.info(f"{stage}……已用时 {seconds:,.0f} 秒")

    with tempfile.TemporaryDirectory(prefix="roster-upload-") as folder:
        paths, refused = _saved(files, Path(folder))
        outcome = run_import(
            db,
            paths,
            as_of,
            user,
            write and not refused,
            known,
            progress,
            derive=build_cubes,
        )
    status.empty()
    outcome.validation.problems[:0] = refused
    return outcome


def import_uploaded_boundaries(
    db: Path, level: str, upload: UploadedFile, code_field: str | None
) -> BoundaryReport | str:
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
