"""How long is left, as every view shows it: ``7h 12m``, ``14m``, ``45s``, ``3d 2h``, ``over a year``. Standard
library only (the shell prompt formats with it on every prompt)."""

from __future__ import annotations


def duration_text(seconds: float) -> str:
    """``seconds`` left as ``7h 12m`` (``14m``, ``45s``, ``3d 2h``, ``over a year``); empty when none are left."""
    seconds = int(seconds)
    if seconds <= 0:
        return ""
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    if hours // 24 > 366:
        return "over a year"
    return f"{hours // 24}d {hours % 24}h"


def parse_duration(text: str) -> float | None:
    """Seconds in a duration as people write it for a job: ``90m``, ``6h``, ``1h30m``, ``1h 30m``,
    ``2d``, ``45s``; a bare number is minutes. None when it is not one."""
    import re

    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        return None
    if cleaned.isdigit():
        return int(cleaned) * 60.0
    parts = re.fullmatch(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", cleaned)
    if parts is None or not any(parts.groups()):
        return None
    days, hours, minutes, seconds = (int(g) if g else 0 for g in parts.groups())
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
