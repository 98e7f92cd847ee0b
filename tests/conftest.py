"""Shared fixtures. Every test runs with a private HOME so nothing touches the real ~/.aws."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.commands import command_env

ROOT = Path(__file__).resolve().parent.parent

# Environment variables that would make a test read or reach something outside its sandbox.
_LEAKY_ENV = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CA_BUNDLE",
    "AWS_SSO_WIZARD_PRESET",
    "AWS_SSO_WIZARD_DISPLAY_HOME",
    "AWS_SSO_WIZARD_BOOTSTRAP",
    "AWS_SSO_WIZARD_HOOK",
    "BROWSER",
    "XDG_CONFIG_HOME",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
]


@pytest.fixture(autouse=True)
def home(tmp_path_factory, monkeypatch) -> Path:
    """A fresh, empty HOME for each test (``~/.aws`` does not exist yet)."""
    home = tmp_path_factory.mktemp("home")
    for name in _LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Subprocesses (the command, the AWS CLI, the app in tmux) may cache their compiled modules:
    # without that, each one compiles this project's sources again (~35 ms+ a start).
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    return home


@pytest.fixture
def aws_dir(home: Path) -> Path:
    return home / ".aws"


@pytest.fixture
def config_path(aws_dir: Path) -> Path:
    """Where the AWS config file of this test's HOME lives (not created)."""
    return aws_dir / "config"


@pytest.fixture
def cli_env(home: Path) -> dict[str, str]:
    """Environment for running this project's or the AWS CLI's commands in a subprocess."""
    return command_env()


@pytest.fixture
def emulator_factory(monkeypatch, cli_env):
    """Start emulators with chosen knobs: ``emulator_factory(accounts=200, rate_limit=20)``.

    The last one started is the one the endpoint variables point at (in ``os.environ`` and in this
    test's ``cli_env``, whichever fixture came first); all are stopped after the test.
    """
    from app.emulator import Emulator

    started: list[Emulator] = []

    def start(**knobs) -> Emulator:
        emu = Emulator(**knobs).start()
        started.append(emu)
        for name, value in emu.endpoint_env().items():
            monkeypatch.setenv(name, value)
        cli_env.update(emu.endpoint_env())
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory):
    """A running demo emulator; AWS_ENDPOINT_URL_SSO/_SSO_OIDC/_STS point at it for this test."""
    return emulator_factory()


@pytest.fixture
def emu(emulator_factory):
    """An emulator that approves sign-ins at once; its clock moves with ``emu.advance``."""
    return emulator_factory(auto_approve=True)


@pytest.fixture
def service(emu):
    """The login service on the emulator's clock, on a machine without a browser (sign-ins take a code)."""
    from app.signin.login import LoginService
    from helpers.sso import NoBrowser, emulator_clock

    return LoginService(browser=NoBrowser(), clock=emulator_clock(emu))
