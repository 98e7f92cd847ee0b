"""Installation checks: real files, real executables on PATH, a real loopback server."""

from __future__ import annotations

import http.server
import sys
import threading
import time
from pathlib import Path

import pytest

from app import checks
from app.cancel import CancelToken
from app.checks import FAIL, OK, WARN
from app.errors import Cancelled

VENV_AWS = Path(sys.executable).parent / "aws"


def _script(directory: Path, name: str, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _which_in(directory: Path):
    def which(name):
        candidate = directory / name
        return str(candidate) if candidate.exists() else None
    return which


def test_aws_cli_v2_is_ok(tmp_path):
    _script(tmp_path / "bin", "aws", 'echo "aws-cli/2.27.1 Python/3.13.3 Darwin/24.0.0 exe/x86_64"\n')
    check = checks.check_aws_cli(which=_which_in(tmp_path / "bin"))
    assert check.status == OK
    assert "2.27.1" in check.message


def test_aws_cli_v1_from_pypi_is_a_warning_that_explains(tmp_path):
    assert VENV_AWS.exists(), "awscli v1 is a test dependency"
    check = checks.check_aws_cli(which=lambda name: str(VENV_AWS) if name == "aws" else None)
    assert check.status == WARN
    assert "v1" in check.message and "aws sso login" in check.message
    assert checks.INSTALL_URL in check.fix


def test_the_cli_version_is_read_even_when_the_config_is_broken(config_path, monkeypatch):
    """The AWS CLI reads the config even for --version; the config check reports the config."""
    config_path.parent.mkdir()
    config_path.write_text("[profile a]\nbroken line\n")
    monkeypatch.setenv("AWS_PROFILE", "not-made-yet")
    check = checks.check_aws_cli(which=lambda name: str(VENV_AWS) if name == "aws" else None)
    assert check.status == WARN and "AWS CLI v1" in check.message


def test_missing_cli_on_linux_points_to_install_page(tmp_path):
    check = checks.check_aws_cli(which=_which_in(tmp_path / "empty"), platform="linux")
    assert check.status == WARN
    assert checks.INSTALL_URL in check.fix


def test_missing_cli_on_macos_with_brew_offers_the_install_key(tmp_path):
    _script(tmp_path / "bin", "brew", "exit 0\n")
    check = checks.check_aws_cli(which=_which_in(tmp_path / "bin"), platform="darwin")
    assert check.status == WARN
    assert "Press i" in check.fix
    assert checks.install_command(platform="darwin", which=_which_in(tmp_path / "bin")) == ["brew", "install", "awscli"]
    assert checks.install_command(platform="linux", which=_which_in(tmp_path / "bin")) is None


def test_broken_aws_binary_is_a_warning(tmp_path):
    _script(tmp_path / "bin", "aws", "echo oops; exit 3\n")
    assert checks.check_aws_cli(which=_which_in(tmp_path / "bin")).status == WARN


def test_install_streams_output_lines(tmp_path):
    brew = _script(tmp_path, "brew", 'echo "==> Downloading awscli"\necho "==> Pouring awscli"\necho done\n')
    lines = list(checks.install_aws_cli(command=[str(brew), "install", "awscli"]))
    assert lines == ["==> Downloading awscli", "==> Pouring awscli", "done"]


def test_install_failure_raises_with_exit_code(tmp_path):
    brew = _script(tmp_path, "brew", 'echo "Error: no network"\nexit 7\n')
    seen = []
    with pytest.raises(checks.InstallFailed, match="exit code 7"):
        for line in checks.install_aws_cli(command=[str(brew)]):
            seen.append(line)
    assert seen == ["Error: no network"]


def test_install_can_be_cancelled_promptly(tmp_path):
    brew = _script(tmp_path, "brew", 'echo started\nexec sleep 30\n')
    cancel = CancelToken()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        for line in checks.install_aws_cli(command=[str(brew)], cancel=cancel):
            assert line == "started"
            cancel.cancel()
    assert time.monotonic() - started < 5


def test_install_without_installer_says_where_to_go(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(checks.InstallFailed) as info:
        list(checks.install_aws_cli())
    assert checks.INSTALL_URL in str(info.value)


def test_folders_ok_when_aws_dir_will_be_created(home):
    check = checks.check_folders()
    assert check.status == OK
    assert "will be created" in check.message


def test_folders_fail_when_aws_dir_cannot_be_a_folder(home):
    (home / ".aws").write_text("a file where the folder should be")
    check = checks.check_folders()
    assert check.status == FAIL and check.blocking
    assert "Cannot write" in check.message


def test_config_missing_is_ok(home):
    assert checks.check_config_file().status == OK


def test_config_with_profiles_is_summarised(config_path):
    config_path.parent.mkdir()
    config_path.write_text(
        "[profile a]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n"
        "[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
        "[profile b]\nregion = us-east-1\n"
    )
    check = checks.check_config_file()
    assert check.status == OK
    assert "2 profiles (1 SSO), 1 sign-in portal" in check.message


def test_unreadable_config_fails_with_its_line(config_path):
    config_path.parent.mkdir()
    config_path.write_text("[profile a]\nregion = us-east-1\nthis is not a config line\n")
    check = checks.check_config_file()
    assert check.status == FAIL and check.blocking
    assert "line 3" in check.fix


def test_config_that_is_a_folder_fails(config_path):
    config_path.mkdir(parents=True)
    check = checks.check_config_file()
    assert check.status == FAIL and check.blocking


def test_browser_check_follows_browser_likely(monkeypatch):
    # Linux without a display: no browser is likely, so device code is announced.
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    check = checks.check_browser()
    assert check.status == WARN
    assert "code" in check.message


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_endpoint_reachable_through_the_endpoint_override(monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", url)
        assert checks.oidc_endpoint("eu-west-2") == url
        check = checks.check_endpoint("eu-west-2")
        assert check.status == OK, check
    finally:
        server.shutdown()
        server.server_close()


def test_endpoint_unreachable_is_a_warning(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9")  # discard port: refused
    check = checks.check_endpoint("eu-west-2", timeout=2)
    assert check.status == WARN
    assert "proxy" in check.fix


def test_public_endpoint_name():
    assert checks.oidc_endpoint("eu-west-2") == "https://oidc.eu-west-2.amazonaws.com"


def test_run_checks_covers_every_listed_id(home, tmp_path):
    results = checks.run_checks(region=None, which=_which_in(tmp_path / "none"), platform="linux")
    assert [c.id for c in results] == [i for i, _ in checks.check_ids(None)]
    assert not any(c.blocking for c in results)


def test_a_config_link_that_loops_fails_with_its_own_message(config_path):
    config_path.parent.mkdir()
    config_path.symlink_to(config_path)
    check = checks.check_config_file()
    assert check.status == FAIL
    assert check.message == "~/.aws/config is a symbolic link that loops back on itself."
    assert f"rm {config_path}" in check.fix


def test_a_config_link_to_nothing_is_named_with_its_target(config_path, tmp_path):
    config_path.parent.mkdir()
    config_path.symlink_to(tmp_path / "gone")
    check = checks.check_config_file()
    assert check.status == WARN
    assert check.message == f"~/.aws/config is a link to {tmp_path / 'gone'}, which does not exist."


@pytest.mark.parametrize("region", ["us-east-1:", "us\x01east-1", "eu-west-1\x1b[2J", "a" * 300, "ëu-west-1",
                                    "\u202eeu-west-1", "eu west 1", "us-east-1:443"])
def test_a_region_that_cannot_be_a_host_name_is_a_warning_that_names_where_it_is(region, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9")
    check = checks.check_endpoint(region, where="sso-session “s”")
    assert check.status == WARN
    assert check.message.startswith("The sso_region of sso-session “s” cannot be used: “")
    assert check.fix == "Set sso_region in sso-session “s” to a region code, for example us-east-1."
    assert all(ch.isprintable() for ch in check.title + check.message)


def test_a_check_that_crashes_is_reported_alone(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom \x1b[31m")

    monkeypatch.setattr(checks, "check_endpoint", broken)
    check = checks.guarded_endpoint_check("eu-west-2")
    assert (check.id, check.status) == ("endpoint", WARN)
    assert check.message == "Could not check this (RuntimeError: boom \\x1b[31m)."
