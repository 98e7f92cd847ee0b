"""Modal dialogs shared by the screens: errors, questions, help and the sign-in prompt."""

from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.errors import ErrorModal
from screens.dialogs.help import HelpScreen, ProfilesHelp, help_text
from screens.dialogs.login import LoginDialog
from screens.dialogs.modal import GuardedModal

__all__ = ["ConfirmDialog", "ErrorModal", "GuardedModal", "HelpScreen", "LoginDialog", "ProfilesHelp", "help_text"]
