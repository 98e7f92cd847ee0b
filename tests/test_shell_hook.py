"""``shell-init`` and ``use`` in real bash, zsh and fish: ``use NAME`` changes the shell's own
AWS_PROFILE (signing in first when the session cannot be used), ``use -`` unsets it, a profile
name is only ever a value (never run), and without the hook ``use`` says what to run instead."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from app.emulator.org import DEMO_REGION, DEMO_START_URL
from app.shell import hook
from helpers.commands import command_env, run_wizard
from helpers.profile_app import DEMO_CONFIG
from helpers.profile_fixtures import token_file, write_config
from helpers.shells import SHELLS, load_line, run_shell, shell_path

pytestmark = pytest.mark.interop

HOSTILE = "x$(id>pwned)`id>pwned2`;id>pwned3|id>pwned4"
PLAIN_CONFIG = f"""\
[profile dev]
region = eu-west-1

[profile "two words"]
region = eu-west-2

[profile {HOSTILE}]
region = eu-west-3
"""

RC = {"fish": "$status", "bash": "$?", "zsh": "$?"}
ECHO = {"fish": 'echo "P=$AWS_PROFILE"', "bash": 'echo "P=${AWS_PROFILE-<unset>}"',
        "zsh": 'echo "P=${AWS_PROFILE-<unset>}"'}
UNSET_ECHO = {"fish": "set -q AWS_PROFILE; and echo P=$AWS_PROFILE; or echo P='<unset>'", **{
    s: ECHO[s] for s in ("bash", "zsh")}}


def lines(proc) -> list[str]:
    return [line for line in proc.stdout.splitlines() if line.startswith("P=")]


@pytest.fixture
def plain_config(config_path: Path) -> Path:
    return write_config(config_path, PLAIN_CONFIG)


@pytest.mark.parametrize("shell", SHELLS)
def test_use_sets_and_unsets_aws_profile_in_the_shell_itself(shell, plain_config):
    script = "\n".join([
        "aws-sso-wizard use dev", ECHO[shell],
        "aws-sso-wizard use 'two words'", ECHO[shell],
        "aws-sso-wizard use -", UNSET_ECHO[shell],
    ])
    proc = run_shell(shell, script)
    assert lines(proc) == ["P=dev", "P=two words", "P=<unset>"], proc.stderr
    assert "AWS_PROFILE=dev in this shell." in proc.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_a_hostile_profile_name_is_set_as_a_value_and_never_run(shell, plain_config, tmp_path):
    proc = run_shell(shell, f"cd {tmp_path}\naws-sso-wizard use '{HOSTILE}'\n{ECHO[shell]}")
    assert lines(proc) == [f"P={HOSTILE}"], proc.stderr
    assert not list(tmp_path.glob("pwned*"))


@pytest.mark.parametrize("shell", SHELLS)
def test_an_unknown_profile_changes_nothing_and_fails(shell, plain_config):
    proc = run_shell(shell, f"aws-sso-wizard use dev\naws-sso-wizard use deev\necho rc={RC[shell]}\n{ECHO[shell]}")
    assert lines(proc) == ["P=dev"]
    assert "There is no profile named 'deev'" in proc.stderr and "Did you mean dev?" in proc.stderr
    assert "rc=1" in proc.stdout


@pytest.mark.parametrize("shell", SHELLS)
def test_the_function_keeps_the_exit_code_and_output_of_every_other_command(shell, plain_config):
    rc = RC[shell]
    proc = run_shell(shell, f"aws-sso-wizard profiles --json >/dev/null; echo rc={rc}\naws-sso-wizard whoami; echo rc={rc}")
    assert "rc=0" in proc.stdout and "rc=2" in proc.stdout, proc.stdout + proc.stderr


def test_without_the_hook_use_prints_the_line_and_never_pretends(plain_config):
    proc = run_shell("bash", "out=$(aws-sso-wizard use dev); echo \"OUT=$out\"; " + ECHO["bash"], hook=False)
    assert "OUT=export AWS_PROFILE=dev" in proc.stdout
    assert lines(proc) == ["P=<unset>"]
    assert "This shell is unchanged" in proc.stderr
    assert 'eval "$(aws-sso-wizard shell-init bash)"' in proc.stderr
    assert "in this shell." not in proc.stderr  # it never says it changed the shell


def test_without_the_hook_the_printed_line_is_safe_to_eval(plain_config, tmp_path):
    proc = run_shell("bash", f"cd {tmp_path}; eval \"$(aws-sso-wizard use '{HOSTILE}')\"; {ECHO['bash']}", hook=False)
    assert lines(proc) == [f"P={HOSTILE}"]
    assert not list(tmp_path.glob("pwned*"))


def test_without_the_hook_fish_users_get_the_fish_line(plain_config):
    env = {**command_env(), "SHELL": "/usr/bin/fish"}
    proc = run_wizard("use", "two words", env=env)
    assert proc.stdout == "set -gx AWS_PROFILE 'two words'\n"
    assert "aws-sso-wizard shell-init fish | source" in proc.stderr


def test_use_without_a_name_and_no_terminal_asks_for_one(plain_config):
    proc = run_wizard("use")
    assert proc.returncode == 2
    assert "Name the profile to use" in proc.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_use_signs_in_first_when_the_session_is_not_valid(shell, config_path, home, emulator):
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    emulator.auto_approve = True  # the person approves the code at once
    proc = run_shell(shell, f"aws-sso-wizard use shared-admin\n{ECHO[shell]}")
    assert lines(proc) == ["P=shared-admin"], proc.stderr
    assert token_file(home, "archive").exists()
    assert "signed in to sso-session archive until" in proc.stderr


def test_use_signs_in_the_usual_way_here_with_a_code(config_path, home, emulator):
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    script = f"{load_line('bash')}\naws-sso-wizard use preservation-prod\n{ECHO['bash']}"
    proc = subprocess.Popen([shell_path("bash"), "--norc", "--noprofile", "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=command_env(), stdin=subprocess.DEVNULL)
    try:
        code, seen, deadline = None, [], time.monotonic() + 30
        while code is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            seen.append(line)
            if "enter the code" in line:  # no browser here: the login service chose a code
                code = line.split(":", 1)[1].strip()
        assert code, "".join(seen)
        emulator.approve(code)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "P=preservation-prod" in out, err
    assert token_file(home, "archive").exists()


def test_a_denied_sign_in_leaves_the_shell_as_it_was(config_path, home, emulator):
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    script = f"{load_line('bash')}\nexport AWS_PROFILE=static\naws-sso-wizard use shared-admin\necho rc=$?\n{ECHO['bash']}"
    proc = subprocess.Popen([shell_path("bash"), "--norc", "--noprofile", "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=command_env(), stdin=subprocess.DEVNULL)
    try:
        code, deadline = None, time.monotonic() + 30
        while code is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if "enter the code" in line:
                code = line.split(":", 1)[1].strip()
        assert code
        emulator.deny(code)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "rc=1" in out and "P=static" in out, err
    assert not token_file(home, "archive").exists()


def test_programs_started_by_the_app_cannot_reach_the_shell_hook(tmp_path, monkeypatch):
    handed = tmp_path / "hand-back"
    handed.write_text("")
    monkeypatch.setenv(hook.HOOK_VARIABLE, str(handed))
    hook.take_from_environment()
    try:
        import os

        assert hook.HOOK_VARIABLE not in os.environ  # a sub-shell or browser started now does not get it
        assert hook.active()
        hook.current().set_profile("dev")
        assert handed.read_text() == "set\ndev\n"
    finally:
        monkeypatch.delenv(hook.HOOK_VARIABLE, raising=False)
        hook.take_from_environment()
    assert not hook.active()


def test_the_hook_refuses_a_file_that_is_not_a_plain_file(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(target)
    monkeypatch.setenv(hook.HOOK_VARIABLE, str(link))
    assert hook.current() is None
    assert target.read_text() == "keep"


@pytest.mark.parametrize("shell", SHELLS)
def test_doctor_says_whether_the_hook_is_active(shell, plain_config):
    proc = run_shell(shell, "aws-sso-wizard doctor --offline --json; command aws-sso-wizard doctor --offline --json")
    import json

    decoder = json.JSONDecoder()
    first, end = decoder.raw_decode(proc.stdout)
    second, _ = decoder.raw_decode(proc.stdout[end:].lstrip())
    assert [c["status"] for c in first if c["check"] == "shell-hook"] == ["ok"]
    assert [c["status"] for c in second if c["check"] == "shell-hook"] == ["warn"]


@pytest.mark.parametrize("shell", SHELLS)
def test_the_prompt_through_the_function_makes_no_hand_back_file(shell, plain_config, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "mktemp.log"
    spy = bin_dir / "mktemp"  # counts the hand-back files the function makes
    spy.write_text(f"#!/bin/sh\necho made >> {log}\nexec /usr/bin/mktemp \"$@\"\n")
    spy.chmod(0o755)
    env = {**command_env(), "AWS_PROFILE": "dev"}
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    proc = run_shell(shell, "aws-sso-wizard prompt; aws-sso-wizard __complete bash use d", env=env)
    assert proc.stdout == "dev\ndev\n", proc.stderr
    assert not log.exists()  # every prompt and Tab costs no extra processes
    run_shell(shell, "aws-sso-wizard use dev", env=env)
    assert log.read_text() == "made\n"


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_function_works_in_a_shell_that_refuses_unset_variables(shell, plain_config):
    proc = run_shell(shell, f"set -u\naws-sso-wizard use dev\n{ECHO[shell]}\naws-sso-wizard use -\n{ECHO[shell]}")
    assert lines(proc) == ["P=dev", "P=<unset>"], proc.stderr
