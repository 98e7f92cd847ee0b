"""The env benchmark keeps running (a --quick smoke run; figures come from a full run)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.interop, pytest.mark.slow]


def test_env_benchmark_runs_quick(cli_env):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "bench_env.py"), "--quick"],
        env=cli_env, cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"warm env --format process\s+[\d.]+ ms", out), out
    assert re.search(r"boto3 get_credentials, fresh process\s+[\d.]+ ms", out), out
    assert re.search(r"ratio boto3 / env\s+[\d.]+x", out), out
    assert "GetRoleCredentials by the warm env runs: 0" in out
