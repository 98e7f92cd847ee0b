"""Where things live, and how their paths are shown to people."""

from __future__ import annotations

from app import paths


def test_paths_follow_home_and_the_aws_variables(home, monkeypatch, tmp_path):
    assert paths.aws_config_path() == home / ".aws" / "config"
    assert paths.sso_cache_dir() == home / ".aws" / "sso" / "cache"
    assert paths.settings_path() == home / ".config" / "aws-sso-wizard" / "settings.toml"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert paths.aws_config_path() == tmp_path / "elsewhere"
    assert paths.settings_path() == tmp_path / "xdg" / "aws-sso-wizard" / "settings.toml"


def test_a_path_under_home_is_shown_with_a_tilde(home, tmp_path):
    assert paths.display_path(home / ".aws" / "config") == "~/.aws/config"
    assert paths.display_path(home) == "~"
    assert paths.display_path(f"{home}-other/config") == f"{home}-other/config"  # not a folder of home
    assert paths.display_text(f"Cannot write {home}/.aws/sso/cache: denied") == "Cannot write ~/.aws/sso/cache: denied"


def test_in_the_demo_the_sandbox_is_shown_in_full(home, tmp_path, monkeypatch):
    """The demo makes its sandbox HOME; ~/.aws/config on its screens must still mean the real one."""
    sandbox = tmp_path / "sandbox"
    monkeypatch.setenv(paths.DISPLAY_HOME_VARIABLE, str(home))
    monkeypatch.setenv("HOME", str(sandbox))
    assert paths.aws_config_path() == sandbox / ".aws" / "config"
    assert paths.display_path(paths.aws_config_path()) == f"{sandbox}/.aws/config"
    assert paths.display_path(home / ".aws" / "config") == "~/.aws/config"
