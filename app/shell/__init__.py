"""The app in the person's shell: the hook that lets a command change the shell's ``AWS_PROFILE``
(hook), the shell functions ``shell-init`` prints (scripts), adding them to an rc file (rc), tab
completion from the command definitions (completion), and a fast reader of the config's names and
keys for completion and the prompt (scan). Standard library only."""

__all__ = ["hook", "scripts", "rc", "completion", "scan"]
