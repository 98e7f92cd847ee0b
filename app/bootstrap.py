"""Set up a private virtualenv and run aws-sso-wizard or its tests: the README's Quick start.

    python3 app/bootstrap.py demo      # try the wizard against the built-in AWS emulator
    python3 app/bootstrap.py install   # install the aws-sso-wizard command for you (~/.local/bin)
    python3 app/bootstrap.py test      # static checks (ruff, mypy, lint-imports), then the test suite (minutes)
    python3 app/bootstrap.py bench     # run the benchmarks and print their figures
    python3 app/bootstrap.py run ARGS  # any aws-sso-wizard command from this checkout

Needs only Python 3 and git. The virtualenv lives in ``.venv`` next to this checkout and is
reinstalled when ``pyproject.toml`` changes. ``install`` puts its own virtualenv under
``~/.local/share/aws-sso-wizard`` (``$XDG_DATA_HOME``) and links the command into ``~/.local/bin``,
which works where ``pip install --user`` is refused (PEP 668, e.g. Debian 12). ``test`` also runs
the suite on every other supported Python it finds (``python3.10`` … ``python3.13`` on PATH).
Uses the standard library only.
"""

import os
import sys

# Run as a script, this file's directory (the `app` package) heads sys.path: drop it so no
# module in the package can shadow a standard-library module imported below.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import hashlib  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

ROOT = os.path.dirname(_HERE)
VENV = os.path.join(ROOT, ".venv")
BIN = os.path.join(VENV, "Scripts" if os.name == "nt" else "bin")
PYTHON = os.path.join(BIN, "python.exe" if os.name == "nt" else "python")
EXTRAS = {"demo": set(), "run": set(), "test": {"test"}, "bench": {"test", "bench"}, "install": set()}
STAMP_NAME = ".aws-sso-wizard-stamp"


def _load_program():
    """``app/program.py`` (standard library only), the owner of the program's name, loaded by path:
    this script runs before the project is installed."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_aws_sso_wizard_program", os.path.join(_HERE, "program.py"))
    if spec is None or spec.loader is None:
        sys.exit(f"{os.path.join(_HERE, 'program.py')} is missing: this checkout is incomplete")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PROGRAM = _load_program()
PROG = _PROGRAM.PROG
BOOTSTRAP_VARIABLE = _PROGRAM.BOOTSTRAP_VARIABLE  # how to start bootstrap, for the program's messages
SUPPORTED = ((3, 10), (3, 11), (3, 12), (3, 13))


def _say(message: str) -> None:
    print(f"[bootstrap] {message}", file=sys.stderr, flush=True)


def _project_digest() -> str:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def _bin(venv: str) -> str:
    return os.path.join(venv, "Scripts" if os.name == "nt" else "bin")


def _python(venv: str) -> str:
    return os.path.join(_bin(venv), "python.exe" if os.name == "nt" else "python")


def _read_stamp(venv: str) -> tuple:
    """(pyproject digest, extras) of the last install into ``venv``, or ("", set())."""
    try:
        with open(os.path.join(venv, STAMP_NAME), encoding="utf-8") as handle:
            digest, _, extras = handle.read().strip().partition(" ")
    except OSError:
        return "", set()
    return digest, {e for e in extras.split(",") if e}


class PipProgress:
    """pip's output as one short progress line: redrawn in place on a terminal, else a line per
    package; the time taken at the end. Errors still reach the person (pip's stderr is not read)."""

    def __init__(self, what: str, stream=None) -> None:
        self.what = what
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.count = 0
        self.started = time.monotonic()
        self._drawn = False

    def line(self, text: str) -> None:
        text = text.strip()
        if text.startswith("Collecting ") or text.startswith("Requirement already satisfied: "):
            self.count += 1
            name = text.split(" ", 1)[1].split(":")[-1].strip().split(" ")[0]
            self._draw(f"{self.what}: {self.count} packages so far ({name})")
        elif text.startswith("Installing collected packages"):
            self._draw(f"{self.what}: installing {self.count} packages")

    def _draw(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r[bootstrap] " + text[:100].ljust(100))
            self._drawn = True
        else:
            self.stream.write("[bootstrap] " + text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self._drawn:
            self.stream.write("\n")
        _say(f"{self.what}: done in {time.monotonic() - self.started:.0f} s")


def _pip(python: str, args: list, what: str) -> None:
    """``python -m pip install ARGS`` with :class:`PipProgress`; CalledProcessError when it fails."""
    progress = PipProgress(what)
    command = [python, "-m", "pip", "install", "--progress-bar", "off", "--disable-pip-version-check", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    for text in process.stdout:
        progress.line(text)
    code = process.wait()
    progress.done()
    if code != 0:
        raise subprocess.CalledProcessError(code, command)


def ensure_venv(extras: set, venv: str = VENV, python: str = sys.executable) -> None:
    """Create ``venv`` with ``python`` and install the project (editable) with ``extras`` unless
    already done."""
    if sys.version_info < (3, 10):
        sys.exit("aws-sso-wizard needs Python 3.10 or newer; this is " + sys.version.split()[0])
    digest, installed = _read_stamp(venv)
    if os.path.exists(_python(venv)) and digest == _project_digest() and extras <= installed:
        return
    if not os.path.exists(_python(venv)):
        _say(f"creating a virtualenv in {venv}")
        subprocess.run([python, "-m", "venv", venv], check=True)
    if digest == _project_digest():
        extras = extras | installed
    spec = ROOT + (f"[{','.join(sorted(extras))}]" if extras else "")
    _say(f"installing {PROG}{spec[len(ROOT):]} and its dependencies (first run only, about a minute)")
    _pip(_python(venv), ["--quiet", "--upgrade", "pip"], "updating pip")
    _pip(_python(venv), ["-e", spec], "installing")
    with open(os.path.join(venv, STAMP_NAME), "w", encoding="utf-8") as handle:
        handle.write(f"{_project_digest()} {','.join(sorted(extras))}")


TEST_TOOLS = ("tmux", "zsh", "fish")
"""Programs the tests run for real: tmux drives the app in a terminal; bash, zsh and fish run the
shell functions of ``shell-init`` (bash is there already). Same package names in apt and brew."""


def ensure_test_tools(tools=TEST_TOOLS) -> None:
    """Install the programs the real-terminal and shell tests need where they are missing."""
    missing = [tool for tool in tools if not shutil.which(tool)]
    if not missing:
        return
    _say(f"{', '.join(missing)} missing; installing for the real-terminal and shell tests")
    apt = shutil.which("apt-get")
    brew = shutil.which("brew")
    sudo = [] if (os.name != "nt" and os.geteuid() == 0) else (["sudo", "-n"] if shutil.which("sudo") else None)
    if apt and sudo is not None:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + [apt, "update", "-qq"], env=env, check=False)
        subprocess.run(sudo + [apt, "install", "-y", "-qq", *missing], env=env, check=False)
    elif brew:
        subprocess.run([brew, "install", *missing], check=False)
    still = [tool for tool in missing if not shutil.which(tool)]
    if still:
        _say(f"could not install {', '.join(still)}: the tests that need them will fail until they are installed")


STATIC_CHECKS = (
    ("ruff", [PYTHON, "-m", "ruff", "check", "."]),
    ("mypy", [PYTHON, "-m", "mypy", "app", "screens"]),
    ("lint-imports", [os.path.join(BIN, "lint-imports" + (".exe" if os.name == "nt" else ""))]),
)


def run_static_checks(env: dict) -> int:
    """Run ruff, mypy and the import contracts; 1 (naming each tool that found something) or 0."""
    failed = []
    for tool, args in STATIC_CHECKS:
        _say(f"running {tool}")
        if subprocess.run(args, cwd=ROOT, env=env).returncode != 0:
            failed.append(tool)
    if failed:
        _say(f"static checks failed: {', '.join(failed)}; fix what they report above before the tests run")
        return 1
    return 0


def bootstrap_command(cwd=None) -> str:
    """How to start this script from ``cwd`` (``python3 app/bootstrap.py`` in the checkout)."""
    script = os.path.abspath(__file__)
    relative = os.path.relpath(script, cwd or os.getcwd())
    shown = relative if not relative.startswith("..") else script
    return f"python3 {shlex.quote(shown)}"


# -- install ----------------------------------------------------------------------------------


def _data_home() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, PROG)


def _user_bin() -> str:
    return os.path.join(os.path.expanduser("~"), ".local", "bin")


def _on_path(directory: str) -> bool:
    entries = os.environ.get("PATH", "").split(os.pathsep)
    return any(os.path.abspath(os.path.expanduser(e)) == os.path.abspath(directory) for e in entries if e)


def install() -> int:
    """Install the command for this user: a virtualenv of its own under ``~/.local/share`` (a
    copy of this checkout, not a link to it) and ``~/.local/bin/aws-sso-wizard`` linked to it.
    Running it again upgrades it; nothing else on the machine changes."""
    venv = os.path.join(_data_home(), "venv")
    bin_dir = _user_bin()
    link = os.path.join(bin_dir, PROG)
    program = os.path.join(_bin(venv), PROG + (".exe" if os.name == "nt" else ""))
    if os.path.lexists(link) and not (os.path.islink(link) and os.path.realpath(link) == os.path.realpath(program)):
        _say(f"{link} already exists and is not this installer's link; remove it and run this again")
        return 1
    try:
        if not os.path.exists(_python(venv)):
            _say(f"creating a virtualenv in {venv}")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        _say(f"installing {PROG} from {ROOT} (about a minute)")
        _pip(_python(venv), ["--upgrade", ROOT], "installing")
    except subprocess.CalledProcessError as error:
        _say(f"installing failed ({error}); fix the problem above and run this again")
        return 1
    if os.name == "nt":
        _say(f"installed: {program}. Add {_bin(venv)} to your PATH to run {PROG} from anywhere.")
        return 0
    os.makedirs(bin_dir, exist_ok=True)
    if not os.path.lexists(link):
        os.symlink(program, link)
    version = subprocess.run([link, "--version"], capture_output=True, text=True)
    if version.returncode != 0:
        _say(f"{link} does not run ({version.stderr.strip() or version.returncode}); run this again")
        return 1
    _say(f"installed {version.stdout.strip()}: {link}")
    if _on_path(bin_dir):
        _say(f"run `{PROG}` to set up your profiles (`{PROG} --help` lists the commands)")
    else:
        _say(f"{bin_dir} is not on your PATH yet: add the line  export PATH=\"$HOME/.local/bin:$PATH\"  "
             f"to ~/.profile (or ~/.bashrc), open a new terminal, then run `{PROG}`")
    return 0


# -- tests on every supported Python ------------------------------------------------------------


def _version_of(executable: str):
    try:
        out = subprocess.run([executable, "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return (int(out[0]), int(out[1])) if len(out) == 2 and all(part.isdigit() for part in out) else None


def other_pythons(path=None) -> tuple:
    """([(version, executable)], [missing version]) for the supported Pythons other than this one,
    found on PATH as ``python3.X`` (a ``python3.X`` that is really another version does not count)."""
    found, missing = [], []
    for version in SUPPORTED:
        if version == sys.version_info[:2]:
            continue
        executable = shutil.which("python%d.%d" % version, path=path)
        if executable and _version_of(executable) == version:
            found.append((version, executable))
        else:
            missing.append(version)
    return found, missing


def _label(version: tuple) -> str:
    return "%d.%d" % version


def test_summary(main_code: int, results: list, missing: list) -> str:
    """One line: where the suite ran and how it went, and which Pythons were not found."""
    parts = [f"{_label(sys.version_info[:2])} ({'passed' if main_code == 0 else 'failed'})"]
    parts += [f"{_label(version)} ({'passed' if code == 0 else 'failed'})" for version, code in results]
    line = "tests ran on Python " + ", ".join(parts)
    if missing:
        line += "; not found: " + ", ".join(_label(version) for version in missing)
    return line


def run_tests(rest: list, env: dict) -> int:
    """The suite on this Python first, then on every other supported one found; the exit code is
    the first failure's (0 when every run passed)."""
    _say(f"running the test suite on Python {_label(sys.version_info[:2])} (this takes several minutes)")
    main_code = subprocess.run([PYTHON, "-m", "pytest", *rest], cwd=ROOT, env=env).returncode
    found, missing = other_pythons()
    results = []
    for version, executable in found:
        venv = os.path.join(ROOT, ".venv-" + _label(version))
        _say(f"running the suite again on Python {_label(version)} ({executable})")
        try:
            ensure_venv(EXTRAS["test"], venv, executable)
        except subprocess.CalledProcessError as error:
            _say(f"setting up {venv} failed ({error})")
            results.append((version, 1))
            continue
        results.append((version, subprocess.run([_python(venv), "-m", "pytest", *rest], cwd=ROOT,
                                                env=env).returncode))
    _say(test_summary(main_code, results, missing))
    return main_code or next((code for _, code in results if code), 0)


def main(argv: list) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "install":
        return install()
    try:
        ensure_venv(EXTRAS[command])
    except subprocess.CalledProcessError as error:
        _say(f"setting up .venv failed ({error}); fix the problem above and run this again")
        return 1
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if command == "test":
        ensure_test_tools()
        code = run_static_checks(env)
        if code != 0:
            return code
        try:
            return run_tests(rest, env)
        except KeyboardInterrupt:
            return 130
    if command == "bench":
        args = [PYTHON, os.path.join(ROOT, "tests", "bench", "run_all.py"), *rest]
    else:
        env[BOOTSTRAP_VARIABLE] = bootstrap_command()  # the program's messages name commands that work
        args = [os.path.join(BIN, PROG), *(["demo"] if command == "demo" else []), *rest]
    try:
        return subprocess.run(args, cwd=ROOT if command == "bench" else None, env=env).returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
