"""The monitoring cases store next to the base database and its frames, read once per version of the store."""

from __future__ import annotations

import streamlit as st

from cases.store import CaseFrames, CaseStore, cases_path
from storage.db import database_path


def case_store() -> CaseStore:
    """The cases store next to the base database (cases outlive roster imports)."""
    return CaseStore(cases_path(database_path()))


def cases_key() -> tuple[str, int]:
    store = case_store()
    return str(store.path), store.version()


@st.cache_data(show_spinner=False, max_entries=16)
def _frames(key: tuple[str, int]) -> CaseFrames:
    return case_store().frames()


def case_frames() -> CaseFrames:
    """Cases, assigned measures and the working day, read once per version of the store."""
    return _frames(cases_key())
