"""Account administration and the audit log from the command line.

    python -m access users add --db PATH --name NAME --role analyst --scope 370283 [--pii] [--password PW |
    --password-stdin]
    python -m access users list|disable|enable|reset-password|set-scope|grant-pii|revoke-pii --db PATH --name NAME ...
    python -m access demo-accounts --db PATH          (the demo accounts of the synthetic data; see README)
    python -m access audit --db PATH [--user NAME] [--action ACTION] [--out FILE.xlsx]

Without --password the password is asked for (not echoed). Scopes: ``city``, a district code or a town code.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import duckdb

from access.roles import CITY, ROLE_LABELS
from access.store import ACTIONS, AccessStore, AccountError, store_path
from analytics.areas import area_codes, towns_with_districts
from reporting.registry import load_catalogue
from storage.cells import neutralised_frame
from storage.db import connect
from storage.files import use_private_umask

DEMO_ACCOUNTS = (  # name, role, area, pii, password, unit — only usable while the data are synthetic
    ("demo_admin", "admin", CITY, True, "demo-admin-2017", ""),
    ("demo_city", "analyst", CITY, False, "demo-city-2017", ""),
    ("demo_pingdu", "analyst", "370283", False, "demo-pingdu-2017", ""),
    ("demo_dazeshan", "viewer", "370283120", False, "demo-dazeshan-2017", ""),
    ("demo_report_pingdu", "reporter", "370283", False, "demo-report-2017", "agriculture"),
    ("demo_report_forestry", "reporter", CITY, False, "demo-forestry-2017", "forestry"),
    ("demo_review_pingdu", "reviewer", "370283", False, "demo-review-2017", ""),
    ("demo_review_city", "reviewer", CITY, False, "demo-approve-2017", ""),
    ("demo_monitor_liaolan", "monitor", "370283108", False, "demo-monitor-2017", ""),
)


def checked_area(db: Path, area: str) -> str:
    """``city``, or a district or town code that exists in the database."""
    if area == CITY:
        return area
    with connect(db) as con:
        known = set(towns_with_districts(con)["town_code"]) | set(area_codes(con, "district"))
    if area not in known:
        raise AccountError(f"范围“{area}”不是 city、区市代码或镇街代码")
    return area


def checked_unit(db: Path, unit: str) -> str:
    """Empty, or a unit that owns a data set in the database's target registry."""
    if not unit:
        return unit
    with connect(db) as con:
        known = set(load_catalogue(con).owners)
    if unit not in known:
        raise AccountError(f"单位“{unit}”不是指标登记表中的责任单位（{'、'.join(sorted(known))}）")
    return unit


def _password(args: argparse.Namespace) -> str:
    if args.password:
        return str(args.password)
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first, second = getpass.getpass("密码："), getpass.getpass("再输入一次：")
    if first != second:
        raise AccountError("两次输入的密码不一致")
    return first


def ensure_demo_accounts(db: Path) -> list[str]:
    """Create the missing demo accounts (flagged as demo: refused once real data are imported)."""
    store, made = AccessStore(store_path(db)), []
    for name, role, area, pii, password, unit in DEMO_ACCOUNTS:
        if store.users()["name"].eq(name).any():
            continue
        store.add_user(name, role, checked_area(db, area), password, pii=pii, demo=True, by="system", unit=unit)
        made.append(name)
    return made


def _users(args: argparse.Namespace, store: AccessStore) -> str:
    if args.command == "list":
        return str(store.users().to_string(index=False))
    if args.command == "add":
        store.add_user(
            args.name,
            args.role,
            checked_area(args.db, args.scope),
            _password(args),
            pii=args.pii,
            by=args.by,
            unit=checked_unit(args.db, args.unit or ""),
        )
    elif args.command in ("disable", "enable"):
        store.set_disabled(args.name, args.command == "disable", by=args.by)
    elif args.command == "reset-password":
        store.reset_password(args.name, _password(args), by=args.by)
    elif args.command == "set-scope":
        store.set_area(args.name, checked_area(args.db, args.scope), by=args.by)
    elif args.command in ("grant-pii", "revoke-pii"):
        store.set_pii(args.name, args.command == "grant-pii", by=args.by)
    return f"已完成：{args.command} {args.name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m access", description="账号与审计日志")
    sub = parser.add_subparsers(dest="group", required=True)
    users = sub.add_parser("users")
    users.add_argument(
        "command",
        choices=["add", "list", "disable", "enable", "reset-password", "set-scope", "grant-pii", "revoke-pii"],
    )
    users.add_argument("--db", type=Path, required=True)
    users.add_argument("--name")
    users.add_argument("--role", choices=list(ROLE_LABELS), default="viewer")
    users.add_argument("--unit", help="填报员所属单位（数据集责任单位代码，如 agriculture）")
    users.add_argument("--scope", default=CITY)
    users.add_argument("--pii", action="store_true", help="可查看未脱敏个人信息（须说明理由，记入审计）")
    users.add_argument("--password")
    users.add_argument("--password-stdin", action="store_true")
    users.add_argument("--by", default=getpass.getuser(), help="记入审计的操作人")
    demo = sub.add_parser("demo-accounts")
    demo.add_argument("--db", type=Path, required=True)
    audit = sub.add_parser("audit")
    audit.add_argument("--db", type=Path, required=True)
    audit.add_argument("--user")
    audit.add_argument("--action", choices=list(ACTIONS))
    audit.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    use_private_umask()
    if not args.db.exists():
        print(f"错误：找不到数据库 {args.db}", file=sys.stderr)
        return 2
    try:
        if args.group == "demo-accounts":
            made = ensure_demo_accounts(args.db)
            print("已创建演示账号：" + "、".join(made) if made else "演示账号已存在")
        elif args.group == "audit":
            log = AccessStore(store_path(args.db)).audit(args.user, args.action)
            if args.out:
                neutralised_frame(log).to_excel(args.out, index=False)
            print(log.head(50).to_string(index=False))
        else:
            if args.command != "list" and not args.name:
                raise AccountError("需要 --name")
            print(_users(args, AccessStore(store_path(args.db))))
    except (AccountError, duckdb.Error) as err:
        print(f"错误：{err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
