"""The regions where IAM Identity Center sign-in (sso-oidc) exists, and their place names
(``eu-west-2 — Europe (London)``), from botocore's own data files (read when first needed; botocore
itself is not imported)."""

from __future__ import annotations

import difflib
import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_REGION_SHAPE = re.compile(r"^[a-z]{2,}(-[a-z]+)+-\d+$")


def _read_botocore_json(path) -> dict:
    import gzip
    import json

    if path.exists():
        return json.loads(path.read_bytes())
    return json.loads(gzip.decompress(path.with_name(path.name + ".gz").read_bytes()))


def _botocore_data() -> "Path":
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("botocore is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@functools.lru_cache(maxsize=1)
def _endpoints() -> dict:
    return _read_botocore_json(_botocore_data() / "endpoints.json")


def _regions_from_data_files() -> tuple[str, ...]:
    """What :func:`_regions_from_session` returns, read straight from botocore's bundled data files
    (``endpoints.json`` and the sso-oidc model's ``endpointPrefix``): ~15 ms instead of the ~250 ms of
    importing botocore and building a session, so a status display can check regions too."""
    data = _botocore_data()
    versions = sorted(p for p in (data / "sso-oidc").iterdir() if p.is_dir())
    prefix = _read_botocore_json(versions[-1] / "service-2.json")["metadata"].get("endpointPrefix", "sso-oidc")
    regions: list[str] = []
    for partition in _endpoints()["partitions"]:
        endpoints = (partition.get("services", {}).get(prefix) or {}).get("endpoints") or {}
        for name in endpoints:  # regional endpoints only, as get_available_regions lists them
            if name in partition.get("regions", {}) and name not in regions:
                regions.append(name)
    if not regions:
        raise LookupError("no sso-oidc regions in botocore's data files")
    return tuple(regions)


def _regions_from_session() -> tuple[str, ...]:
    import os

    import botocore.session  # lazy: keeps botocore off the start-up path

    # botocore's bundled endpoint data only: no config file and no AWS_PROFILE lookup (a profile
    # that does not exist yet, or a config file that cannot be read, must not hide the list)
    session = botocore.session.Session(session_vars={
        "profile": (None, None, None, None),
        "config_file": (None, None, os.devnull, None),
        "credentials_file": (None, None, os.devnull, None),
    })
    regions: list[str] = []
    for partition in session.get_available_partitions():
        for region in session.get_available_regions("sso-oidc", partition_name=partition):
            if region not in regions:
                regions.append(region)
    return tuple(regions)


@functools.lru_cache(maxsize=1)
def _all_sso_regions() -> tuple[str, ...]:
    try:
        return _regions_from_data_files()
    except Exception:  # an unexpected layout of botocore's data: ask botocore itself
        return _regions_from_session()


def sso_regions() -> list[str]:
    """Every region botocore lists for ``sso-oidc``, across all partitions (aws, aws-cn, GovCloud, ...)."""
    return list(_all_sso_regions())


@functools.lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    """Region code -> place name (``"eu-west-2": "Europe (London)"``), every partition; empty when
    botocore's data cannot be read (codes alone still work)."""
    try:
        partitions = _endpoints()["partitions"]
    except Exception:
        return {}
    names: dict[str, str] = {}
    for partition in partitions:
        for code, info in (partition.get("regions") or {}).items():
            description = info.get("description") if isinstance(info, dict) else None
            if description and code not in names:
                names[code] = description
    return names


def region_name(code: str) -> str:
    """The place name of ``code`` (``Europe (London)``), or "" when botocore does not name it."""
    return region_names().get(code, "")


def region_label(code: str) -> str:
    """``eu-west-2 — Europe (London)``; the bare code when it has no name."""
    name = region_name(code)
    return f"{code} — {name}" if name else code


def region_search_fields(code: str) -> tuple[str, str]:
    """What a region filter matches: the code and the place name."""
    return (code, region_name(code))


def check_region(region: str) -> str | None:
    """None when ``region`` is a region with IAM Identity Center sign-in, else the reason, for people."""
    value = (region or "").strip()
    if not value:
        return "Enter the SSO region, the AWS region where your IAM Identity Center lives (for example us-east-1)."
    if value != region:
        return "The SSO region must not contain spaces."
    known = _all_sso_regions()
    if value in known:
        return None
    # typing slips first: capitals, underscores or spaces, and l/o for 1/0 in the trailing number
    cleaned = re.sub(r"[\s_]+", "-", value.lower())
    cleaned = re.sub(r"-([lio0-9]+)$", lambda m: "-" + m.group(1).replace("l", "1").replace("i", "1").replace("o", "0"), cleaned)
    if cleaned in known:
        return f"“{value}” is not an AWS region with IAM Identity Center. Did you mean {cleaned}?"
    close = difflib.get_close_matches(cleaned, known, n=1, cutoff=0.75)
    if close and close[0] != value:
        return f"“{value}” is not an AWS region with IAM Identity Center. Did you mean {close[0]}?"
    if not _REGION_SHAPE.match(value):
        return (
            f"“{value}” does not look like an AWS region code. Use the code, for example us-east-1 or eu-west-1, "
            "not the region's display name."
        )
    return f"“{value}” is not an AWS region where IAM Identity Center sign-in is available."


@functools.lru_cache(maxsize=1)
def _all_regions() -> tuple[str, ...]:
    """Every region of every partition in botocore's bundled endpoint data (not only those with
    IAM Identity Center): what a profile's default region may be."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("botocore is not installed")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    regions: list[str] = []
    for partition in _read_botocore_json(data / "endpoints.json")["partitions"]:
        regions += [name for name in partition.get("regions", {}) if name not in regions]
    return tuple(regions)


def all_regions() -> list[str]:
    """Every AWS region botocore knows, across all partitions."""
    return list(_all_regions())


def check_profile_region(region: str) -> str | None:
    """None when ``region`` is an AWS region (any, Identity Center or not), else the reason, for people."""
    value = (region or "").strip()
    if not value:
        return "Enter the default AWS region of the profile (for example eu-west-1)."
    if value != region:
        return "The region must not contain spaces."
    known = _all_regions()
    if value in known:
        return None
    cleaned = re.sub(r"[\s_]+", "-", value.lower())
    cleaned = re.sub(r"-([lio0-9]+)$", lambda m: "-" + m.group(1).replace("l", "1").replace("i", "1").replace("o", "0"), cleaned)
    close = [cleaned] if cleaned in known else difflib.get_close_matches(cleaned, known, n=1, cutoff=0.75)
    if close and close[0] != value:
        return f"“{value}” is not an AWS region. Did you mean {close[0]}?"
    if not _REGION_SHAPE.match(value):
        return (
            f"“{value}” does not look like an AWS region code. Use the code, for example us-east-1 or eu-west-1, "
            "not the region's display name."
        )
    return f"“{value}” is not an AWS region that this version of botocore knows."
