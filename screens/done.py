"""Step 8: done — how to use the new profile (or the list of the many written), a "who am I" check,
and "add another profile"."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from app.errors import WizardError
from app.paths import display_path
from app.program import command as program_command
from assets import asset_path
from screens.base import StepScreen
from screens.dialogs.errors import describe_error

ANOTHER = "another"
QUIT = "quit"
LISTED = 8  # names listed on the done step when many were written; the rest are counted


def try_it_command(name: str, *, demo: bool = False) -> str:
    """A first command with the new profile; in the demo, one its pretend AWS answers (no S3 there)."""
    if demo:
        return f"aws sts get-caller-identity --profile {name}"
    return f"aws s3 ls --profile {name}"




class DoneScreen(StepScreen):
    CSS_PATH = asset_path("finish.tcss")
    BINDINGS = [
        Binding("v", "verify", "Verify", id="done.verify"),
        Binding("c", "copy_export", "Copy export", id="done.copy-export"),
        Binding("a", "another", "Another profile", id="done.add-another"),
        # two bindings, one shown: "Finish", or "Your profiles" when finishing opens the profile browser
        Binding("q,escape", "quit_wizard(False)", "Finish", id="done.finish"),
        Binding("q,escape", "quit_wizard(True)", "Your profiles", id="done.profiles"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.verifying = False

    @property
    def many_names(self) -> list[str]:
        """The profiles of a many-profiles run (added, updated and kept), else []."""
        plan = self.state.bulk_plan if self.state.many else None
        return [item.name for item in plan.items if item.action != "remove"] if plan is not None else []

    @property
    def profile_name(self) -> str:
        many = self.many_names
        if many:
            return many[0]
        return self.state.profile.name if self.state.profile else ""

    def _many_headline(self, names: list[str]) -> ComposeResult:
        plan = self.state.bulk_plan
        counts = ""
        if plan is not None:
            counts = f" ({plan.count('add')} new, {plan.count('update')} updated, {plan.count('keep')} kept)"
        yield Static(Text.assemble(("All set! ", "bold green"), f"{len(names)} profiles are ready{counts}."),
                     markup=False, classes="headline")
        shown = ", ".join(names[:LISTED]) + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")
        yield Static(f"Profiles: {shown}. Use any of them as shown below for the first.", markup=False,
                     classes="note done-names")

    def compose_body(self) -> ComposeResult:
        name = self.profile_name
        many = self.many_names
        if many:
            yield from self._many_headline(many)
        else:
            headline = Text.assemble(("All set! ", "bold green"), "Your profile ", (name, "bold"), " is ready.")
            yield Static(headline, markup=False, classes="headline")
        result = self.state.last_write
        if result is not None:
            where = f"Written to {display_path(result.path)}"
            if getattr(result, "backup_path", None):
                where += f" (the previous version is saved as {display_path(result.backup_path)})"
        else:
            where = "Your AWS config file already had exactly these settings."
        yield Static(where + ".", markup=False, classes="note done-summary")
        usage = Text()
        demo = self.services.demo
        rows = [
            ("Try it", try_it_command(name, demo=demo is not None)),
            ("Use it by default", f"export AWS_PROFILE={name}"),
            ("In Python", f'boto3.Session(profile_name="{name}")'),
            ("Sign in again later", program_command("login", name)),
        ]
        for i, (label, command) in enumerate(rows):
            if i:
                usage.append("\n")
            usage.append(f"{label:<22}", style="dim")
            usage.append(command, style="bold")
        yield Static(usage, markup=False, classes="usage")
        if demo is not None and demo.env_file is not None:
            yield Static(f"Demo: the pretend AWS answers only sign-in and “who am I”. To try it from another "
                         f"terminal, first run  . {demo.env_file}", markup=False, classes="note")
        yield Static(f"Press v to check who you are in AWS with {name}." if many else
                     "Press v to check who you are in AWS with this profile.", markup=False, classes="identity")
        if len(self.state.written_names) > 1 and not many:
            yield Static("Profiles added in this session: " + ", ".join(self.state.written_names), markup=False,
                         classes="note")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_wizard":
            return not parameters or parameters[0] == self.step.then_profiles
        return super().check_action(action, parameters)

    def action_verify(self) -> None:
        if self.verifying:
            return
        self.verifying = True
        name = self.profile_name
        identity = self.query_one(".identity", Static)
        identity.update("Asking AWS who you are…")

        def done(who) -> None:
            self.verifying = False
            self.state.identity = who
            text = Text()
            text.append("✓ It works. ", style="bold green")
            text.append("Account ", style="dim")
            text.append(who.account, style="bold")
            text.append("\n  ")
            text.append(who.arn)
            identity.update(text)

        def failed(error: BaseException) -> None:
            self.verifying = False
            identity.update(Text.assemble(("✗ ", "bold red"), describe_error(error) if isinstance(error, WizardError) else
                                          "The check failed.", "  Press v to try again."))
            if not isinstance(error, WizardError):
                self.present_error(error)

        self.call_service(lambda: self.services.whoami_profile(name), group="verify", done=done, failed=failed)

    def action_copy_export(self) -> None:
        line = f"export AWS_PROFILE={self.profile_name}"
        self.app.copy_to_clipboard(line)
        self.notify(f"Copied: {line}", markup=False)

    def action_another(self) -> None:
        self.finish(ANOTHER)

    def action_quit_wizard(self, to_profiles: bool = False) -> None:
        self.finish(QUIT)

    def action_back(self) -> None:
        self.finish(QUIT)
