"""Files that are not what they seem: devices, FIFOs, sockets and directories where a file should
be, symlinked caches, read-only configs, leftovers of killed writers and cache files no parser
can read. Every writer replaces only a regular file, never blocks on a read, and says which path
is wrong and what to do about it. Runs as root (as CI does); the unprivileged cases use setpriv."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from app.config.backup import KEEP, list_backups
from app.config.edits import UpsertProfile, UpsertSsoSession
from app.config.writer import ConfigWriter
from app.emulator import DEMO_REGION, DEMO_START_URL
from app.errors import WizardError
from app.signin.target import SsoTarget
from app.signin.token_cache import TokenCache
from helpers.commands import run_wizard
from helpers.profile_app import DEMO_CONFIG
from helpers.profile_fixtures import token_file, write_config, write_token
from tests.conftest import ROOT

EDITS = [
    UpsertProfile("dev", "111111111111", "Developer", sso_session="corp"),
    UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1"),
]
SETUP = ["setup", "--yes", "--start-url", DEMO_START_URL, "--sso-region", DEMO_REGION, "--sso-session", "demo",
         "--account", "012345678901", "--role", "ReadOnly", "--profile", "archive-ro", "--region", "eu-west-1"]
TARGET = SsoTarget("https://corp.awsapps.com/start", "eu-west-1", "corp")
TOKEN = {"startUrl": TARGET.start_url, "region": TARGET.region, "accessToken": "aoa-secret",
         "expiresAt": "2999-01-01T00:00:00Z"}
REGISTRATION = {"clientId": "client", "clientSecret": "very-secret", "expiresAt": "2999-01-01T00:00:00Z"}
KINDS = {"directory": "a directory", "fifo": "a FIFO", "socket": "a socket"}

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="root ignores mode bits; CI runs the tests as root")


def make_odd(path: Path, kind: str) -> list[object]:
    """Put a directory, FIFO or bound Unix socket at ``path``; returns what keeps it alive."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "directory":
        path.mkdir()
        return []
    if kind == "fifo":
        os.mkfifo(path)
        return []
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    return [sock]


def is_kind(path: Path, kind: str) -> bool:
    test = {"directory": stat.S_ISDIR, "fifo": stat.S_ISFIFO, "socket": stat.S_ISSOCK}[kind]
    return test(os.lstat(path).st_mode)


def listing(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


def one_line(proc: subprocess.CompletedProcess) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


# -- /dev/null and the config path -----------------------------------------------------------------


@needs_root
def test_setup_yes_into_a_null_device_leaves_the_device_and_creates_nothing(emulator_factory, cli_env, tmp_path):
    """The case of AWS_CONFIG_FILE=/dev/null, on a null device of the test's own (the same kind of
    device), so that a regression cannot replace this machine's /dev/null."""
    emulator_factory(auto_approve=True)
    folder = tmp_path / "dev"
    folder.mkdir()
    device = folder / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    proc = run_wizard(*SETUP, env=dict(cli_env, AWS_CONFIG_FILE=str(device)))
    assert proc.returncode == 1
    line = one_line(proc)
    assert str(device) in line and "character device" in line
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert listing(folder) == ["null"]


def test_dev_null_still_reads_as_an_empty_config(cli_env):
    proc = run_wizard("profiles", env=dict(cli_env, AWS_CONFIG_FILE=os.devnull))
    assert proc.returncode == 0, proc.stderr
    assert "No profiles in /dev/null" in proc.stdout + proc.stderr


@pytest.mark.parametrize("argv", [["profiles"], SETUP, [*SETUP, "--dry-run"], ["doctor"]],
                         ids=["profiles", "setup", "setup-dry-run", "doctor"])
def test_a_fifo_at_the_config_path_never_hangs(emulator_factory, cli_env, tmp_path, argv):
    emulator_factory(auto_approve=True)
    fifo = tmp_path / "config"
    os.mkfifo(fifo)
    proc = run_wizard(*argv, env=dict(cli_env, AWS_CONFIG_FILE=str(fifo)), timeout=30)
    assert proc.returncode == 1
    if argv == ["doctor"]:
        line = next(line for line in proc.stdout.splitlines() if "AWS config file" in line)
        assert line.startswith("[FAIL]")
    else:
        line = one_line(proc)
    assert str(fifo) in line and "FIFO" in line
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and listing(tmp_path) == ["config"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", KINDS)
def test_the_config_writer_replaces_only_a_regular_file(config_path, kind):
    write_config(config_path, "[default]\nregion = eu-west-1\n")
    writer = ConfigWriter(config_path)
    plan = writer.plan(EDITS)
    config_path.unlink()
    keep = make_odd(config_path, kind)
    before = listing(config_path.parent)
    with pytest.raises(WizardError) as caught:
        writer.apply(plan)
    assert str(config_path) in str(caught.value) and KINDS[kind] in str(caught.value)
    assert is_kind(config_path, kind) and listing(config_path.parent) == before
    del keep


# -- every cache the app writes --------------------------------------------------------------------


def _write_token(home: Path, path: Path) -> None:
    TokenCache().write_document(path, TOKEN)


def _write_account_names(home: Path, path: Path) -> None:
    from app.signin.account_names import AccountNames

    assert AccountNames(path).remember({"111111111111": "prod"}) is False


def _write_settings(home: Path, path: Path) -> None:
    from app.settings import Settings

    Settings(path).remember(start_url="https://corp.awsapps.com/start")


def _write_row_cache(home: Path, path: Path) -> None:
    from app.profiles import status as ps

    service = ps.ProfileStatusService()
    service.snapshot()
    assert service.save_row_cache({"widths": [1]}) is False


def _cache_paths(home: Path) -> dict[str, Path]:
    from app import paths
    from app.profiles.status import row_cache_path
    from app.signin.account_names import account_names_path

    cache = TokenCache()
    return {"token": cache.token_path(TARGET), "registration": cache.registration_path(TARGET),
            "account-names": account_names_path(), "settings": paths.settings_path(), "row-cache": row_cache_path()}


WRITERS = {"token": _write_token, "registration": _write_token, "account-names": _write_account_names,
           "settings": _write_settings, "row-cache": _write_row_cache}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("cache", WRITERS)
def test_every_cache_writer_replaces_only_a_regular_file(home, config_path, cache, kind):
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    path = _cache_paths(home)[cache]
    keep = make_odd(path, kind)
    before = listing(path.parent)
    try:
        WRITERS[cache](home, path)
    except WizardError as error:  # the writers that report (the others give up quietly)
        assert path.name in str(error) and KINDS[kind].split()[-1].lower() in str(error).lower()
    assert is_kind(path, kind) and listing(path.parent) == before
    del keep


@pytest.mark.parametrize("cache", ["token", "account-names", "row-cache"])
def test_a_fifo_in_a_cache_never_hangs_the_profiles_list(demo_config, home, cli_env, cache):
    path = token_file(home, "archive") if cache == "token" else _cache_paths(home)[cache]
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    proc = run_wizard("profiles", env=cli_env, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "preservation-prod" in proc.stdout and stat.S_ISFIFO(os.stat(path).st_mode)


# -- symlinked caches are replaced, never written through ------------------------------------------


@pytest.mark.parametrize("cache", ["token", "registration", "account-names"])
def test_a_symlinked_cache_file_is_replaced_and_its_target_untouched(home, tmp_path, cache):
    path = _cache_paths(home)[cache]
    path.parent.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "precious.txt"
    outside.write_text("mine\n")
    os.chmod(outside, 0o644)
    path.symlink_to(outside)
    if cache == "token":
        TokenCache().save_token(TARGET, TOKEN)
    elif cache == "registration":
        TokenCache().save_registration(TARGET, REGISTRATION)
    else:
        from app.signin.account_names import AccountNames

        assert AccountNames(path).remember({"111111111111": "prod"}) is True
    assert outside.read_text() == "mine\n" and stat.S_IMODE(os.stat(outside).st_mode) == 0o644
    assert not path.is_symlink() and path.is_file()
    if cache != "account-names":
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize("cache", ["token", "registration", "account-names"])
def test_a_dangling_cache_link_creates_nothing_elsewhere(home, tmp_path, cache):
    path = _cache_paths(home)[cache]
    path.parent.mkdir(parents=True, exist_ok=True)
    elsewhere = tmp_path / "elsewhere" / "loot.json"
    elsewhere.parent.mkdir()
    path.symlink_to(elsewhere)
    if cache == "account-names":
        from app.signin.account_names import AccountNames

        AccountNames(path).remember({"111111111111": "prod"})
    else:
        TokenCache().write_document(path, TOKEN if cache == "token" else REGISTRATION)
    assert listing(elsewhere.parent) == []
    assert not path.is_symlink() and path.is_file()


# -- read-only configs ------------------------------------------------------------------------------


@needs_root
def test_a_read_only_config_is_refused_even_for_root_with_the_fix(config_path):
    write_config(config_path, "[default]\nregion = eu-west-1\n")
    os.chmod(config_path, 0o444)
    writer = ConfigWriter(config_path)
    with pytest.raises(WizardError) as caught:
        writer.apply(writer.plan(EDITS))
    assert f"chmod u+w {config_path}" in caught.value.hint
    assert config_path.read_text() == "[default]\nregion = eu-west-1\n"
    assert stat.S_IMODE(os.stat(config_path).st_mode) == 0o444 and list_backups(config_path.parent, "config") == []


@needs_root
def test_doctor_and_the_writer_agree_on_a_read_only_config(config_path, cli_env):
    write_config(config_path, "[default]\nregion = eu-west-1\n")
    os.chmod(config_path, 0o444)
    proc = run_wizard("doctor", env=cli_env)
    config_line = next(line for line in proc.stdout.splitlines() if "AWS config file" in line)
    assert config_line.startswith("[FAIL]") and "read-only" in config_line
    assert f"chmod u+w {config_path}" in proc.stdout


UNPRIVILEGED_WRITE = """
import sys
from app.config.edits import UpsertProfile, UpsertSsoSession
from app.config.writer import ConfigWriter
from app.errors import WizardError
writer = ConfigWriter(sys.argv[1])
try:
    writer.apply(writer.plan([UpsertProfile("dev", "111111111111", "Developer", sso_session="corp"),
                              UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1")]))
except WizardError as error:
    print(error.message, error.hint)
    raise SystemExit(1)
"""


@needs_root
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is needed to drop root")
def test_a_read_only_config_is_refused_for_its_owner_in_a_writable_folder():
    folder = Path(tempfile.mkdtemp(prefix="ro-config-", dir="/tmp"))
    try:
        config = folder / "config"
        config.write_text("[default]\nregion = eu-west-1\n")
        os.chmod(config, 0o444)
        nobody = 65534
        os.chown(folder, nobody, nobody)
        os.chown(config, nobody, nobody)
        proc = subprocess.run(
            ["setpriv", f"--reuid={nobody}", f"--regid={nobody}", "--clear-groups", sys.executable, "-c",
             UNPRIVILEGED_WRITE, str(config)],
            capture_output=True, text=True, timeout=60, cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(folder), PYTHONDONTWRITEBYTECODE="1"),
        )
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert f"chmod u+w {config}" in proc.stdout
        assert config.read_text() == "[default]\nregion = eu-west-1\n"
    finally:
        shutil.rmtree(folder)


# -- temporary files, stale leftovers and backups ---------------------------------------------------


def test_temp_files_are_0600_until_the_rename(config_path):
    from app.fsutil import atomic_write_text

    write_config(config_path, "[default]\n")
    os.chmod(config_path, 0o644)
    seen: list[int] = []

    def look(target: Path) -> None:
        temps = [p for p in target.parent.iterdir() if p.name.startswith(".config.") and p.name.endswith(".tmp")]
        seen.extend(stat.S_IMODE(os.stat(p).st_mode) for p in temps)

    atomic_write_text(config_path, "[default]\nregion = x\n", before_replace=look)
    assert seen == [0o600]
    assert stat.S_IMODE(os.stat(config_path).st_mode) == 0o644


def test_the_next_write_removes_stale_temp_files_of_its_own_pattern(config_path):
    write_config(config_path, "[default]\n")
    stale = [config_path.parent / f".config.{n}.tmp" for n in ("abc123", "zz_9")]
    for path in stale:
        path.write_text("aws_secret_access_key = leaked\n")
    other = config_path.parent / ".credentials.abc.tmp"
    other.write_text("not ours\n")
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan(EDITS))
    assert not any(p.exists() for p in stale)
    assert other.exists()


def test_backups_never_exceed_the_promise_even_at_the_rename(config_path, monkeypatch):
    write_config(config_path, "[default]\n")
    for n in range(KEEP):
        (config_path.parent / f"config.bak-2000010{n // 10}-0000{n % 10}0").write_text("[old]\n")
    counts: list[int] = []
    real_replace = os.replace

    def counting_replace(src, dst, *args, **kwargs):
        counts.append(len(list_backups(config_path.parent, "config")))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", counting_replace)
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan(EDITS))
    assert counts and max(counts) <= KEEP
    assert len(list_backups(config_path.parent, "config")) == KEEP


# -- token cache files no parser can read ----------------------------------------------------------

DEEP = "[" * 200_000 + "]" * 200_000


@pytest.fixture
def demo_config(config_path: Path) -> Path:
    return write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))


def _bad_cache(home: Path, how: str) -> Path:
    if how == "deep":
        path = token_file(home, "archive")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DEEP)
        return path
    path = write_token(home, "archive", expires_in=timedelta(hours=1), start_url=DEMO_START_URL, region=DEMO_REGION)
    document = json.loads(path.read_text())
    document["expiresAt"] = "0001-01-01T00:00:00Z" if how == "year-1" else "9999-12-31T23:59:59Z"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("how", ["deep", "year-1"])
@pytest.mark.parametrize("argv", [["profiles"], ["profiles", "--json"], ["whoami", "preservation-prod"]],
                         ids=["profiles", "profiles-json", "whoami"])
def test_an_unreadable_token_file_does_not_crash_the_readers(demo_config, home, cli_env, argv, how):
    path = _bad_cache(home, how)
    proc = run_wizard(*argv, env=cli_env)
    assert "unexpected error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    if argv[0] == "profiles":
        assert proc.returncode == 0, proc.stderr
        status = "expired" if how == "year-1" else "signed out"
        if "--json" in argv:
            rows = {row["name"]: row for row in json.loads(proc.stdout)}
            assert rows["preservation-prod"]["status"].replace("-", " ") == status
            if how == "deep":
                problem = rows["preservation-prod"]["problem"]
                assert path.name in problem and "login --sso-session archive" in problem
        else:
            assert status in proc.stdout
            if how == "deep":
                assert path.name in proc.stdout and "login --sso-session archive" in proc.stdout
    else:
        line = one_line(proc)
        assert "aws-sso-wizard login --sso-session archive" in line
        if how == "deep":
            assert path.name in line and "JSON nested too deeply" in line


@pytest.mark.parametrize("how", ["deep", "year-1"])
def test_an_unreadable_token_file_never_stops_login_or_logout(demo_config, home, emulator, how):
    emulator.auto_approve = True
    for argv in (["logout", "preservation-prod"], ["logout", "--all"]):
        path = _bad_cache(home, how)
        proc = run_wizard(*argv)
        assert "unexpected error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == 0, proc.stderr
        if argv[1] != "--all":
            assert not path.exists()
            if how == "deep":
                assert path.name in proc.stdout and "could not be read: it holds JSON nested too deeply" in proc.stdout
    _bad_cache(home, how)
    proc = run_wizard("login", "--sso-session", "archive", "--device-code", "--no-browser")
    assert proc.returncode == 0, proc.stderr
    document = json.loads(token_file(home, "archive").read_text())
    assert document["accessToken"] and document["expiresAt"] > "2000"


def test_a_far_future_expiry_reads_as_signed_in(demo_config, home, cli_env):
    _bad_cache(home, "far-future")
    proc = run_wizard("profiles", "--json", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    rows = {row["name"]: row for row in json.loads(proc.stdout)}
    assert rows["preservation-prod"]["status"].replace("-", " ") in ("signed in", "valid")
    table = run_wizard("profiles", env=cli_env)
    assert "signed in · over a year left" in table.stdout

