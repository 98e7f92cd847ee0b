"""Benchmark: the wizard's start-up and memory, in a real terminal (tmux).

    .venv/bin/python tests/bench/bench_startup.py [--quick] [--runs N]

Measures in one run, by one method (launch in tmux, poll the screen every few ms until the
expected text shows):
* cold start to the first interactive frame of ``aws-sso-wizard setup`` (its first step on screen)
  next to the floor: a bare Textual App that shows one label. Runs alternate, medians reported.
  Target: wizard <= 1.3x the floor.
* ``aws-sso-wizard --help`` (process wall time). Target: <= 80 ms.
* peak RSS (VmHWM) of the wizard process through a whole ``aws-sso-wizard demo`` run, driven by
  keys up to the Done step and its "who am I" check. Target: <= 120 MiB.
Everything runs in throwaway HOMEs; nothing touches the real ~/.aws. Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.demo_flow import CLI, demo_env, drive_demo  # noqa: E402
from tests.e2e.tmux import Tmux, peak_rss_mib, python_process_below  # noqa: E402

PYTHON = sys.executable
FLOOR_APP = '''
from textual.app import App
from textual.widgets import Label

class Floor(App):
    def compose(self):
        yield Label("floor-ready")

Floor().run()
'''
TARGET_RATIO = 1.3
TARGET_HELP_MS = 80.0
TARGET_RSS_MIB = 120.0


def _first_frame(command: list[str], marker: str, env: dict[str, str]) -> float:
    """Seconds from launching ``command`` in tmux until ``marker`` is on screen."""
    with Tmux(width=110, height=36) as t:
        t.start(command, env=env, cwd=str(ROOT))
        started = t.started_at
        deadline = started + 30
        while time.perf_counter() < deadline:
            if marker in t.capture():
                return time.perf_counter() - started
            time.sleep(0.004)
        raise RuntimeError(f"{marker!r} never appeared:\n{t.capture(history=100)}")


def measure_start(runs: int) -> tuple[list[float], list[float]]:
    floor, wizard = [], []
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        floor_file = Path(tmp) / "floor.py"
        floor_file.write_text(FLOOR_APP)
        for i in range(runs + 1):  # the first pair warms the page cache and bytecode; not counted
            home = Path(tmp) / f"home{i}"
            home.mkdir()
            env = demo_env(home)
            f = _first_frame([PYTHON, str(floor_file)], "floor-ready", env)
            w = _first_frame([CLI, "setup"], "Step 1 of 8", env)
            if i:
                floor.append(f)
                wizard.append(w)
    return floor, wizard


def measure_help(runs: int) -> list[float]:
    times = []
    for i in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([CLI, "--help"], capture_output=True, check=True)
        if i:
            times.append(time.perf_counter() - started)
    return times


def measure_demo_rss() -> float:
    peak: dict[str, float] = {}

    def on_done(t: Tmux) -> int | None:
        pid = python_process_below(t.pane_pid(), "aws-sso-wizard")
        if pid is not None:
            peak["rss"] = peak_rss_mib(pid) or 0.0
        return pid

    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        sandbox = Path(tmp) / "sandbox"
        with Tmux(width=110, height=36) as t:
            drive_demo(t, sandbox, on_done=on_done)
    if "rss" not in peak:
        raise RuntimeError("could not find the wizard process to read its peak RSS")
    return peak["rss"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 7, quick 2)")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 7)

    floor, wizard = measure_start(runs)
    help_times = measure_help(max(runs, 5))
    rss = measure_demo_rss()

    f_med, w_med = statistics.median(floor), statistics.median(wizard)
    ratio = w_med / f_med
    help_med = statistics.median(help_times) * 1000
    rows = [
        ("first frame: bare Textual app (floor)", f"{f_med * 1000:.0f} ms", "", ""),
        ("first frame: aws-sso-wizard setup", f"{w_med * 1000:.0f} ms", f"{ratio:.2f}x floor",
         f"<= {TARGET_RATIO}x " + ("OK" if ratio <= TARGET_RATIO else "OVER")),
        ("aws-sso-wizard --help", f"{help_med:.0f} ms", "", f"<= {TARGET_HELP_MS:.0f} ms "
         + ("OK" if help_med <= TARGET_HELP_MS else "OVER")),
        ("peak RSS, whole demo run", f"{rss:.1f} MiB", "", f"<= {TARGET_RSS_MIB:.0f} MiB "
         + ("OK" if rss <= TARGET_RSS_MIB else "OVER")),
    ]
    print(f"bench_startup: medians of {runs} runs (tmux, {os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    width = max(len(r[0]) for r in rows)
    for name, value, extra, target in rows:
        print(f"  {name:<{width}}  {value:>10}  {extra:>12}  {target}")
    print("  raw first frames (ms): floor " + ", ".join(f"{x * 1000:.0f}" for x in floor)
          + " | wizard " + ", ".join(f"{x * 1000:.0f}" for x in wizard))
    return 0


if __name__ == "__main__":
    sys.exit(main())
