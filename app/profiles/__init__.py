"""The everyday view of many profiles, without a UI: rows and live sign-in status (status)."""
