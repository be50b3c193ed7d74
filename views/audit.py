"""账号与审计 (administrators): accounts, and the append-only audit log with filters and export."""

import datetime as dt

import streamlit as st

from access.roles import ROLE_LABELS
from access.store import ACTIONS
from ui.auth import access_store, require
from ui.exports import csv_download

require("admin")
store = access_store()
st.title("账号与审计")
st.caption(
    "账号和审计日志保存在数据库旁的 .access.sqlite 文件中；审计日志只能追加，不能修改或删除。账号管理请用命令行 "
    "python -m access users …（见 docs/access.md）。"
)

st.subheader("账号")
users = store.users()
st.dataframe(
    users.assign(role=users["role"].map(ROLE_LABELS)).rename(
        columns={
            "name": "账号",
            "role": "角色",
            "area": "范围",
            "unit": "所属单位",
            "pii": "可查看个人信息",
            "demo": "演示账号",
            "disabled": "已停用",
            "failures": "连续失败",
            "locked_until": "锁定至",
            "created_at": "创建时间",
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("审计日志")
left, middle, right = st.columns(3)
who = left.selectbox("用户", ["", *users["name"]], format_func=lambda n: n or "全部", key="audit_user")
action = middle.selectbox("操作", ["", *ACTIONS], format_func=lambda a: ACTIONS.get(a, "全部"), key="audit_action")
since = right.date_input("起始日期", value=None, key="audit_since")
log = store.audit(who or None, action or None, since)
shown = log.assign(action=log["action"].map(ACTIONS)).rename(
    columns={"id": "序号", "at": "时间", "user": "用户", "action": "操作", "details": "详情"}
)
st.dataframe(shown, hide_index=True, width="stretch", height=420)
csv_download("导出审计日志（CSV）", shown, f"审计日志_{dt.date.today():%Y%m%d}.csv", "audit_export")
