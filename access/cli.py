"""Who runs a command line tool: ``--user NAME`` is an account, proven by its password.

The password comes from ``--password-stdin`` (one line) or is asked for without echo. The same check as
the dashboard's login applies — lockout, disabled and demo accounts, the audit log — so naming an
account on the command line gives no more than signing in as it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from access.roles import User
from access.session import holds_real_data
from access.store import AccessStore, store_path


def add_user_arguments(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--user", help=help_text + "；须提供该账号的密码")
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取 --user 的密码（一行）")


def signed_in(db: Path, args: argparse.Namespace) -> User:
    """The account of ``--user`` after its password was checked; raises :class:`LoginRefused`."""
    password = (
        sys.stdin.readline().rstrip("\r\n") if args.password_stdin else getpass.getpass(f"账号“{args.user}”的密码：")
    )
    return AccessStore(store_path(db)).authenticate(args.user, password, demo_allowed=not holds_real_data(db))
