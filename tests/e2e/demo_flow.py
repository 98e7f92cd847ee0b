"""The whole demo wizard driven through a real terminal, as a person would type it, including the
fast double Enter and Escape-then-key moments that only a real terminal can reproduce.

Shared by the tmux test and the start-up/RSS benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.tmux import Tmux

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLI = str(BIN / "aws-sso-wizard")
PROFILE = "preservation-prod-ReadOnly"


@dataclass
class DemoRun:
    sandbox: Path
    caller_identity: dict
    screens: dict[str, str]
    wizard_pid: int | None = None


def demo_env(home: Path) -> dict[str, str]:
    """A clean environment: no display (so: sign-in code + the emulator's auto-approve)."""
    env = {
        "HOME": str(home),
        "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    return env


def run_aws_cli(sandbox: Path, *args: str) -> subprocess.CompletedProcess:
    """The AWS CLI (v1, from PyPI) against the demo sandbox, through the demo's env.sh."""
    script = f". {sandbox / 'env.sh'} && exec aws {' '.join(args)}"
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{BIN}{os.pathsep}/usr/bin:/bin", "HOME": str(sandbox)})


def settle() -> None:
    """Let a new step be on show for a moment: the wizard drops keys typed before a step appeared
    (its type-ahead guard), and a person reads the screen before typing anyway."""
    time.sleep(0.25)


def drive_demo(t: Tmux, sandbox: Path, *, on_done=None) -> DemoRun:
    """Start ``aws-sso-wizard demo --keep SANDBOX`` in ``t`` and go through every step."""
    screens: dict[str, str] = {}
    t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(sandbox.parent), cwd=str(ROOT))

    # 1. Checks: a fast double Enter. The second Enter must not skip the portal step.
    t.wait_for("Step 1 of 8", timeout=30)
    screens["checks"] = t.wait_for("Press Enter to continue", timeout=30)
    settle()
    t.keys("Enter", "Enter")
    screens["portal"] = t.wait_for("Step 2 of 8")
    time.sleep(0.4)
    screen = t.capture()
    assert "Step 2 of 8" in screen, f"the second Enter skipped the portal step:\n{screen}"
    t.wait_for("demo-archive.awsapps.com")  # pre-filled by the demo's organisation preset
    settle()

    # 2. Portal: Escape, then a key at once (arrives as Alt+key): no crash, no skipped step.
    t.keys("Escape", "x")
    time.sleep(1.0)  # Escape waits for Textual's ESCDELAY; then the screen may change
    screen = t.capture()
    assert "Traceback" not in screen and ("Step 2 of 8" in screen or "Step 1 of 8" in screen), screen
    if "Step 1 of 8" in screen:  # the Escape went back: continue again
        t.wait_for("Press Enter to continue")
        settle()
        t.keys("Enter")
        t.wait_for("Step 2 of 8")
        t.wait_for("demo-archive.awsapps.com")
        settle()
    # The URL field may have an "x" now if Escape+x arrived as two keys; reset it.
    t.keys("C-u")
    t.type("https://demo-archive.awsapps.com/start")
    t.wait_for("demo-archive.awsapps.com/start")  # the whole paste is in the field before Enter
    settle()
    t.keys("Enter")

    # 3. Sign in with a code (no display here); the pretend portal approves it by itself.
    t.wait_for("Step 3 of 8")
    screens["signin"] = t.wait_for(("Your code", "Step 4 of 8"))
    screens["accounts"] = t.wait_for("Step 4 of 8", timeout=30)
    t.wait_for("12 accounts")
    settle()

    # 4. Account: filter, then choose.
    t.type("preservation-prod")
    t.wait_for("1 of 12 accounts")
    t.keys("Enter")
    screens["roles"] = t.wait_for("Step 5 of 8")
    t.wait_for("3 roles")
    settle()

    # Back to the account step (cached list), and forward again with the same account.
    t.escape()
    t.wait_for("Step 4 of 8")
    t.wait_for("12 accounts")
    settle()
    t.type("preservation-prod")
    t.wait_for("1 of 12 accounts")
    t.keys("Enter")
    t.wait_for("Step 5 of 8")
    t.wait_for("3 roles")
    settle()

    # 5. Role.
    t.type("read")
    t.wait_for("1 of 3 roles")
    t.keys("Enter")

    # 6. Profile: the suggested name is fine.
    screens["profile"] = t.wait_for("Step 6 of 8")
    t.wait_for("A good name")
    settle()
    t.keys("Enter")

    # 7. Review: the diff; a fast double Enter writes once and lands on Done.
    screens["review"] = t.wait_for(f"+ [profile {PROFILE}]")
    settle()
    t.keys("Enter", "Enter")
    screens["done"] = t.wait_for("All set!")
    settle()

    # 8. Done: verify with "who am I", then use the AWS CLI against the sandbox while the demo runs.
    t.keys("v")
    screens["verified"] = t.wait_for("It works", timeout=30)
    proc = run_aws_cli(sandbox, "sts", "get-caller-identity", "--profile", PROFILE, "--output", "json")
    assert proc.returncode == 0, f"aws sts get-caller-identity failed:\n{proc.stdout}\n{proc.stderr}"
    identity = json.loads(proc.stdout)
    pid = None
    if on_done is not None:
        pid = on_done(t)
    # Finishing lands in the profile browser, with the new profile, its account name (learnt on the
    # account step, no network call) and its sign-in; Ctrl+Q quits from there.
    t.keys("q")
    screens["profiles"] = t.wait_for("1 profile ·", timeout=20)
    screens["profiles"] = t.wait_for("signed in ·", timeout=20)
    settle()
    t.keys("C-q")
    t.wait_for("EXIT-CODE:0", timeout=20)
    return DemoRun(sandbox=sandbox, caller_identity=identity, screens=screens, wizard_pid=pid)
