"""``shell-init SHELL --install``: shows the change to the start-up file, backs it up beside
itself, writes it atomically (through a symlink), adds the line only once, and asks first."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.shell import rc
from helpers.commands import command_env, run_wizard
from helpers.shells import SHELLS, run_shell

EXISTING = "# my settings\nexport EDITOR=vi\n"


def install(*extra: str, env: dict | None = None):
    return run_wizard("shell-init", *extra, "--install", env=env)


def test_install_shows_the_diff_backs_up_and_adds_the_line(home):
    bashrc = home / ".bashrc"
    bashrc.write_text(EXISTING)
    bashrc.chmod(0o640)
    proc = install("bash", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert '+eval "$(aws-sso-wizard shell-init bash)"' in proc.stdout
    assert f"--- {bashrc}" in proc.stdout
    text = bashrc.read_text()
    assert text.startswith(EXISTING) and text.endswith('eval "$(aws-sso-wizard shell-init bash)"\n')
    backups = list(home.glob(".bashrc.bak-*"))
    assert [b.read_text() for b in backups] == [EXISTING]
    assert bashrc.stat().st_mode & 0o777 == 0o640
    assert "~/.bashrc" in proc.stdout


def test_install_twice_adds_it_once(home):
    assert install("zsh", "--yes").returncode == 0
    again = install("zsh", "--yes")
    assert again.returncode == 0 and "already loads it" in again.stdout
    assert (home / ".zshrc").read_text().count("shell-init zsh") == 1


def test_without_a_yes_and_no_terminal_nothing_is_written(home):
    (home / ".bashrc").write_text(EXISTING)
    proc = install("bash")
    assert proc.returncode == 1
    assert "without a yes" in proc.stderr and "--yes" in proc.stderr
    assert (home / ".bashrc").read_text() == EXISTING
    assert not list(home.glob(".bashrc.bak-*"))


def test_a_symlinked_start_up_file_is_written_through(home):
    dotfiles = home / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "bashrc").write_text(EXISTING)
    (home / ".bashrc").symlink_to(dotfiles / "bashrc")
    assert install("bash", "--yes").returncode == 0
    assert (home / ".bashrc").is_symlink()
    assert "shell-init bash" in (dotfiles / "bashrc").read_text()


def test_fish_goes_to_its_config_file(home):
    assert install("fish", "--yes").returncode == 0
    assert (home / ".config" / "fish" / "config.fish").read_text().endswith("aws-sso-wizard shell-init fish | source\n")


def test_a_file_changed_meanwhile_is_not_overwritten(home):
    bashrc = home / ".bashrc"
    bashrc.write_text(EXISTING)
    plan = rc.plan_install("bash", bashrc)
    bashrc.write_text(EXISTING + "alias ll='ls -l'\n")
    with pytest.raises(OSError):
        rc.apply(plan)
    assert bashrc.read_text().endswith("alias ll='ls -l'\n")


@pytest.mark.parametrize("shell", SHELLS)
def test_a_new_shell_with_the_installed_file_has_the_hook(shell, home, config_path):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text("[profile dev]\nregion = eu-west-1\n")
    assert install(shell, "--yes").returncode == 0
    rc_file = {"bash": home / ".bashrc", "zsh": home / ".zshrc",
               "fish": home / ".config" / "fish" / "config.fish"}[shell]
    source = f"source {rc_file}"
    proc = run_shell(shell, f"{source}\naws-sso-wizard use dev\necho P=$AWS_PROFILE", hook=False, env=command_env())
    assert "P=dev" in proc.stdout, proc.stderr


def test_the_plan_keeps_a_file_without_a_final_newline(tmp_path: Path):
    path = tmp_path / "rc"
    path.write_text("alias x=y")
    plan = rc.plan_install("bash", path)
    assert plan.new.startswith("alias x=y\n\n# aws-sso-wizard")
