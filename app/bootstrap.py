"""Set up a private virtualenv and run aws-sso-wizard or its tests: the README's Quick start.

    python3 app/bootstrap.py demo      # try the wizard against the built-in AWS emulator
    python3 app/bootstrap.py test      # static checks (ruff, mypy, lint-imports), then the test suite
    python3 app/bootstrap.py bench     # run the benchmarks and print their figures
    python3 app/bootstrap.py run ARGS  # any aws-sso-wizard command from this checkout

Needs only Python 3 and git. The virtualenv lives in ``.venv`` next to this checkout and is
reinstalled when ``pyproject.toml`` changes. Uses the standard library only.
"""

import os
import sys

# Run as a script, this file's directory (the `app` package) heads sys.path: drop it so no
# module in the package can shadow a standard-library module imported below.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import hashlib  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

ROOT = os.path.dirname(_HERE)
VENV = os.path.join(ROOT, ".venv")
BIN = os.path.join(VENV, "Scripts" if os.name == "nt" else "bin")
PYTHON = os.path.join(BIN, "python.exe" if os.name == "nt" else "python")
EXTRAS = {"demo": set(), "run": set(), "test": {"test"}, "bench": {"test", "bench"}}
STAMP = os.path.join(VENV, ".aws-sso-wizard-stamp")


def _say(message: str) -> None:
    print(f"[bootstrap] {message}", file=sys.stderr, flush=True)


def _project_digest() -> str:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def _read_stamp() -> tuple:
    """(pyproject digest, extras) of the last install into .venv, or ("", set())."""
    try:
        with open(STAMP, encoding="utf-8") as handle:
            digest, _, extras = handle.read().strip().partition(" ")
    except OSError:
        return "", set()
    return digest, {e for e in extras.split(",") if e}


def ensure_venv(extras: set) -> None:
    """Create .venv and install the project (editable) with ``extras`` unless already done."""
    if sys.version_info < (3, 10):
        sys.exit("aws-sso-wizard needs Python 3.10 or newer; this is " + sys.version.split()[0])
    digest, installed = _read_stamp()
    if os.path.exists(PYTHON) and digest == _project_digest() and extras <= installed:
        return
    if not os.path.exists(PYTHON):
        _say(f"creating a virtualenv in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if digest == _project_digest():
        extras = extras | installed
    spec = ROOT + (f"[{','.join(sorted(extras))}]" if extras else "")
    _say(f"installing aws-sso-wizard{spec[len(ROOT):]} and its dependencies (first run only)")
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", spec], check=True, cwd=ROOT)
    with open(STAMP, "w", encoding="utf-8") as handle:
        handle.write(f"{_project_digest()} {','.join(sorted(extras))}")


def ensure_tmux() -> None:
    """The real-terminal tests drive the app through tmux; install it where it is missing."""
    if shutil.which("tmux"):
        return
    _say("tmux is missing; installing it for the real-terminal tests")
    apt = shutil.which("apt-get")
    brew = shutil.which("brew")
    sudo = [] if (os.name != "nt" and os.geteuid() == 0) else (["sudo", "-n"] if shutil.which("sudo") else None)
    if apt and sudo is not None:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + [apt, "update", "-qq"], env=env, check=False)
        subprocess.run(sudo + [apt, "install", "-y", "-qq", "tmux"], env=env, check=False)
    elif brew:
        subprocess.run([brew, "install", "tmux"], check=False)
    if not shutil.which("tmux"):
        _say("could not install tmux: the real-terminal tests will fail until it is installed")


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


def main(argv: list) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    try:
        ensure_venv(EXTRAS[command])
    except subprocess.CalledProcessError as error:
        _say(f"setting up .venv failed ({error}); fix the problem above and run this again")
        return 1
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if command == "test":
        ensure_tmux()
        code = run_static_checks(env)
        if code != 0:
            return code
        args = [PYTHON, "-m", "pytest", *rest]
    elif command == "bench":
        args = [PYTHON, os.path.join(ROOT, "tests", "bench", "run_all.py"), *rest]
    elif command == "demo":
        args = [os.path.join(BIN, "aws-sso-wizard"), "demo", *rest]
    else:
        args = [os.path.join(BIN, "aws-sso-wizard"), *rest]
    try:
        return subprocess.run(args, cwd=ROOT if command in ("test", "bench") else None, env=env).returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
