"""Config writers that die or race: writers killed with SIGKILL at random points, and the
wizard's writer running beside ``aws configure set`` (which writes in place and takes no lock).
Shared by the tests and tests/bench/bench_config_faults.py; every run returns its counts."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

WRITER = textwrap.dedent(
    """
    import sys
    from app.config.edits import UpsertProfile, UpsertSsoSession
    from app.config.writer import ConfigWriter

    tag, count = sys.argv[1], int(sys.argv[2])
    writer = ConfigWriter()  # AWS_CONFIG_FILE from the environment
    session = UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1")
    for i in range(count):
        edit = UpsertProfile(f"{tag}-{i:03d}", f"{i:012d}", "Developer", sso_session="corp")
        writer.apply(writer.plan([session, edit]))
        print(f"{tag}-{i:03d}", flush=True)
    """
)


def _env(config: Path) -> dict[str, str]:
    env = dict(os.environ, AWS_CONFIG_FILE=str(config), PYTHONPATH=str(ROOT))
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _temps(config: Path) -> list[Path]:
    return [p for p in config.parent.iterdir() if p.name.startswith(f".{config.name}.") and p.name.endswith(".tmp")]


def _backups(config: Path) -> int:
    from app.config.backup import list_backups

    return len(list_backups(config.parent, config.name))


def _profiles(config: Path) -> set[str] | None:
    """The profile names in the file, None when it does not parse."""
    from app.config.document import ConfigParseError
    from app.config.model import load_aws_config

    try:
        return set(load_aws_config(config).profiles)
    except ConfigParseError:
        return None


@dataclass
class CrashRun:
    tries: int = 0
    failures: list[str] = field(default_factory=list)  # a broken file or a reported write missing
    temps_left_by_kills: int = 0  # temp files present right after the kills (what the next write removes)
    temps_after_next_write: int = 0
    most_backups: int = 0  # the most backups seen at any point
    seconds: float = 0.0


def crash_run(config: Path, tries: int, *, seed: int = 1, longest: float = 0.8) -> CrashRun:
    """``tries`` times: start a writer that upserts profiles one after another, SIGKILL it after a
    random delay, and check the file (complete, every reported write in it, at most KEEP backups)."""
    from app.config.backup import KEEP

    rng = random.Random(seed)
    run = CrashRun()
    start = time.monotonic()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("# hand-made\n[default]\nregion = eu-west-1\n")
    reported: set[str] = set()
    for attempt in range(tries):
        run.tries += 1
        proc = subprocess.Popen([sys.executable, "-c", WRITER, f"k{attempt:03d}", "1000"], env=_env(config),
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(rng.uniform(0.05, longest))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        reported.update(out.split())
        found = _profiles(config)
        if found is None:
            run.failures.append(f"try {attempt}: the file does not parse")
        elif not reported <= found:
            run.failures.append(f"try {attempt}: lost {sorted(reported - found)[:3]}")
        run.temps_left_by_kills = max(run.temps_left_by_kills, len(_temps(config)))
        run.most_backups = max(run.most_backups, _backups(config))
    done = subprocess.run([sys.executable, "-c", WRITER, "after", "1"], env=_env(config), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        run.failures.append(f"the write after the crashes failed: {done.stderr.strip()[-200:]}")
    run.temps_after_next_write = len(_temps(config))
    run.most_backups = max(run.most_backups, _backups(config))
    if run.most_backups > KEEP:
        run.failures.append(f"{run.most_backups} backups (the promise is {KEEP})")
    run.seconds = time.monotonic() - start
    return run


@dataclass
class MixedRun:
    cli_updates: int = 0
    wizard_writes: int = 0
    lost_cli_updates: list[str] = field(default_factory=list)
    lost_wizard_writes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def mixed_run(config: Path, cli_updates: int, *, wizard_writers: int = 2, wizard_writes: int = 30,
              seed_profiles: int = 400) -> MixedRun:
    """``aws configure set`` run ``cli_updates`` times (one after another: the AWS CLI would lose
    its own updates racing itself) while ``wizard_writers`` processes upsert ``wizard_writes``
    profiles each. Half the CLI's updates add a section (it appends), half change a value in an
    existing one (it rewrites the file in place). The file starts with ``seed_profiles`` profiles,
    so that each write takes as long as it does in a real organisation's config."""
    run = MixedRun(cli_updates=cli_updates, wizard_writes=wizard_writers * wizard_writes)
    start = time.monotonic()
    config.parent.mkdir(parents=True, exist_ok=True)
    seeded = "".join(f"[profile seed-{n:04d}]\nregion = eu-west-1\noutput = json\n\n" for n in range(seed_profiles))
    config.write_text(f"[default]\nregion = eu-west-1\n\n{seeded}[profile cli-shared]\nregion = eu-west-1\n")
    env = _env(config)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, f"w{n}", str(wizard_writes)], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(wizard_writers)]
    expected: dict[tuple[str, str], str] = {}
    for i in range(cli_updates):
        if i % 2:
            profile, key, value = "cli-shared", f"cli_key_{i:02d}", f"v{i}"
        else:
            profile, key, value = f"cli-{i:02d}", "region", f"eu-west-{i % 3 + 1}"
        done = subprocess.run([str(VENV_BIN / "aws"), "configure", "set", key, value, "--profile", profile],
                              env=env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            run.failures.append(f"aws configure set {key}: {done.stderr.strip()[-200:]}")
        expected[(profile, key)] = value
    for proc in writers:
        _, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            run.failures.append(f"wizard writer: {err.strip()[-300:]}")
    run.seconds = time.monotonic() - start

    import configparser

    parser = configparser.RawConfigParser()
    parser.read_string(config.read_text())
    for (profile, key), value in expected.items():
        section = f"profile {profile}"
        if not parser.has_section(section) or parser.get(section, key, fallback=None) != value:
            run.lost_cli_updates.append(f"{profile}.{key}")
    for n in range(wizard_writers):
        for i in range(wizard_writes):
            if not parser.has_section(f"profile w{n}-{i:03d}"):
                run.lost_wizard_writes.append(f"w{n}-{i:03d}")
    return run
