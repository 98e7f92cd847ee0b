"""Helpers for the login and SSO tests (scripts and small utilities)."""
