"""What each module and each light command loads: the UI stays out of the services and the
command line, the AWS SDK stays out of every import, the PKCE callback server out of status."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import cache

import pytest

import app
import screens
from helpers.commands import command_env
from helpers.profile_fixtures import MIXED_CONFIG, write_config, write_token

UI = frozenset({"textual", "rich", "screens"})
SDK = frozenset({"boto3", "botocore", "dateutil", "tomlkit"})
WEB_SERVER = frozenset({"http.server", "socketserver"})
WATCHED = UI | SDK | WEB_SERVER

#: the modules that may import the UI: the Textual App itself and every screen
UI_MODULES = {"app.tui"}
#: the modules that serve HTTP: the browser sign-in's callback and the emulator
WEB_SERVER_MODULES = {"app.signin.callback", "app.emulator.server"}
#: runs the command line when imported
NOT_IMPORTABLE = {"app.__main__"}

MODULES = sorted(
    info.name
    for package in (app, screens)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if info.name not in NOT_IMPORTABLE
)

_PROBE = (
    "import importlib, sys\n"
    "importlib.import_module(sys.argv[1])\n"
    f"print(','.join(sorted(name for name in {sorted(WATCHED)!r} if name in sys.modules)))\n"
)


@cache
def _loaded_by_import() -> dict[str, set[str] | str]:
    """Module name -> the watched modules a fresh interpreter has after importing it (or the error)."""

    def probe(name: str) -> tuple[str, set[str] | str]:
        done = subprocess.run([sys.executable, "-c", _PROBE, name], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            return name, done.stderr
        return name, set(filter(None, done.stdout.strip().split(",")))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(probe, MODULES))


def test_the_walk_finds_the_packages():
    assert {"app.cli", "app.commands.profiles", "app.config.document", "app.signin.login", "app.tui",
            "screens.profiles", "screens.dialogs.login", "screens.widgets.fast_table"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_importing_a_module_loads_only_what_it_needs(name):
    loaded = _loaded_by_import()[name]
    assert isinstance(loaded, set), f"importing {name} failed:\n{loaded}"
    forbidden = set(SDK)
    if name.startswith("app.") and name not in UI_MODULES:
        forbidden |= UI
    if name not in WEB_SERVER_MODULES:
        forbidden |= WEB_SERVER
    assert not loaded & forbidden, f"importing {name} loads {sorted(loaded & forbidden)}"


def _modules_after(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, set[str]]:
    """Exit code, output and sys.modules after running the command line with ``argv``."""
    code = (
        "import sys\n"
        "from app.cli import main\n"
        "try:\n"
        f"    rc = main({argv!r})\n"
        "except SystemExit as exit:\n"
        "    rc = exit.code\n"
        "print('\\nMODULES:' + ','.join(sorted(sys.modules)))\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    out, _, modules = proc.stdout.rpartition("\nMODULES:")
    return proc.returncode, out, set(modules.strip().split(","))


def _with_packages(modules: set[str]) -> set[str]:
    return modules | {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_import_neither_textual_nor_boto3(argv):
    rc, out, modules = _modules_after(argv)
    assert rc == 0
    assert out.strip()
    loaded = _with_packages(modules) & (UI | SDK)
    assert not loaded, f"{argv} imported {sorted(loaded)}"


def test_every_subcommand_help_is_light():
    from app.commands import COMMANDS

    for name in COMMANDS:
        rc, out, modules = _modules_after([name, "--help"])
        assert rc == 0, name
        assert name in out
        loaded = _with_packages(modules) & (UI | SDK)
        assert not loaded, f"{name} --help imported {sorted(loaded)}"


def test_profiles_json_loads_no_sdk_no_ui_and_no_web_server(config_path):
    """Status needs only the config and the token cache (through the login service's status): no
    botocore, Textual or PKCE callback server."""
    config_path.parent.mkdir()
    config_path.write_text("[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
                           "[profile p]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n")
    rc, out, modules = _modules_after(["profiles", "--json"])
    assert rc == 0 and '"name": "p"' in out
    assert "app.signin.login" in modules  # the status really came from the login service
    assert not _with_packages(modules) & (UI | SDK | WEB_SERVER)


def test_everyday_commands_never_import_textual(config_path, home):
    """The command line stays light: no Textual (nor Rich) behind profiles/doctor even when they run."""
    write_config(config_path, MIXED_CONFIG)
    write_token(home, "my-sso", expires_in=timedelta(hours=1))
    code = (
        "import sys\n"
        "from app.cli import main\n"
        "rc = main(['profiles', '--json'])\n"
        "rc2 = main(['doctor', '--json', '--offline'])\n"
        "print('MODULES:' + ','.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=command_env())
    modules = set(proc.stdout.rpartition("MODULES:")[2].strip().split(","))
    assert "textual" not in modules and "rich" not in modules, proc.stderr


def test_the_wizard_command_does_not_import_boto3_before_the_first_frame(home, tmp_path):
    marker = tmp_path / "modules.txt"
    code = (
        "import sys\n"
        "import app.tui\n"
        "def ready(self):\n"
        f"    open({str(marker)!r}, 'w').write(','.join(sorted(sys.modules)))\n"
        "    self.exit()\n"
        "app.tui.WizardApp.on_ready = ready\n"
        "from app.cli import main\n"
        "main(['setup'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "xterm"}, cwd=str(home))
    assert marker.exists(), f"the app did not reach its first frame: {proc.stderr}"
    loaded = {m.split(".")[0] for m in marker.read_text().split(",")}
    assert "textual" in loaded
    assert not loaded & SDK, sorted(loaded & SDK)
