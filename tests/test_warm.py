"""``warm`` and the keep-warm list: the AWS CLI's role cache filled for tools that only read it,
and ``logout`` removing those files again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from app.config.model import load_aws_config
from app.credentials.warm import KEEP_WARM_WINDOW, warm
from app.settings import Settings
from helpers.commands import run_wizard
from helpers.role_keys import PROD, demo_signed_in, role_cache_file, run_app_without_boto

pytestmark = pytest.mark.interop

ADMIN = ("210987654321", "Administrator")


def test_warm_fills_the_cache_once_for_each_profile(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    proc = run_wizard("warm", PROD, "shared-admin")
    assert proc.returncode == 0, proc.stderr
    assert role_cache_file(home).exists() and role_cache_file(home, *ADMIN).exists()
    assert emulator.call_count("GetRoleCredentials") == 2
    assert proc.stdout.splitlines()[0].startswith(f"{PROD}: keys valid until ")
    assert "(fetched)" in proc.stdout
    emulator.clear_calls()
    again = run_app_without_boto("warm", PROD, "shared-admin")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("(already cached)") == 2
    assert emulator.calls == []


def test_warm_without_names_uses_the_keep_warm_list(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("warm").returncode == 2  # nothing marked yet: says how
    Settings.load().set_keep_warm("shared-admin", True)
    proc = run_wizard("warm")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("shared-admin: ")
    assert role_cache_file(home, *ADMIN).exists() and not role_cache_file(home).exists()


def test_warm_goes_on_after_a_profile_that_cannot_be_warmed(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    proc = run_wizard("warm", "static", "nope", PROD)
    assert proc.returncode == 1
    assert "static: The profile “static” does not sign in through IAM Identity Center." in proc.stderr
    assert "nope: There is no profile named “nope”" in proc.stderr
    assert role_cache_file(home).exists()


def test_keys_are_fetched_again_before_readers_would_count_them_expired(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    config = load_aws_config()
    first = warm(config, [PROD])
    assert first[0].fetched and first[0].expires_at - datetime.now(timezone.utc) > KEEP_WARM_WINDOW
    path = role_cache_file(home)
    document = json.loads(path.read_text())
    left = datetime.now(timezone.utc) + KEEP_WARM_WINDOW - timedelta(minutes=1)
    document["Credentials"]["Expiration"] = left.strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps(document))
    assert not warm(config, [PROD], window=timedelta(0))[0].fetched  # still valid: readers may use them
    second = warm(config, [PROD])
    assert second[0].fetched and second[0].expires_at > left + timedelta(minutes=30)
    assert emulator.call_count("GetRoleCredentials") == 2


def test_logout_removes_the_keys_this_app_cached(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("warm", PROD, "shared-admin").returncode == 0
    proc = run_wizard("logout", "--sso-session", "archive")
    assert proc.returncode == 0, proc.stderr
    assert not role_cache_file(home).exists() and not role_cache_file(home, *ADMIN).exists()
    assert "temporary keys for 2 roles" in proc.stdout


def test_logout_all_removes_them_too(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("warm", PROD).returncode == 0
    assert run_wizard("logout", "--all").returncode == 0
    assert not role_cache_file(home).exists()


def test_the_keep_warm_list_keeps_comments_and_order(home):
    settings = Settings.load()
    settings.path.parent.mkdir(parents=True)
    settings.path.write_text('# mine\npreset = "x.toml"\n\n[last]\nsso_region = "eu-west-2"\n')
    assert settings.set_keep_warm("a", True) == ("a",)
    assert settings.set_keep_warm("b", True) == ("a", "b")
    assert settings.set_keep_warm("a", False) == ("b",)
    text = settings.path.read_text()
    assert text.startswith("# mine\n") and 'sso_region = "eu-west-2"' in text
    assert Settings.load().keep_warm == ("b",)
