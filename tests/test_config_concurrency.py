"""Eight processes upsert 25 profiles each into one config file at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from app.config.backup import KEEP, list_backups
from app.config.model import load_aws_config
from tests.conftest import ROOT

WORKER = textwrap.dedent(
    """
    import json, sys
    from app.config.edits import UpsertProfile, UpsertSsoSession
    from app.config.writer import ConfigWriter

    worker = int(sys.argv[1])
    writer = ConfigWriter()  # AWS_CONFIG_FILE from the environment
    session = UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1")
    out = []
    for i in range(25):
        edit = UpsertProfile(f"w{worker}-p{i:02d}", f"{worker:06d}{i:06d}", "Developer", sso_session="corp")
        result = writer.apply(writer.plan([session, edit]))
        out.append({"backup": str(result.backup_path) if result.backup_path else None,
                    "reapplied": result.reapplied})
    print(json.dumps(out))
    """
)


@pytest.mark.slow
def test_eight_processes_times_25_upserts(config_path, cli_env):
    env = dict(cli_env, AWS_CONFIG_FILE=str(config_path), PYTHONPATH=str(ROOT))
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(n)], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(8)
    ]
    results = []
    for process in workers:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
        results.extend(json.loads(out))

    config = load_aws_config(config_path)
    expected = {f"w{w}-p{i:02d}" for w in range(8) for i in range(25)}
    assert set(config.profiles) == expected
    assert all(p.problem is None and p.account_id.endswith(p.name[-2:].zfill(6)) for p in config.profiles.values())
    assert list(config.sso_sessions) == ["corp"]

    # Every write but the very first (which created the file) made its own backup.
    reported = [r["backup"] for r in results if r["backup"]]
    assert len(reported) == 199 and len(set(reported)) == 199
    assert sum(r["reapplied"] for r in results) > 0  # the writers really did race
    # The newest 20 are kept, and they are consecutive states of the file.
    kept = [path for _, path in list_backups(config_path.parent, config_path.name)]
    assert len(kept) == KEEP
    assert set(map(str, kept)) <= set(reported)
    counts = [len(load_aws_config(path).profiles) for path in kept]
    assert counts == list(range(200 - KEEP, 200))
    previous = set()
    for path in kept:
        names = set(load_aws_config(path).profiles)
        assert previous <= names
        previous = names
    assert not [p for p in config_path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
@pytest.mark.interop
def test_aws_configure_set_beside_the_wizard_loses_no_update(config_path):
    from helpers.config_races import mixed_run

    run = mixed_run(config_path, 10, wizard_writes=15)
    assert run.failures == []
    assert run.lost_cli_updates == []


@pytest.mark.interop
@pytest.mark.parametrize("section", ["new", "existing"], ids=["appends-a-section", "rewrites-in-place"])
def test_aws_configure_set_landing_between_the_re_read_and_the_rename_is_kept(config_path, cli_env, monkeypatch,
                                                                               section):
    """The AWS CLI takes no lock: its write can land at any moment of ours, here at the worst one
    (our new text is on disk in the temporary file, the rename is next)."""
    import os

    from app.config.edits import UpsertProfile, UpsertSsoSession
    from app.config.writer import ConfigWriter
    from helpers.commands import VENV_BIN

    config_path.parent.mkdir()
    config_path.write_text("[default]\nregion = eu-west-1\n\n[profile cli]\nregion = eu-west-1\n")
    writer = ConfigWriter(config_path)
    plan = writer.plan([UpsertProfile("dev", "111111111111", "Developer", sso_session="corp"),
                        UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1")])
    profile = "cli-new" if section == "new" else "cli"
    env = dict(cli_env, AWS_CONFIG_FILE=str(config_path))
    real_fsync, landed = os.fsync, []

    def fsync_then_the_cli_writes(fd):
        real_fsync(fd)
        if not landed:
            landed.append(subprocess.run([str(VENV_BIN / "aws"), "configure", "set", "output", "text", "--profile",
                                          profile], env=env, capture_output=True, text=True, timeout=120))

    monkeypatch.setattr(os, "fsync", fsync_then_the_cli_writes)
    result = writer.apply(plan)
    monkeypatch.undo()
    assert landed and landed[0].returncode == 0, landed
    assert result.reapplied
    config = load_aws_config(config_path)
    assert config.profiles["dev"].account_id == "111111111111"
    assert config.profiles[profile].output == "text"
