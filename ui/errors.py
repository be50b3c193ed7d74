"""Errors reach users as a Chinese message with a reference number; the traceback goes to the server log.

``client.showErrorDetails = "none"`` (``.streamlit/config.toml``) keeps Streamlit's own traceback box off the
page; :func:`reported_errors` around the page run turns any error into the message below.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

LOG = logging.getLogger("dashboard")


@contextmanager
def reported_errors() -> Iterator[None]:
    """Run a page; an error is logged with a reference and shown as a message with that reference only."""
    try:
        yield
    except Exception:  # st.stop and st.rerun are not Exceptions and pass through
        reference = uuid.uuid4().hex[:8]
        LOG.exception("page error, reference %s", reference)
        st.error(
            f"页面出现错误（编号 {reference}），请稍后重试；如再次出现，请把编号告诉管理员。详细信息已记入服务器日志。"
        )
