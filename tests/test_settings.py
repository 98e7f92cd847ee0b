"""Settings file (comments survive, atomic) and organisation presets (errors with lines)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app import paths
from app.settings import (
    PRESET_ENV,
    Preset,
    Settings,
    SettingsError,
    find_preset,
    load_preset,
)

ROOT = Path(__file__).resolve().parent.parent


def test_missing_settings_file_is_empty(home):
    settings = Settings.load()
    assert settings.path == home / ".config" / "aws-sso-wizard" / "settings.toml"
    assert settings.last.start_url is None
    assert settings.preset_path is None


def test_xdg_config_home_is_honoured(home, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    Settings.load().remember(start_url="https://a.awsapps.com/start")
    assert (tmp_path / "xdg" / "aws-sso-wizard" / "settings.toml").is_file()


def test_remember_creates_private_file_and_reads_back(home):
    settings = Settings.load()
    settings.remember(start_url="https://a.awsapps.com/start", sso_region="eu-west-2", login_method="device")
    path = paths.settings_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = Settings.load()
    assert again.last.start_url == "https://a.awsapps.com/start"
    assert again.last.sso_region == "eu-west-2"
    assert again.last.login_method == "device"


def test_user_comments_and_keys_survive_updates(home):
    path = paths.settings_path()
    path.parent.mkdir(parents=True)
    original = (
        "# my notes about this file\n"
        'preset = "org.toml"  # the library preset\n'
        "favourite = 42\n"
        "\n"
        "[last]\n"
        "# keep me\n"
        'start_url = "https://old.awsapps.com/start"  # old one\n'
        'sso_region = "us-east-1"\n'
    )
    path.write_text(original)
    Settings.load().remember(start_url="https://new.awsapps.com/start", login_method="pkce")
    text = path.read_text()
    assert "# my notes about this file" in text
    assert 'preset = "org.toml"  # the library preset' in text
    assert "favourite = 42" in text
    assert "# keep me" in text
    assert 'start_url = "https://new.awsapps.com/start"' in text
    assert 'sso_region = "us-east-1"' in text
    assert 'login_method = "pkce"' in text


def test_remember_rereads_the_file_so_edits_meanwhile_survive(home):
    settings = Settings.load()
    settings.remember(start_url="https://a.awsapps.com/start")
    path = paths.settings_path()
    path.write_text(path.read_text() + "\n# added by hand while the wizard ran\n")
    settings.remember(sso_region="eu-west-1")
    assert "# added by hand while the wizard ran" in path.read_text()


def test_unchanged_remember_does_not_rewrite(home):
    settings = Settings.load()
    settings.remember(sso_region="eu-west-1")
    path = paths.settings_path()
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before - 10_000_000, before - 10_000_000))
    settings.remember(sso_region="eu-west-1")
    assert path.stat().st_mtime_ns == before - 10_000_000


def test_broken_settings_file_names_the_line(home):
    path = paths.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('[last]\nstart_url = "https://a"\nsso_region = \n')
    with pytest.raises(SettingsError) as info:
        Settings.load()
    assert info.value.line == 3
    assert "line 3" in str(info.value)
    assert str(path) in str(info.value)


def test_invalid_login_method_is_ignored(home):
    path = paths.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('[last]\nlogin_method = "carrier-pigeon"\n')
    assert Settings.load().last.login_method is None


def test_example_preset_in_assets_loads():
    preset = load_preset(ROOT / "assets" / "preset.example.toml")
    assert preset.display_name == "Example University Library"
    assert preset.start_url == "https://example-library.awsapps.com/start"
    assert preset.sso_region == "eu-west-2"
    assert preset.session_name == "example-library"
    assert preset.registration_scopes == "sso:account:access"
    assert preset.name_pattern == "{account_name}-{role_name}"
    assert preset.default_region == "eu-west-2"
    assert preset.output == "json"


def test_flat_preset_keys(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('start_url = "https://x.awsapps.com/start"\nsso_region = "us-west-2"\noutput = "yaml"\n')
    preset = load_preset(path)
    assert preset == Preset(path=path, start_url="https://x.awsapps.com/start", sso_region="us-west-2", output="yaml")


@pytest.mark.parametrize(
    "body, needle",
    [
        ('start_url = "https://x.awsapps.com/start"\nsso_region = \n', "line 2"),
        ('[sso]\nstart_url = "https://x.awsapps.com/start"\n[sso]\n', "line"),
        ('colour = "blue"\n', "unknown key 'colour'"),
        ("output = 3\n", "must be a string"),
        ('output = "xml"\n', "(line 1): output: must be one of"),
        ('[profiles]\nname_pattern = "{who}"\n', "unknown placeholder"),
        # keys and lines named as the file writes them (the example's [sso] / [profiles] tables)
        ('[sso]\nstart_url = "https://x.awsapps.com/start"\nregionn = "eu-west-2"\n',
         "(line 3): unknown key '[sso] regionn'. Known keys: display_name, [sso] start_url, [sso] region"),
        ('display_name = "x"\n\n[profiles]\n# the default\nregion = "Europe"\n',
         "(line 5): [profiles] region: “Europe” does not look like an AWS region code"),
        ('[sso]\nstart_url = "http://x.awsapps.com/start"\n', "(line 2): [sso] start_url: "),
    ],
)
def test_broken_presets_say_what_and_where(tmp_path, body, needle):
    path = tmp_path / "org.toml"
    path.write_text(body)
    with pytest.raises(SettingsError) as info:
        load_preset(path)
    assert needle in str(info.value)
    assert str(path) in str(info.value)


def test_bad_start_url_and_region_in_preset(tmp_path):
    path = tmp_path / "org.toml"
    path.write_text('start_url = "not a url"\n')
    with pytest.raises(SettingsError, match="start_url"):
        load_preset(path)
    path.write_text('sso_region = "Europe (London)"\n')
    with pytest.raises(SettingsError, match="sso_region"):
        load_preset(path)


def test_missing_preset_file(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_preset(tmp_path / "nope.toml")


def test_find_preset_order(home, monkeypatch, tmp_path):
    def write(name, display):
        p = tmp_path / name
        p.write_text(f'display_name = "{display}"\n')
        return p

    cli, env, from_settings = write("cli.toml", "cli"), write("env.toml", "env"), write("set.toml", "settings")
    settings_file = paths.settings_path()
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(f'preset = "{from_settings}"\n')
    settings = Settings.load()
    assert find_preset(None, settings).display_name == "settings"
    monkeypatch.setenv(PRESET_ENV, str(env))
    assert find_preset(None, settings).display_name == "env"
    assert find_preset(str(cli), settings).display_name == "cli"
    monkeypatch.delenv(PRESET_ENV)
    assert find_preset(None, Settings.load(tmp_path / "none.toml")) is None


def test_relative_preset_path_is_relative_to_settings_file(home):
    settings_file = paths.settings_path()
    settings_file.parent.mkdir(parents=True)
    (settings_file.parent / "org.toml").write_text('display_name = "Rel"\n')
    settings_file.write_text('preset = "org.toml"\n')
    assert find_preset(None, Settings.load()).display_name == "Rel"


# -- [keys]: the user's keymap ------------------------------------------------------------------


def test_keys_table_is_the_keymap(home):
    path = paths.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('[keys]\n"wizard.back" = "ctrl+b"\nchecks.recheck = "f5, ctrl+r"\n\n[keys.done]\nverify = "V"\n')
    assert Settings.load().keys == {"wizard.back": "ctrl+b", "checks.recheck": "f5,ctrl+r", "done.verify": "V"}


def test_no_keys_table_is_an_empty_keymap(home):
    assert Settings.load().keys == {}


@pytest.mark.parametrize(("body", "line", "needle"), [
    ('[last]\nsso_region = "eu-west-2"\n\n[keys]\n"wizard.back" = "ctrl b"\n', 5, "'ctrl b' is not a key"),
    ('[keys]\nwizard = "b"\n', 2, "'wizard' is not a binding id"),
    ('[keys]\n"wizard.back" = 3\n', 2, "must be a key in quotes"),
    ('[keys]\n"wizard.back" = ""\n', 2, "must be a key in quotes"),
    ('keys = "b"\n', 1, "must be a table"),
])
def test_a_bad_keys_entry_names_the_file_and_line(home, body, line, needle):
    path = paths.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(body)
    with pytest.raises(SettingsError) as info:
        Settings.load()
    assert info.value.path == path and info.value.line == line
    assert str(path) in str(info.value) and f"(line {line})" in str(info.value)
    assert needle in str(info.value)
