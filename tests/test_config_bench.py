"""The config writer benchmark keeps running (a --quick smoke run; the figures come from a full run)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_config_writer_benchmark_runs_quick(cli_env):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "bench_config_writer.py"), "--quick"],
        env=cli_env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Upsert one profile, full safety path")
    rows = [line.split() for line in lines[2:]]
    assert [row[0] for row in rows] == ["100", "1,000"]
    assert all(float(row[2]) > 0 and float(row[3]) > 0 and row[4].endswith("x") for row in rows)
