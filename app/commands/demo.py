"""``aws-sso-wizard demo``: the whole wizard against the built-in pretend AWS, in a throwaway sandbox.

The sandbox directory becomes HOME for this process (AWS config, token cache, settings all live
there) and the endpoint variables point botocore at the in-process emulator, all before anything
reads them, so the real ``~/.aws`` is never touched. ``DIR/env.sh`` lets another terminal run the
AWS CLI against the sandbox while the demo runs. ``--keep DIR`` keeps the sandbox afterwards.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

HELP = "Try the whole wizard against a built-in pretend AWS (touches nothing real)."

DEMO_SESSION = "demo-archive"
DEMO_DISPLAY_NAME = "Demo Archive (a pretend organisation)"

# Variables that would make the demo read or reach something outside its sandbox.
_SCRUB = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_SSO_WIZARD_PRESET", "AWS_REGION",
    "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep", metavar="DIR",
                        help="use DIR as the sandbox and keep it afterwards (config, token cache, env.sh)")
    parser.add_argument("--accounts", type=int, default=12, metavar="N",
                        help="how many accounts the pretend organisation has (default 12)")
    parser.add_argument("--latency-ms", type=float, default=60.0, metavar="MS",
                        help="pretend network delay per request (default 60)")


def enter_sandbox(sandbox: Path) -> dict[str, str]:
    """Point this process at ``sandbox``; returns the variables set (for env.sh)."""
    sandbox.mkdir(parents=True, exist_ok=True)
    os.chmod(sandbox, 0o700)
    from app.paths import DISPLAY_HOME_VARIABLE

    # Screens write paths under the person's real home as ~/…; the sandbox's are shown in full.
    os.environ.setdefault(DISPLAY_HOME_VARIABLE, os.path.expanduser("~"))
    for name in _SCRUB:
        os.environ.pop(name, None)
    values = {
        "HOME": str(sandbox),
        "AWS_CONFIG_FILE": str(sandbox / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(sandbox / ".aws" / "credentials"),
        "XDG_CONFIG_HOME": str(sandbox / ".config"),
    }
    os.environ.update(values)
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    if "127.0.0.1" not in os.environ.get("NO_PROXY", ""):
        os.environ["NO_PROXY"] = os.environ["NO_PROXY"] + ",127.0.0.1"
    os.environ["no_proxy"] = os.environ["NO_PROXY"]
    return values


def forget_sign_ins(sandbox: Path) -> int:
    """Remove the sign-ins an earlier demo run left in ``sandbox``: SSO tokens and client
    registrations (``.aws/sso/cache``) and the AWS CLI's role credentials (``.aws/cli/cache``).
    Each run starts a new pretend AWS that knows none of them, so keeping them would show
    "signed in" while every call fails. Only files directly in those folders of the sandbox are
    removed, never through a link that leads outside it. Returns how many files were removed."""
    root = sandbox.resolve()
    removed = 0
    for folder in (sandbox / ".aws" / "sso" / "cache", sandbox / ".aws" / "cli" / "cache"):
        try:
            real = folder.resolve(strict=True)
        except OSError:
            continue  # no such folder: nothing kept
        if real != root and root not in real.parents:
            continue  # a link to somewhere outside the sandbox: not ours to clear
        try:
            entries = list(os.scandir(real))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".json") or entry.is_dir(follow_symlinks=False):
                continue
            try:
                os.unlink(entry.path)  # a link itself, never what it points to
            except OSError:
                continue
            removed += 1
    return removed


def write_env_file(sandbox: Path, values: dict[str, str]) -> Path:
    """``env.sh``: source it in a subshell to run the AWS CLI against the sandbox."""
    from app.fsutil import atomic_write_text

    bin_dir = str(Path(sys.executable).parent)
    lines = [
        "# aws-sso-wizard demo sandbox. Use it in a subshell while the demo runs, for example:",
        f"#   ( . {shlex.quote(str(sandbox / 'env.sh'))} && aws sts get-caller-identity --profile NAME )",
        "# It points the AWS CLI at this sandbox and at the demo's pretend AWS (it never reaches real AWS).",
    ]
    for name in _SCRUB:
        lines.append(f"unset {name}")
    for name, value in values.items():
        lines.append(f"export {name}={shlex.quote(value)}")
    lines.append(f'export PATH={shlex.quote(bin_dir)}:"$PATH"')
    path = sandbox / "env.sh"
    atomic_write_text(path, "\n".join(lines) + "\n", mode=0o600)
    return path


def run(args: argparse.Namespace) -> int:
    keep = getattr(args, "keep", None)
    if keep:
        sandbox = Path(keep).expanduser().resolve()
    else:
        sandbox = Path(tempfile.mkdtemp(prefix="aws-sso-wizard-demo-"))
    values = enter_sandbox(sandbox)
    note = None
    if forget_sign_ins(sandbox):
        note = (f"The demo's pretend AWS starts afresh on every run, so the sign-ins kept in {sandbox} "
                "were cleared: sign in again when asked.")
        print(note, file=sys.stderr)

    from app.emulator import DEMO_REGION, DEMO_START_URL, Emulator

    emulator = Emulator(accounts=max(1, args.accounts), latency_ms=max(0.0, args.latency_ms),
                        auto_approve_after=3)
    emulator.start()
    try:
        endpoints = emulator.endpoint_env()
        os.environ.update(endpoints)
        env_file = write_env_file(sandbox, {**values, **endpoints})

        from app.commands._app import open_app
        from app.services import DemoInfo
        from app.settings import Preset

        preset = Preset(display_name=DEMO_DISPLAY_NAME, start_url=DEMO_START_URL, sso_region=DEMO_REGION,
                        session_name=DEMO_SESSION, default_region=DEMO_REGION, output="json")
        demo = DemoInfo(sandbox=sandbox, base_url=emulator.base_url, env_file=env_file, note=note)
        from app.commands.home import choose_mode

        # a kept sandbox that already has a profile opens the profile browser, and so
        # does the wizard when it is done
        code = open_app(preset_path=None, mode=choose_mode(), demo=demo, preset=preset, then_profiles=True)
    finally:
        emulator.stop()
        if not keep:
            shutil.rmtree(sandbox, ignore_errors=True)
    if keep:
        print(f"The demo sandbox is kept in {sandbox} (config: {sandbox / '.aws' / 'config'}).", file=sys.stderr)
    else:
        print("Demo finished; its sandbox was removed. Nothing outside it was touched.", file=sys.stderr)
    from app.program import install_hint

    hint = install_hint()
    if hint:
        print(hint, file=sys.stderr)
    return code
