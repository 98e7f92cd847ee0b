"""Subcommands of ``aws-sso-wizard``.

Each module here defines ``HELP`` (one line for ``--help``), ``add_arguments(parser)`` and
``run(args) -> int``. Modules import only the standard library at top level; everything heavy
(Textual, boto3) is imported inside ``run`` so that ``--help`` stays instant.
"""

# name -> module path, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    # the app itself: the wizard, its demo and the emulator behind it
    "home": "app.commands.home",
    "setup": "app.commands.setup",
    "demo": "app.commands.demo",
    "emulator": "app.commands.emulator",
    # the everyday commands
    "profiles": "app.commands.profiles",
    "login": "app.commands.login",
    "logout": "app.commands.logout",
    "whoami": "app.commands.whoami",
    "accounts": "app.commands.accounts",
    "populate": "app.commands.populate",
    "doctor": "app.commands.doctor",
    "migrate": "app.commands.migrate",
    "ensure": "app.commands.ensure",
    # the profile in this shell
    "use": "app.commands.use",
    "shell-init": "app.commands.shell_init",
    "prompt": "app.commands.prompt",
    # keys for tools that cannot read SSO profiles
    "env": "app.commands.env",
    "run": "app.commands.run",
    "warm": "app.commands.warm",
    "companion": "app.commands.companion",
}

# Answered before the argument parser is built (the shell asks on every prompt and Tab; tools ask
# ``env`` for cached keys): name -> module with ``fast(argv) -> int | None`` (None: parse as usual).
FAST: dict[str, str] = {
    "prompt": "app.commands.prompt",
    "__complete": "app.commands.complete",
    "env": "app.commands.env",
}
