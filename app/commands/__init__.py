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
}
