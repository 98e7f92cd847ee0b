"""``doctor``: will my other tools work? The AWS CLI on PATH and the botocore of each python3 on
PATH against the floors of the profile forms the config uses, each with the fix (upgrade, or a
companion profile). Real executables on PATH: stand-in ``aws`` scripts that print a version line,
and a real Python whose path leads to an old botocore's version."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from app.emulator import DEMO_REGION, DEMO_START_URL
from helpers.commands import command_env, run_wizard
from helpers.profile_app import DEMO_CONFIG
from helpers.profile_fixtures import write_config

pytestmark = pytest.mark.interop

LEGACY_ONLY = f"[profile old]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n" \
              "sso_account_id = 012345678901\nsso_role_name = ReadOnly\n"


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def fake_aws(bin_dir: Path, version_line: str) -> None:
    _script(bin_dir / "aws", f'echo "{version_line}"\n')


def python_with_botocore(directory: Path, version: str) -> Path:
    """A ``python3`` (this Python) that imports a botocore reporting ``version``, as an old
    installation would."""
    package = directory / "site" / "botocore"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f"__version__ = {version!r}\n")
    return _script(directory / "bin" / "python3", f'PYTHONPATH="{directory / "site"}" exec "{sys.executable}" "$@"\n')


def doctor(bin_dirs: list[Path]) -> dict[str, list[dict]]:
    env = command_env()
    env["PATH"] = os.pathsep.join([*map(str, bin_dirs), env["PATH"]])
    proc = run_wizard("doctor", "--json", "--offline", env=env)
    found: dict[str, list[dict]] = {}
    for item in json.loads(proc.stdout):
        found.setdefault(item["check"], []).append(item)
    return found


@pytest.fixture
def session_config(config_path):
    return write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))


def test_an_aws_cli_before_2_9_cannot_read_sso_session_profiles(session_config, tmp_path):
    fake_aws(tmp_path / "bin", "aws-cli/2.8.0 Python/3.9.11 Linux/5.15 exe/x86_64")
    (check,) = doctor([tmp_path / "bin"])["aws-cli-forms"]
    assert check["status"] == "warn"
    assert "AWS CLI 2.8.0 cannot read [sso-session] profiles such as preservation-prod (2.9.0 or later can)" in check["message"]
    assert "Upgrade the AWS CLI" in check["fix"]
    assert "aws-sso-wizard companion preservation-prod (then use preservation-prod-process)" in check["fix"]


def test_an_aws_cli_before_2_22_signs_in_with_a_code(session_config, tmp_path):
    fake_aws(tmp_path / "bin", "aws-cli/2.15.30 Python/3.11.8 Linux/5.15 exe/x86_64")
    (check,) = doctor([tmp_path / "bin"])["aws-cli-forms"]
    assert check["status"] == "warn"
    assert "signs in with a code, not the browser (2.22.0 or later does)" in check["message"]


def test_a_current_aws_cli_is_fine(session_config, tmp_path):
    fake_aws(tmp_path / "bin", "aws-cli/2.27.1 Python/3.13.3 Linux/6.1 exe/x86_64")
    (check,) = doctor([tmp_path / "bin"])["aws-cli-forms"]
    assert check["status"] == "ok" and "2.27.1" in check["message"]


def test_an_aws_cli_v1_is_judged_by_its_botocore(session_config, tmp_path):
    fake_aws(tmp_path / "old", "aws-cli/1.27.30 Python/3.8.10 Linux/5.15 botocore/1.29.5")
    (check,) = doctor([tmp_path / "old"])["aws-cli-forms"]
    assert check["status"] == "warn" and "botocore 1.29.5" in check["message"]
    (real,) = doctor([])["aws-cli-forms"]  # awscli from PyPI in the virtualenv
    assert real["status"] == "ok"


def test_each_python3_on_path_is_checked_and_an_old_botocore_named_with_its_fix(session_config, tmp_path):
    old = python_with_botocore(tmp_path / "old", "1.28.3")
    checks = doctor([old.parent])["python-botocore"]
    assert len(checks) >= 2, checks
    first = checks[0]
    assert first["status"] == "warn"
    assert "botocore 1.28.3 cannot read [sso-session] profiles such as preservation-prod (1.29.10 or later can)" in first["message"]
    assert f"{old} -m pip install --upgrade boto3 botocore" in first["fix"]
    assert "aws-sso-wizard companion preservation-prod" in first["fix"]
    venv = [item for item in checks if item is not first and item["status"] == "ok" and "botocore 1." in item["message"]]
    assert venv, checks  # this virtualenv's own python3, with a current botocore


def test_legacy_profiles_need_no_sso_session_floor(config_path, tmp_path):
    write_config(config_path, LEGACY_ONLY)
    old = python_with_botocore(tmp_path / "old", "1.28.3")
    fake_aws(old.parent, "aws-cli/2.8.0 Python/3.9.11 Linux/5.15 exe/x86_64")
    found = doctor([old.parent])
    assert found["python-botocore"][0]["status"] == "ok"
    assert found["aws-cli-forms"][0]["status"] == "ok"
