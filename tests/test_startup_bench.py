"""The start-up/RSS benchmark keeps running (a --quick smoke run in tmux; figures come from a full run)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_startup_benchmark_runs_quick(cli_env):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "bench_startup.py"), "--quick"],
        env=cli_env, cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"first frame: bare Textual app \(floor\)\s+\d+ ms", out), out
    assert re.search(r"first frame: aws-sso-wizard setup\s+\d+ ms\s+[\d.]+x floor", out), out
    assert re.search(r"aws-sso-wizard --help\s+\d+ ms", out), out
    rss = re.search(r"peak RSS, whole demo run\s+([\d.]+) MiB", out)
    assert rss and 20 < float(rss.group(1)) < 1000, out
