"""Files shipped with aws-sso-wizard (stylesheets, help text, the example organisation preset)."""

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent


def asset_path(name: str) -> Path:
    """Absolute path of a file shipped in this package."""
    return ASSETS_DIR / name
