"""Tab completion: made from the commands' own parsers (no list kept by hand), answering with
commands, options, profile and sso-session names and choices, in real bash (and fish and zsh),
without building a parser or importing boto3 or Textual once the spec is kept."""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import build_parser
from app.commands import COMMANDS
from app.shell import completion
from helpers.commands import command_env, run_wizard
from helpers.profile_fixtures import write_config
from helpers.shells import run_shell

CONFIG = """\
[sso-session corp]
sso_start_url = https://my-org.awsapps.com/start
sso_region = eu-west-1

[sso-session lab]
sso_start_url = https://lab.awsapps.com/start
sso_region = eu-west-1

[profile prod-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin

[profile prod-read]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Read

[default]
region = eu-west-1
"""


@pytest.fixture(autouse=True)
def config(config_path: Path) -> Path:
    return write_config(config_path, CONFIG)


def words(*typed: str) -> list[str]:
    return [word for word, _ in completion.answer(list(typed)).candidates]


# -- the spec is the parsers ------------------------------------------------------------------------


def _subparsers(parser):
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_every_command_and_option_comes_from_the_parsers():
    spec = completion.build_spec()
    parser = build_parser()
    assert list(spec["commands"]) == list(COMMANDS)
    for name, sub in _subparsers(parser).choices.items():
        flags = {flag for action in sub._actions for flag in action.option_strings}
        assert set(spec["commands"][name]["options"]) == flags, name


def test_kinds_are_read_from_the_definitions():
    commands = completion.build_spec()["commands"]
    assert commands["login"]["options"]["--sso-session"][0] == completion.SESSIONS
    assert commands["login"]["options"]["--force"][0] is None
    assert commands["whoami"]["positionals"] == [[completion.PROFILES, 1]]
    assert commands["shell-init"]["positionals"][0][0] == ["bash", "zsh", "fish"]
    assert commands["home"]["options"]["--preset"][0] == completion.FILES


# -- answers ------------------------------------------------------------------------------------------


def test_commands_and_their_options():
    assert words("") == list(COMMANDS)
    assert words("lo") == ["login", "logout"]
    assert words("--debug", "lo") == ["login", "logout"]
    assert "--force" in words("login", "--") and "--sso-session" in words("login", "--")
    assert words("login", "--f") == ["--force"]


def test_profile_and_session_names():
    assert words("use", "") == ["prod-admin", "prod-read", "default"]
    assert words("use", "prod-r") == ["prod-read"]
    assert words("whoami", "p") == ["prod-admin", "prod-read"]
    assert words("login", "--sso-session", "") == ["corp", "lab"]
    assert words("prompt", "--profile", "d") == ["default"]


def test_choices_and_files():
    assert words("shell-init", "") == ["bash", "zsh", "fish"]
    assert completion.answer(["home", "--preset", ""]).files


def test_an_option_once_given_is_not_offered_again():
    assert "--force" not in words("login", "--force", "--")


def test_nothing_after_a_complete_command_line_but_its_options():
    assert words("whoami", "prod-admin", "p") == []
    assert "--json" in words("whoami", "prod-admin", "")


def test_an_unknown_command_offers_nothing():
    assert words("frobnicate", "") == []


def test_the_kept_spec_is_used_and_made_again_when_the_commands_change(monkeypatch):
    completion.load_spec()
    path = Path(completion.spec_path())
    kept = json.loads(path.read_text())
    kept["spec"]["commands"]["login"]["options"]["--only-in-the-kept-file"] = [None, ""]
    path.write_text(json.dumps(kept))
    assert "--only-in-the-kept-file" in words("login", "--o")
    monkeypatch.setattr(completion, "_stamp", lambda: ["another version", []])
    assert "--only-in-the-kept-file" not in words("login", "--o")


def test_an_answer_builds_no_parser_and_imports_neither_boto3_nor_textual():
    assert run_wizard("__complete", "bash", "use", "").returncode == 0  # keeps the spec
    code = ("import sys; from app.cli import main; main(['__complete', 'bash', 'login', '--sso-session', '']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'textual', 'rich', "
            "'argparse') or m.startswith(('app.config', 'app.signin'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=command_env())
    assert proc.stdout.splitlines() == ["corp", "lab", "[]"], proc.stderr


def test_file_names_are_left_to_the_shell():
    proc = run_wizard("__complete", "bash", "home", "--preset", "")
    assert proc.returncode == 4 and proc.stdout == ""


def test_fish_gets_descriptions():
    proc = run_wizard("__complete", "fish", "login", "--f")
    assert proc.stdout == f"--force\t{option_help('login', '--force')}\n"


# -- in the real shells ----------------------------------------------------------------------------


def bash_complete(line: str, cwd: Path | None = None) -> list[str]:
    """What bash's completion offers for ``line`` (the cursor at its end)."""
    script = (
        f"{'cd ' + str(cwd) + ';' if cwd else ''}"
        f"COMP_LINE={line!r}; read -ra COMP_WORDS <<< \"$COMP_LINE\"; "
        "[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
        "complete -p aws-sso-wizard >/dev/null || exit 9; _aws_sso_wizard_complete; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    proc = run_shell("bash", script)
    assert proc.returncode == 0, proc.stderr
    return [word for word in proc.stdout.splitlines() if word]


def test_bash_completes_commands_options_and_names(tmp_path):
    assert bash_complete("aws-sso-wizard lo") == ["login", "logout"]
    assert bash_complete("aws-sso-wizard use prod-") == ["prod-admin", "prod-read"]
    assert bash_complete("aws-sso-wizard login --sso-session ") == ["corp", "lab"]
    assert bash_complete("aws-sso-wizard login --no") == ["--no-browser"]
    assert bash_complete("aws-sso-wizard shell-init z") == ["zsh"]
    (tmp_path / "preset.toml").write_text("")
    assert bash_complete("aws-sso-wizard home --preset pre", cwd=tmp_path) == ["preset.toml"]


def bash_complete_words(*comp_words: str) -> list[str]:
    """What bash's completion offers when bash has split the line into ``comp_words`` (the cursor in
    the last), as it does at its word breaks: ``--sso-session=c`` is ``--sso-session``, ``=``, ``c``."""
    quoted = " ".join(shlex.quote(word) for word in comp_words)
    script = (
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(comp_words) - 1}; "
        "complete -p aws-sso-wizard >/dev/null || exit 9; _aws_sso_wizard_complete; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    proc = run_shell("bash", script)
    assert proc.returncode == 0, proc.stderr
    return [word for word in proc.stdout.splitlines() if word]


def test_bash_completes_the_value_after_an_equals_sign():
    assert bash_complete_words("aws-sso-wizard", "login", "--sso-session", "=") == ["corp", "lab"]
    assert bash_complete_words("aws-sso-wizard", "login", "--sso-session", "=", "c") == ["corp"]
    assert bash_complete_words("aws-sso-wizard", "login", "--sso-session", "=", "corp", "--no") == ["--no-browser"]
    assert words("login", "--sso-session=corp", "--no") == ["--no-browser"]  # zsh and fish keep the word whole


def test_fish_completes_through_its_own_completion():
    proc = run_shell("fish", "complete -C 'aws-sso-wizard use prod-'; complete -C 'aws-sso-wizard login --f'")
    assert proc.stdout.splitlines() == ["prod-admin", "prod-read", f"--force\t{option_help('login', '--force')}"]


def test_zsh_registers_its_completion():
    script = ('autoload -Uz compinit && compinit -u -D\neval "$(aws-sso-wizard shell-init zsh)"\n'
              "print -r -- ${_comps[aws-sso-wizard]}")
    proc = run_shell("zsh", script, hook=False)
    assert proc.stdout.strip() == "_aws_sso_wizard_complete", proc.stderr


def test_a_fifo_in_place_of_the_config_never_hangs_completion(config_path):
    import os

    config_path.unlink()
    os.mkfifo(config_path)
    proc = run_wizard("__complete", "bash", "use", "", timeout=10)
    assert proc.returncode == 0 and proc.stdout == ""


def zsh_complete(*typed: str) -> list[str]:
    """What zsh's completion function hands to ``compadd`` for the words ``typed`` (the last under
    the cursor); ``compadd`` and ``_files`` stand in for the completion system's own."""
    line = " ".join(f"'{word}'" for word in ("aws-sso-wizard", *typed))
    script = ('compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }\n_files() { print FILES }\n'
              'compdef() { : }\n'
              f'eval "$(aws-sso-wizard shell-init zsh)"\nwords=({line}); CURRENT={len(typed) + 1}\n'
              "_aws_sso_wizard_complete")
    proc = run_shell("zsh", script, hook=False)
    return proc.stdout.splitlines()


def test_zsh_completes_commands_options_and_names():
    assert zsh_complete("lo") == ["login", "logout"]
    assert zsh_complete("use", "prod-") == ["prod-admin", "prod-read"]
    assert zsh_complete("login", "--sso-session", "") == ["corp", "lab"]
    assert zsh_complete("home", "--preset", "") == ["FILES"]


def option_help(command: str, option: str) -> str:
    """The help of ``command``'s ``option``, as its parser has it (what completion describes it with)."""
    from app.cli import build_parser

    parser = build_parser([command])
    sub = next(a for a in parser._subparsers._group_actions).choices[command]
    return next(a.help for a in sub._actions if option in a.option_strings)
