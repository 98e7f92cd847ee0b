"""What ``shell-init`` prints for bash, zsh and fish: a shell function named like the program that
runs it with a private hand-back file (:mod:`app.shell.hook`) and applies what it hands back, and
the tab completion that asks the program itself (``__complete``, :mod:`app.shell.completion`)."""

from __future__ import annotations

import os
import sys

from app.program import PROG

SHELLS = ("bash", "zsh", "fish")
COMPLETE_COMMAND = "__complete"
FILES_EXIT = 4
"""``__complete`` exits with this when the word under the cursor is a file name (the shell's own
file completion then answers)."""

_BASH_ZSH = r"""# aws-sso-wizard: `aws-sso-wizard use NAME` sets AWS_PROFILE in this shell
aws-sso-wizard() {
  local __asw_file="" __asw_rc=0 __asw_do="" __asw_name=""
  case "$1" in prompt|@COMPLETE@) @PROGRAM@ "$@"; return ;; esac  # on every prompt and Tab: no hand-back
  __asw_file="$(mktemp "${TMPDIR:-/tmp}/aws-sso-wizard.XXXXXX")" || { @PROGRAM@ "$@"; return; }
  AWS_SSO_WIZARD_HOOK="$__asw_file" @PROGRAM@ "$@"
  __asw_rc=$?
  { IFS= read -r __asw_do; IFS= read -r __asw_name; } < "$__asw_file"
  command rm -f -- "$__asw_file"
  case "$__asw_do" in
    set) [ -n "$__asw_name" ] && export AWS_PROFILE="$__asw_name" ;;
    unset) unset AWS_PROFILE ;;
  esac
  return $__asw_rc
}
"""

_BASH_COMPLETION = r"""_aws_sso_wizard_complete() {
  local __asw_out="" __asw_rc=0
  __asw_out="$(@PROGRAM@ @COMPLETE@ bash "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)"
  __asw_rc=$?
  COMPREPLY=()
  if [ "$__asw_rc" -eq @FILES@ ]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
  elif [ -n "$__asw_out" ]; then
    mapfile -t COMPREPLY <<< "$__asw_out"
  fi
}
complete -F _aws_sso_wizard_complete aws-sso-wizard
"""

_ZSH_COMPLETION = r"""_aws_sso_wizard_complete() {
  local __asw_out="" __asw_rc=0
  local -a __asw_lines
  __asw_out="$(@PROGRAM@ @COMPLETE@ zsh "${(@)words[2,CURRENT]}" 2>/dev/null)"
  __asw_rc=$?
  if (( __asw_rc == @FILES@ )); then _files; return; fi
  [[ -n "$__asw_out" ]] || return 1
  __asw_lines=("${(@f)__asw_out}")
  compadd -- "${__asw_lines[@]}"
}
if (( $+functions[compdef] )); then compdef _aws_sso_wizard_complete aws-sso-wizard; fi
"""

_FISH = r"""# aws-sso-wizard: `aws-sso-wizard use NAME` sets AWS_PROFILE in this shell
function aws-sso-wizard --description 'aws-sso-wizard; `use NAME` sets AWS_PROFILE in this shell'
    if contains -- "$argv[1]" prompt @COMPLETE@
        @PROGRAM@ $argv
        return $status
    end
    set -l __asw_dir /tmp
    set -q TMPDIR; and set __asw_dir $TMPDIR
    set -l __asw_file (mktemp "$__asw_dir/aws-sso-wizard.XXXXXX")
    or begin
        @PROGRAM@ $argv
        return $status
    end
    AWS_SSO_WIZARD_HOOK=$__asw_file @PROGRAM@ $argv
    set -l __asw_rc $status
    set -l __asw_lines
    while read -l __asw_line
        set -a __asw_lines $__asw_line
    end < $__asw_file
    command rm -f -- $__asw_file
    switch "$__asw_lines[1]"
        case set
            test -n "$__asw_lines[2]"; and set -gx AWS_PROFILE $__asw_lines[2]
        case unset
            set -e -g AWS_PROFILE
    end
    return $__asw_rc
end

function __aws_sso_wizard_complete
    set -l __asw_before (commandline -opc)
    set -l __asw_current (commandline -ct)
    set -l __asw_out (@PROGRAM@ @COMPLETE@ fish $__asw_before[2..-1] "$__asw_current" 2>/dev/null)
    if test $status -eq @FILES@
        __fish_complete_path "$__asw_current"
        return
    end
    printf '%s\n' $__asw_out
end
complete -c aws-sso-wizard -e
complete -c aws-sso-wizard -f -a '(__aws_sso_wizard_complete)'
"""


def _sh_quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


def _fish_quote(word: str) -> str:
    if word and all(c.isalnum() or c in "/._-+:=@%" for c in word):
        return word
    return "'" + word.replace("\\", "\\\\").replace("'", "\\'") + "'"


def program_words() -> list[str]:
    """How the shell function starts this program: its name on PATH when that is this program,
    else the script's absolute path, else this Python with ``-m app``."""
    import shutil

    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if os.path.basename(script) == PROG and os.path.isfile(script):
        found = shutil.which(PROG)
        if found and os.path.realpath(found) == os.path.realpath(script):
            return ["command", PROG]
        return [script]
    return [sys.executable, "-m", "app"]


def program_text(shell: str, words: list[str] | None = None) -> str:
    words = program_words() if words is None else words
    if words[:1] == ["command"]:
        return " ".join(words)
    quote = _fish_quote if shell == "fish" else _sh_quote
    return " ".join(quote(word) for word in words)


def init_script(shell: str, words: list[str] | None = None) -> str:
    """The text ``eval "$(aws-sso-wizard shell-init SHELL)"`` (or fish's ``| source``) runs."""
    if shell not in SHELLS:
        raise ValueError(f"unknown shell {shell!r}")
    body = _FISH if shell == "fish" else _BASH_ZSH + (_BASH_COMPLETION if shell == "bash" else _ZSH_COMPLETION)
    return (body.replace("@PROGRAM@", program_text(shell, words)).replace("@COMPLETE@", COMPLETE_COMMAND)
            .replace("@FILES@", str(FILES_EXIT)))


def rc_line(shell: str) -> str:
    """The one line for the shell's start-up file."""
    if shell == "fish":
        return f"{PROG} shell-init fish | source"
    return f'eval "$({PROG} shell-init {shell})"'


def rc_file(shell: str, home: str | None = None) -> str:
    """The start-up file of an interactive ``shell``: ``~/.bashrc``, ``$ZDOTDIR/.zshrc``,
    ``$XDG_CONFIG_HOME/fish/config.fish``."""
    home = home or os.path.expanduser("~")
    if shell == "bash":
        return os.path.join(home, ".bashrc")
    if shell == "zsh":
        return os.path.join(os.environ.get("ZDOTDIR") or home, ".zshrc")
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(config, "fish", "config.fish")


def current_shell() -> str:
    """The person's shell as ``$SHELL`` names it (bash when unknown), for messages."""
    name = os.path.basename(os.environ.get("SHELL", ""))
    return name if name in SHELLS else "bash"


def export_line(shell: str, name: str | None) -> str:
    """The line that sets (or with None unsets) ``AWS_PROFILE`` by hand in ``shell``."""
    if shell == "fish":
        return f"set -gx AWS_PROFILE {_fish_quote(name)}" if name is not None else "set -e AWS_PROFILE"
    return f"export AWS_PROFILE={_sh_quote(name)}" if name is not None else "unset AWS_PROFILE"
