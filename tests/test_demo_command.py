"""``aws-sso-wizard demo`` with a kept sandbox: the sign-ins of an earlier run are cleared (the new
run's pretend AWS does not know them), and nothing outside the sandbox is touched."""

from __future__ import annotations

import os
from pathlib import Path

from app.commands.demo import forget_sign_ins


def _files(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        path.write_text("{}")
        paths.append(path)
    return paths


def test_tokens_registrations_and_role_credentials_are_cleared(tmp_path):
    sandbox = tmp_path / "sandbox"
    token, registration = _files(sandbox / ".aws" / "sso" / "cache", "0a1b.json", "botocore-client-id-x.json")
    (role,) = _files(sandbox / ".aws" / "cli" / "cache", "f00d.json")
    (config,) = _files(sandbox / ".aws", "config")
    (other,) = _files(sandbox / ".aws" / "sso" / "cache", "notes.txt")
    (names,) = _files(sandbox / ".config" / "aws-sso-wizard", "account-names.json")

    assert forget_sign_ins(sandbox) == 3
    assert not token.exists() and not registration.exists() and not role.exists()
    assert config.exists() and other.exists() and names.exists()  # only sign-in files go
    assert forget_sign_ins(sandbox) == 0  # nothing left to clear: nothing to say


def test_a_fresh_sandbox_has_nothing_to_clear(tmp_path):
    assert forget_sign_ins(tmp_path / "new") == 0


def test_links_leading_outside_the_sandbox_are_not_followed(tmp_path):
    outside = tmp_path / "real-home"
    (real_token,) = _files(outside / "sso-cache", "real.json")
    (real_target,) = _files(outside / "elsewhere", "kept.json")
    sandbox = tmp_path / "sandbox"
    (sandbox / ".aws" / "sso").mkdir(parents=True)
    os.symlink(outside / "sso-cache", sandbox / ".aws" / "sso" / "cache")  # the whole folder is a link
    cli_cache = sandbox / ".aws" / "cli" / "cache"
    cli_cache.mkdir(parents=True)
    os.symlink(real_target, cli_cache / "link.json")  # one file is a link

    assert forget_sign_ins(sandbox) == 1  # the link itself
    assert real_token.exists()
    assert real_target.exists()
    assert not (cli_cache / "link.json").exists()
