"""Uploaded roster and boundary files: stored under safe names in a private temporary folder, then imported."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from analytics.cubes import build_cubes, build_monitoring
from geo.boundary_import import (
    SUFFIXES,
    BoundaryRefused,
    BoundaryReport,
    import_boundaries,
)
from roster.clue_import import current_database, import_clues, validate_clues
from roster.reading import InputRefused, safe_upload_name
from roster.snapshot import ImportFailed, Snapshot
from roster.validate import ERROR, Known, Problem, Validation
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


def check_or_import_clues(
    db: Path, files: list[UploadedFile], user: str, write: bool
) -> tuple[Validation, Snapshot | None, str]:
    """Validate uploaded department clue files (and publish them as a new snapshot when asked and nothing blocks
    it): the problems, the snapshot written, and why the write failed (empty when it did not)."""
    with tempfile.TemporaryDirectory(prefix="clue-upload-") as folder:
        paths, refused = _saved(files, Path(folder))
        try:
            if write and not refused:
                result, snapshot = import_clues(db, paths, user, derive=build_monitoring)
            else:
                with duckdb.connect(str(current_database(db)), read_only=True) as con:
                    result, snapshot = validate_clues(paths, con), None
        except ImportFailed as failed:
            return Validation(problems=refused), None, str(failed)
    result.problems[:0] = refused
    return result, snapshot, ""
