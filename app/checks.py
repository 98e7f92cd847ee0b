"""Installation and environment checks for the wizard's first step (and ``doctor``).

Each check returns a :class:`Check`: an id, a title, ``ok`` / ``warn`` / ``fail``, a message and a
one-line fix. Only ``fail`` blocks the wizard, and only two things fail: an AWS config file that
cannot be read (a parse error, with its line) and a place we cannot write to. Everything else is
a warning with a way forward (no AWS CLI: the profiles still work for boto3 and this app; no
browser: sign in with a code on another device).

:func:`install_aws_cli` runs ``brew install awscli`` on macOS as a cancellable generator of output
lines, so the checks screen can stream it.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from app import paths
from app.cancel import NEVER, CancelToken
from app.errors import Cancelled, WizardError
from app.untrusted import shown

OK, WARN, FAIL = "ok", "warn", "fail"
TITLES = {
    "config": "AWS config file",
    "folders": "Can write the AWS folders",
    "aws-cli": "AWS command line (aws)",
    "browser": "Web browser",
}
"""The title of each check, by id, in the order :func:`iter_checks` runs them (then ``endpoint``)."""
INSTALL_URL = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
BREW_INSTALL = ("brew", "install", "awscli")


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    status: str  # "ok" | "warn" | "fail"
    message: str
    fix: str = ""

    @property
    def blocking(self) -> bool:
        return self.status == FAIL


class InstallFailed(WizardError):
    """The AWS CLI installer exited with an error."""


# --------------------------------------------------------------------------------------------
# AWS CLI


_VERSION = re.compile(r"aws-cli/(\d+)\.(\d+)\.(\d+)")


def _aws_version_output(aws: str, timeout: float) -> str | None:
    """What ``aws --version`` prints (stdout and stderr), or None when it does not run."""
    # The CLI reads the config even for --version: a broken config (the config check says so)
    # or an AWS_PROFILE that does not exist must not read as a broken installation.
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")}
    env["AWS_CONFIG_FILE"] = os.devnull
    try:
        proc = subprocess.run([aws, "--version"], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout + "\n" + proc.stderr


def _version_in(pattern: "re.Pattern[str]", text: str | None) -> tuple[int, int, int] | None:
    match = pattern.search(text) if text is not None else None
    return (int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None


def aws_cli_version(aws: str, *, timeout: float = 15.0) -> tuple[int, int, int] | None:
    """The version ``aws --version`` reports, or None when it does not run."""
    return _version_in(_VERSION, _aws_version_output(aws, timeout))


def install_command(*, platform: str | None = None, which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The command that installs the AWS CLI here, or None (then point to :data:`INSTALL_URL`)."""
    platform = platform or sys.platform
    if platform == "darwin" and which("brew"):
        return list(BREW_INSTALL)
    return None


def check_aws_cli(*, which: Callable[[str], str | None] = shutil.which, platform: str | None = None) -> Check:
    title = TITLES["aws-cli"]
    aws = which("aws")
    if not aws:
        if install_command(platform=platform, which=which):
            fix = "Press i to install it with Homebrew (brew install awscli)."
        else:
            fix = f"Install AWS CLI version 2: {INSTALL_URL}"
        return Check("aws-cli", title, WARN,
                     "Not found. Your profiles will still work in Python (boto3) and in this app.", fix)
    version = aws_cli_version(aws)
    if version is None:
        return Check("aws-cli", title, WARN, f"{aws} is there but did not report a version.",
                     f"Reinstall AWS CLI version 2: {INSTALL_URL}")
    text = ".".join(map(str, version))
    if version[0] >= 2:
        return Check("aws-cli", title, OK, f"Version {text} ({aws}).")
    return Check("aws-cli", title, WARN,
                 f"Version {text} is AWS CLI v1: it can use the profiles, but has no 'aws sso login' "
                 "(this app signs you in instead).",
                 f"Upgrade to version 2 for 'aws sso login': {INSTALL_URL}")


def install_aws_cli(*, cancel: CancelToken = NEVER, command: list[str] | None = None) -> Iterator[str]:
    """Run the installer, yielding each output line. Raises InstallFailed / Cancelled."""
    argv = command or install_command()
    if not argv:
        raise InstallFailed("There is no automatic installer for the AWS CLI here.",
                            hint=f"Follow {INSTALL_URL}")
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                text=True, bufsize=1, errors="replace")
    except OSError as error:
        raise InstallFailed(f"Could not run {' '.join(argv)}: {error.strerror or error}.",
                            hint=f"Follow {INSTALL_URL}") from None
    cancel.on_cancel(proc.terminate)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            yield line.rstrip("\n")
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        if proc.stdout:
            proc.stdout.close()
    if cancel.cancelled:
        raise Cancelled("The installation was stopped.")
    if code != 0:
        raise InstallFailed(f"{' '.join(argv)} failed (exit code {code}).", hint=f"See the output above, or {INSTALL_URL}")


# --------------------------------------------------------------------------------------------
# Files


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _writable_dir(directory: Path) -> tuple[bool, Path]:
    """(can we create/write files in ``directory``, the folder that decided it)."""
    existing = _nearest_existing(directory)
    if not existing.is_dir():
        return False, existing
    return os.access(existing, os.W_OK | os.X_OK), existing




def check_folders() -> Check:
    title = TITLES["folders"]
    for directory in (paths.aws_config_path().parent, paths.sso_cache_dir()):
        ok, decided = _writable_dir(directory)
        if not ok:
            return Check("folders", title, FAIL, f"Cannot write to {paths.display_path(decided)}.",
                         f"Make it yours and writable: chmod u+w {decided}")
    config_dir = paths.aws_config_path().parent
    state = "exists" if config_dir.is_dir() else "will be created"
    return Check("folders", title, OK, f"{paths.display_path(config_dir)} {state} and is writable.")


def check_config_file() -> Check:
    from app.config.document import ConfigParseError
    from app.config.model import load_aws_config

    title = TITLES["config"]
    path = paths.aws_config_path()
    missing = _missing_config(path)
    if missing is not None:
        return missing
    try:
        config = load_aws_config(path)
    except ConfigParseError as error:
        line = getattr(error, "line", None)
        fix = f"Fix line {line} of {path}, or move the file aside." if line else f"Fix {path}, or move the file aside."
        return Check("config", title, FAIL, str(error.message if hasattr(error, "message") else error), fix)
    except WizardError as error:
        return Check("config", title, FAIL, error.message, error.hint or f"Check {path}.")
    from app.fsutil import NotARegularFile, ReadOnlyFile, check_replaceable

    try:
        check_replaceable(path, respect_read_only=True)  # the writer's own test
    except ReadOnlyFile:
        return Check("config", title, FAIL, f"{paths.display_path(path)} is read-only.", f"Make it writable: chmod u+w {path}")
    except NotARegularFile as error:
        return Check("config", title, FAIL, f"{paths.display_path(path)} is {error.kind}: it can be read but not written.",
                     "Point AWS_CONFIG_FILE at a regular file.")
    sso = sum(1 for p in config.profiles.values() if p.is_sso)
    return Check("config", title, OK,
                 f"{paths.display_path(path)}: {_count(len(config.profiles), 'profile')} "
                 f"({sso} SSO), {_count(len(config.sso_sessions), 'sign-in portal')}.")


def _missing_config(path: Path) -> Check | None:
    """The config check when nothing readable is at ``path`` (absent, a broken link, unreachable), else None."""
    title, shown_path = TITLES["config"], shown(paths.display_path(path))
    try:
        os.stat(path)
        return None
    except FileNotFoundError:
        pass
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Check("config", title, FAIL, f"{shown_path} is a symbolic link that loops back on itself.",
                         f"Remove the link (rm {shown(path)}) or point it at your config file.")
        return Check("config", title, FAIL, f"Cannot read {shown_path} ({error.strerror or type(error).__name__}).",
                     f"Check {shown(path)} and the folders above it.")
    if os.path.islink(path):
        target = shown(os.readlink(path))
        return Check("config", title, WARN, f"{shown_path} is a link to {target}, which does not exist.",
                     f"Restore {target}, or remove the link (rm {shown(path)}) to start a new config.")
    return Check("config", title, OK, f"{shown_path} does not exist yet; the wizard will create it.")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------------------------
# Browser and network


def check_browser() -> Check:
    from app.signin.browser import browser_likely

    title = TITLES["browser"]
    if browser_likely():
        return Check("browser", title, OK, "Sign-in will open in your web browser.")
    return Check("browser", title, WARN,
                 "No browser here (an SSH session or no display): you will sign in with a code instead.",
                 "Open the link shown on another device (phone or laptop) and enter the code.")


SHELL_HOOK_TITLE = "Shell hook (use sets AWS_PROFILE here)"


def check_shell_hook() -> Check:
    """Whether this run came through the shell function of ``shell-init`` (``doctor`` only)."""
    from app.program import command
    from app.shell.hook import active
    from app.shell.scripts import current_shell, rc_line

    if active():
        return Check("shell-hook", SHELL_HOOK_TITLE, OK,
                     f"Active in this shell: `{command('use', 'NAME')}` sets AWS_PROFILE here.")
    shell = current_shell()
    return Check("shell-hook", SHELL_HOOK_TITLE, WARN,
                 f"Not active in this shell: `{command('use', 'NAME')}` prints the export line instead.",
                 f"Run {rc_line(shell)}, or `{command('shell-init', shell, '--install')}` to load it in every new shell.")


def oidc_endpoint(region: str) -> str:
    """The sign-in (sso-oidc) endpoint botocore would use for ``region`` (honours endpoint overrides)."""
    try:
        import botocore.session
        from botocore import UNSIGNED
        from botocore.config import Config

        session = botocore.session.Session()
        client = session.create_client("sso-oidc", region_name=region, config=Config(signature_version=UNSIGNED))
        return client.meta.endpoint_url
    except Exception:  # a broken config file or unknown region: fall back to the public pattern
        suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
        return f"https://oidc.{region}.{suffix}"


_REGION_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _region_problem(region: str) -> str | None:
    """Why ``region`` cannot be part of a host name (so there is nothing to reach), or None."""
    if len(region) <= 63 and _REGION_CODE.fullmatch(region):
        return None
    from app.signin.regions import check_region

    if len(region) > 63:
        return f"“{shown(region[:20])}…” ({len(region)} characters) is not an AWS region code."
    return shown(check_region(region) or f"“{region}” is not an AWS region code.")


def check_endpoint(region: str, *, timeout: float = 5.0, where: str | None = None) -> Check:
    """Whether the sign-in service for ``region`` answers; ``where`` names the config section the
    region comes from (``sso-session “dev”``), for the message when the region is not a region."""
    import http.client
    import urllib.error
    import urllib.request

    title = endpoint_title(region)
    problem = _region_problem(region)
    if problem is not None:
        place = f"The sso_region of {shown(where)}" if where else "The SSO region"
        return Check("endpoint", title, WARN, f"{place} cannot be used: {problem}",
                     f"Set sso_region{f' in {shown(where)}' if where else ''} to a region code, for example us-east-1.")
    url = oidc_endpoint(region)
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout):
            pass
    except urllib.error.HTTPError:
        pass  # any HTTP answer means the service is reachable
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = shown(getattr(error, "reason", error))
        return Check("endpoint", title, WARN, f"Cannot reach the sign-in service for {region}, {shown(url)} ({reason}).",
                     "Check your network, VPN or proxy (HTTPS_PROXY), then check again.")
    return Check("endpoint", title, OK, f"The sign-in service for {region}, {shown(url)}, answers.")


# --------------------------------------------------------------------------------------------


def _guarded(check_id: str, title: str, run: Callable[[], Check]) -> Check:
    """A check that crashes reports itself as a warning instead of stopping the others."""
    try:
        return run()
    except Exception as error:  # a bug or an odd environment: say so, do not block
        from app.errors import redact

        return Check(check_id, title, WARN,
                     f"Could not check this ({type(error).__name__}: {shown(redact(str(error)))}).")


def iter_checks(*, region: str | None = None, which: Callable[[str], str | None] = shutil.which,
                platform: str | None = None) -> Iterator[Check]:
    """Run the checks one by one (so a screen can show each as it finishes)."""
    yield _guarded("config", TITLES["config"], check_config_file)
    yield _guarded("folders", TITLES["folders"], check_folders)
    yield _guarded("aws-cli", TITLES["aws-cli"], lambda: check_aws_cli(which=which, platform=platform))
    yield _guarded("browser", TITLES["browser"], check_browser)
    if region:
        yield guarded_endpoint_check(region)


def guarded_endpoint_check(region: str, *, where: str | None = None) -> Check:
    """:func:`check_endpoint`, reporting a crash as its own warning (as every check in :func:`iter_checks`)."""
    return _guarded("endpoint", endpoint_title(region), lambda: check_endpoint(region, where=where))


def guarded_shell_hook_check() -> Check:
    """:func:`check_shell_hook`, guarded as every check is."""
    return _guarded("shell-hook", SHELL_HOOK_TITLE, check_shell_hook)


def run_checks(**kwargs) -> list[Check]:
    return list(iter_checks(**kwargs))


def endpoint_title(region: str) -> str:
    return f"Sign-in service reachable ({shown(region[:40])})"


def check_ids(region: str | None) -> list[tuple[str, str]]:
    """(id, title) of the checks :func:`iter_checks` will run, for a placeholder list."""
    ids = list(TITLES.items())
    if region:
        ids.append(("endpoint", endpoint_title(region)))
    return ids


# --------------------------------------------------------------------------------------------
# Tools that read the profiles: the AWS CLI and the botocore of each python3 on PATH


SSO_SESSION_BOTOCORE = (1, 29, 10)
"""The first botocore (and so boto3) that reads ``[sso-session]`` profiles."""
SSO_SESSION_AWS_CLI = (2, 9, 0)
"""The first AWS CLI v2 that reads ``[sso-session]`` profiles."""
BROWSER_SIGN_IN_AWS_CLI = (2, 22, 0)
"""The first AWS CLI whose ``aws sso login`` signs in with the browser (PKCE) by default."""
TOOL_TITLES = {"aws-cli-forms": "AWS CLI reads these profiles", "python-botocore": "Python's botocore"}

_BOTOCORE_IN_CLI = re.compile(r"botocore/(\d+)\.(\d+)\.(\d+)")
_PRINT_BOTOCORE = "import botocore, sys; sys.stdout.write(botocore.__version__)"
_NUMBERS = re.compile(r"^(\d+)\.(\d+)\.(\d+)")


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def _parse_version(text: str) -> tuple[int, int, int] | None:
    match = _NUMBERS.match(text.strip())
    return tuple(int(x) for x in match.groups()) if match else None  # type: ignore[return-value]


def uses_sso_sessions(config) -> str | None:
    """The first profile of ``config`` in the ``[sso-session]`` form (None: the config has none)."""
    from app.config.model import ProfileKind

    return next((p.name for p in config.profiles.values() if p.kind is ProfileKind.SSO), None)


def _companion_fix(profile: str) -> str:
    from app.program import command

    return f"or give it a companion profile: {command('companion', profile)} (then use {profile}-process)"


def aws_cli_botocore(aws: str, *, timeout: float = 15.0) -> tuple[int, int, int] | None:
    """The botocore an AWS CLI v1 reports in ``aws --version`` (v2 reports none)."""
    return _version_in(_BOTOCORE_IN_CLI, _aws_version_output(aws, timeout))


def check_aws_cli_forms(session_profile: str | None, *, which: Callable[[str], str | None] = shutil.which) -> Check | None:
    """Whether the AWS CLI on PATH reads the profile forms the config uses, and signs in with the
    browser; None when there is no AWS CLI (the ``aws-cli`` check says so)."""
    title = TOOL_TITLES["aws-cli-forms"]
    aws = which("aws")
    version = aws_cli_version(aws) if aws else None
    if aws is None or version is None:
        return None
    text = _dotted(version)
    upgrade = f"Upgrade the AWS CLI ({INSTALL_URL})"
    if version[0] < 2:
        botocore = aws_cli_botocore(aws)
        if session_profile and botocore is not None and botocore < SSO_SESSION_BOTOCORE:
            return Check("aws-cli-forms", title, WARN,
                         f"AWS CLI {text} uses botocore {_dotted(botocore)}, which cannot read [sso-session] "
                         f"profiles ({_dotted(SSO_SESSION_BOTOCORE)} or later can).",
                         f"{upgrade}, {_companion_fix(session_profile)}.")
        return Check("aws-cli-forms", title, OK, f"AWS CLI {text} reads these profiles (this app signs in for it).")
    if session_profile and version < SSO_SESSION_AWS_CLI:
        return Check("aws-cli-forms", title, WARN,
                     f"AWS CLI {text} cannot read [sso-session] profiles such as {session_profile} "
                     f"({_dotted(SSO_SESSION_AWS_CLI)} or later can).",
                     f"{upgrade}, {_companion_fix(session_profile)}.")
    if session_profile and version < BROWSER_SIGN_IN_AWS_CLI:
        return Check("aws-cli-forms", title, WARN,
                     f"AWS CLI {text} reads these profiles, but its 'aws sso login' signs in with a code, "
                     f"not the browser ({_dotted(BROWSER_SIGN_IN_AWS_CLI)} or later does).",
                     f"{upgrade} for browser sign-in, or sign in with this app instead.")
    return Check("aws-cli-forms", title, OK, f"AWS CLI {text} reads these profiles and signs in with the browser.")


def pythons_on_path(path: str | None = None) -> list[str]:
    """Every ``python3`` on PATH, in PATH order, once per real file."""
    found: list[str] = []
    seen: set[str] = set()
    for directory in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        candidate = os.path.join(directory or ".", "python3")
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        real = os.path.realpath(candidate)
        if real not in seen:
            seen.add(real)
            found.append(candidate)
    return found


def botocore_version(python: str, *, timeout: float = 20.0) -> tuple[int, int, int] | None:
    """The botocore ``python`` imports (None: it has none, or it does not run)."""
    try:
        proc = subprocess.run([python, "-c", _PRINT_BOTOCORE], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return _parse_version(proc.stdout) if proc.returncode == 0 else None


def check_python_botocore(python: str, session_profile: str | None) -> Check:
    """Whether scripts run by ``python`` can read the config's profiles (its botocore's version)."""
    title = f"{TOOL_TITLES['python-botocore']} ({shown(python)})"
    version = botocore_version(python)
    if version is None:
        return Check("python-botocore", title, OK,
                     f"No boto3/botocore in {python}: scripts it runs do not use AWS profiles.")
    text = _dotted(version)
    if session_profile and version < SSO_SESSION_BOTOCORE:
        return Check("python-botocore", title, WARN,
                     f"botocore {text} cannot read [sso-session] profiles such as {session_profile} "
                     f"({_dotted(SSO_SESSION_BOTOCORE)} or later can).",
                     f"Upgrade it ({python} -m pip install --upgrade boto3 botocore), {_companion_fix(session_profile)}.")
    return Check("python-botocore", title, OK, f"botocore {text} reads these profiles.")


def iter_tool_checks(config, *, which: Callable[[str], str | None] = shutil.which, path: str | None = None) -> Iterator[Check]:
    """The AWS CLI and each python3 on PATH against the floors of the profile forms ``config`` uses."""
    session_profile = uses_sso_sessions(config) if config is not None else None
    cli: list[Check] = []

    def aws_cli() -> Check:
        found = check_aws_cli_forms(session_profile, which=which)
        if found is not None:
            cli.append(found)
        return found or Check("aws-cli-forms", TOOL_TITLES["aws-cli-forms"], OK, "")

    crashed = _guarded("aws-cli-forms", TOOL_TITLES["aws-cli-forms"], aws_cli)
    yield from cli or ([crashed] if crashed.status == WARN else [])
    for python in pythons_on_path(path):
        yield _guarded("python-botocore", TOOL_TITLES["python-botocore"], partial(check_python_botocore, python,
                                                                                    session_profile))
