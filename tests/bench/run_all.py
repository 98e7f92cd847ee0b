"""Run every benchmark script in this directory (``bench_*.py``), one after another.

    python3 app/bootstrap.py bench [--quick]        # or: .venv/bin/python tests/bench/run_all.py

Arguments are passed to each script unchanged. Exit status is non-zero when any script fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    failed: list[str] = []
    scripts = sorted(HERE.glob("bench_*.py"))
    for script in scripts:
        print(f"== {script.name} ==", flush=True)
        done = subprocess.run([sys.executable, str(script), *args], cwd=HERE.parents[1])
        if done.returncode != 0:
            failed.append(script.name)
        print(flush=True)
    if failed:
        print(f"Failed: {', '.join(failed)}")
        return 1
    print(f"All {len(scripts)} benchmarks ran.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
