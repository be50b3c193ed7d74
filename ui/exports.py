"""Downloads and household lists, allowed by role: every export says who made it and when, and is audited."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access import session
from storage.cells import csv_text
from ui.auth import audit, current_user


def csv_bytes(frame: pd.DataFrame, made_by: str) -> bytes:
    """CSV (UTF-8 with BOM, for Excel) without live formulas, ending with a line naming the exporter and the time."""
    mark = f"# 导出人：{made_by} · 导出时间：{session.now():%Y-%m-%d %H:%M}"
    return (csv_text(frame) + mark + "\r\n").encode("utf-8-sig")


def csv_download(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A download button for :func:`csv_bytes`, for users who may export; audited."""
    user = current_user()
    if not user.can("export"):
        st.caption("当前角色不能导出。")
        return
    if st.download_button(label, csv_bytes(frame, user.name), file_name=file_name, key=key):
        audit("export", file=file_name, rows=len(frame))


def may_list_households() -> bool:
    """Whether household lists may be shown; says so on the page when not."""
    if current_user().can("households"):
        return True
    st.caption("当前角色（查看者）不能查看户名单；请用分析员或管理员账号登录。")
    return False
