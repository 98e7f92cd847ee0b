"""The everyday view of many profiles, without a UI: rows and live sign-in status (status) and the
profile browser's model (browser: sort, filter, status cells, the keys that apply, the details)."""

__all__ = ["status", "browser"]
