"""Smoke test: the role-discovery benchmark runs in --quick mode and meets its targets there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_role_discovery_benchmark_quick(cli_env):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "bench_role_discovery.py"), "--quick"],
        cwd=ROOT,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "40 accts, 30 ms, 20 rps" in done.stdout
    assert "12 accts, 30 ms, no limit" in done.stdout
    assert "round trips" in done.stdout and "x floor" in done.stdout
