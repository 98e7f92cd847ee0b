"""The profile-browser benchmark keeps running (a --quick smoke run on a smaller config; the
figures in the report come from a full run: `.venv/bin/python tests/bench/bench_profile_browser.py`)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_profile_browser_benchmark_runs_quick(cli_env):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "bench_profile_browser.py"), "--quick", "--profiles", "400"],
        env=cli_env, cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert out.startswith("bench_profile_browser: medians of 1 runs")
    for label in ("first frame: aws-sso-wizard setup", "first paint: profile browser, 400 profiles",
                  "filter keystroke, end to end", "aws-sso-wizard profiles --json, 400 profiles"):
        line = next(line for line in out.splitlines() if label in line)
        value = re.search(r"(\d+) ms", line)
        assert value and int(value.group(1)) > 0, line
