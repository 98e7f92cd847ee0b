"""``app/bootstrap.py``, the Quick start's script: ``install`` puts a working ``aws-sso-wizard`` on
the person's PATH (where ``pip install --user`` is refused), installs show progress, ``test`` names
the Pythons it ran on and those it could not find, and messages inside a bootstrap run name commands
that work there."""

from __future__ import annotations

import importlib.util
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.commands import command_env, run_wizard

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "app" / "bootstrap.py"


def _bootstrap():
    spec = importlib.util.spec_from_file_location("bootstrap_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _this_python() -> str:
    return "%d.%d" % sys.version_info[:2]


def test_the_pythons_not_on_path_are_named(tmp_path):
    bootstrap = _bootstrap()
    found, missing = bootstrap.other_pythons(path=str(tmp_path))
    assert found == []
    others = [v for v in ((3, 10), (3, 11), (3, 12), (3, 13)) if v != sys.version_info[:2]]
    assert missing == others
    line = bootstrap.test_summary(0, [], missing)
    assert line == (f"tests ran on Python {_this_python()} (passed); not found: "
                    + ", ".join("%d.%d" % v for v in others))


def test_a_python_named_for_another_version_does_not_count(tmp_path):
    bootstrap = _bootstrap()
    other = (3, 13) if sys.version_info[:2] != (3, 13) else (3, 12)
    (tmp_path / ("python%d.%d" % other)).symlink_to(sys.executable)  # says 3.13, is this Python
    found, missing = bootstrap.other_pythons(path=str(tmp_path))
    assert found == [] and other in missing


def test_a_failed_run_on_another_python_is_in_the_summary():
    bootstrap = _bootstrap()
    assert bootstrap.test_summary(0, [((3, 12), 1)], []) == (
        f"tests ran on Python {_this_python()} (passed), 3.12 (failed)"
    )


def test_pip_output_becomes_progress_lines(capsys):
    bootstrap = _bootstrap()
    progress = bootstrap.PipProgress("installing")
    for line in ("Collecting textual>=0.80\n", "  Downloading textual-1.0.whl (600 kB)\n",
                 "Requirement already satisfied: botocore in /x/site-packages (1.35)\n",
                 "Installing collected packages: textual, botocore\n"):
        progress.line(line)
    progress.done()
    lines = capsys.readouterr().err.splitlines()
    assert lines[:3] == [
        "[bootstrap] installing: 1 packages so far (textual>=0.80)",
        "[bootstrap] installing: 2 packages so far (botocore)",
        "[bootstrap] installing: installing 2 packages",
    ]
    assert lines[3].startswith("[bootstrap] installing: done in ")


def test_messages_inside_a_bootstrap_run_name_the_bootstrap_command(config_path):
    env = command_env()
    env["AWS_SSO_WIZARD_BOOTSTRAP"] = "python3 app/bootstrap.py"
    proc = run_wizard("login", env=env)
    assert proc.returncode == 1
    assert "Run `python3 app/bootstrap.py run setup` first." in proc.stderr
    proc = run_wizard("login")  # installed: the command's own name
    assert "Run `aws-sso-wizard setup` first." in proc.stderr


def test_the_demo_ends_by_saying_how_to_get_the_command(monkeypatch, tmp_path):
    from app.program import command, install_hint

    monkeypatch.setenv("PATH", str(tmp_path))  # no aws-sso-wizard installed
    assert install_hint() is None  # not started through bootstrap: nothing to say
    monkeypatch.setenv("AWS_SSO_WIZARD_BOOTSTRAP", "python3 app/bootstrap.py")
    assert install_hint() == "To get the aws-sso-wizard command itself, run: python3 app/bootstrap.py install"
    assert command("demo") == "python3 app/bootstrap.py run demo"


def _real_pip_config(env: dict) -> None:
    """The machine's own pip settings (its package index), which a private HOME would hide."""
    real = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".config" / "pip" / "pip.conf"
    if real.exists() and "PIP_CONFIG_FILE" not in env:
        env["PIP_CONFIG_FILE"] = str(real)


@pytest.mark.interop
def test_install_puts_a_working_command_in_local_bin(home):
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    env.pop("XDG_DATA_HOME", None)
    _real_pip_config(env)
    proc = subprocess.run([sys.executable, str(SCRIPT), "install"], capture_output=True, text=True, env=env,
                          timeout=600, cwd=home)
    assert proc.returncode == 0, proc.stderr
    link = home / ".local" / "bin" / "aws-sso-wizard"
    assert link.is_symlink()
    assert str(link.resolve()).startswith(str(home / ".local" / "share" / "aws-sso-wizard" / "venv"))
    version = subprocess.run([str(link), "--version"], capture_output=True, text=True, env=env, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("aws-sso-wizard ")
    lines = proc.stderr.splitlines()
    assert any(line.startswith("[bootstrap] installing: ") and "packages so far" in line for line in lines)
    assert f"[bootstrap] installed {version.stdout.strip()}: {link}" in lines
    assert lines[-1].startswith(f"[bootstrap] {home / '.local' / 'bin'} is not on your PATH yet: add the line")
    # a second run upgrades in place and keeps the link
    again = subprocess.run([sys.executable, str(SCRIPT), "install"], capture_output=True, text=True, env=env,
                           timeout=600, cwd=home)
    assert again.returncode == 0, again.stderr
    assert link.is_symlink()
