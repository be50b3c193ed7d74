"""Accounts, roles, sessions and the audit log (who sees what)."""
