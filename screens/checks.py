"""Step 1: installation checks (AWS CLI, folders, config file, browser, sign-in endpoint)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from app.cancel import CancelToken
from app.checks import Check
from app.errors import Cancelled
from screens.base import StepScreen
from screens.widgets.step import check_row


class ChecksScreen(StepScreen):
    HEADLINE = "First, a quick look at this computer."

    BINDINGS = [
        Binding("enter", "next", "Continue", id="wizard.next"),
        Binding("r", "recheck", "Check again", id="checks.recheck"),
        Binding("i", "install", "Install AWS CLI", id="checks.install-cli"),
    ]

    class CheckDone(Message):
        def __init__(self, check) -> None:
            super().__init__()
            self.check = check

    class ChecksFinished(Message):
        pass

    class InstallLine(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class InstallFinished(Message):
        def __init__(self, error: BaseException | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.results: dict[str, Check] = {}
        self.running = True  # from the start: the first run begins just after the first paint
        self._run_id = 0
        self._install_cancel: CancelToken | None = None

    @property
    def sso_region_hint(self) -> str | None:
        state, preset, last = self.state, self.services.preset, self.services.settings.last
        if state.portal is not None:
            return state.portal.sso_region
        return (preset.sso_region if preset else None) or last.sso_region

    def compose_body(self) -> ComposeResult:
        with Widget(classes="check-list"):
            for check_id, title in self.services.check_ids(self.sso_region_hint):
                yield Static(check_row("running", title, "Checking…"), markup=False, id=f"check-{check_id}",
                             classes="check-row")
        yield Static("Checking…", markup=False, classes="checks-summary")

    def on_mount(self) -> None:
        # Start a moment after the first paint: the checks import the config reader and run
        # `aws --version`, which would otherwise compete with drawing (and writing) the first frame.
        self.set_timer(0.15, self.action_recheck)

    # -- running the checks ----------------------------------------------------------------------

    def action_recheck(self) -> None:
        if (self.running and self._run_id) or self._install_cancel is not None:
            return
        self.running = True
        self.results = {}
        self._run_id += 1
        run_id = self._run_id
        region = self.sso_region_hint
        for check_id, title in self.services.check_ids(region):
            self._row(check_id).update(check_row("running", title, "Checking…"))
        self.query_one(".checks-summary", Static).update("Checking…")
        self.refresh_bindings()

        def work() -> None:
            for check in self.services.iter_checks(region):
                if self._finished or run_id != self._run_id:
                    return
                self.post_message(self.CheckDone(check))
            self.post_message(self.ChecksFinished())

        self.run_worker(work, thread=True, group="checks", exclusive=True, exit_on_error=False)

    def _row(self, check_id: str) -> Static:
        return self.query_one(f"#check-{check_id}", Static)

    def on_checks_screen_check_done(self, message: CheckDone) -> None:
        check = message.check
        self.results[check.id] = check
        self._row(check.id).update(check_row(check.status, check.title, check.message, check.fix))
        self.refresh_bindings()

    def on_checks_screen_checks_finished(self, message: ChecksFinished) -> None:
        self.running = False
        self._update_summary()
        self.refresh_bindings()

    def _update_summary(self) -> None:
        checks = list(self.results.values())
        blocking = [c for c in checks if c.blocking]
        warnings = [c for c in checks if c.status == "warn"]
        if blocking:
            text = "Fix the problem marked ✗ first, then press r to check again."
        elif warnings:
            n = len(warnings)
            text = f"{n} thing{'s' if n != 1 else ''} to note (!), nothing blocking. Press Enter to continue."
        else:
            text = "All set. Press Enter to continue."
        self.query_one(".checks-summary", Static).update(text)

    @property
    def blocking(self) -> list:
        return [c for c in self.results.values() if c.blocking]

    def action_next(self) -> None:
        if self._install_cancel is not None:
            self.notify("The AWS CLI is still being installed; wait for it or press Escape to stop it.",
                        markup=False)
            return
        if self.blocking:
            self.present_error(self.blocking[0].message + " " + self.blocking[0].fix, title="Cannot continue yet")
            return
        if "config" not in self.results or "folders" not in self.results:
            self.notify("Still checking the AWS config file…", markup=False)
            return
        self.finish(True)

    def action_back(self) -> None:
        if self._install_cancel is not None:
            self._install_cancel.cancel()
            return
        self.notify("This is the first step. Press Ctrl+Q to quit.", markup=False)

    # -- installing the AWS CLI (macOS with Homebrew) -------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":  # the first step: Escape stops an installation (else it may leave)
            return self._install_cancel is not None
        if action == "install":
            cli = self.results.get("aws-cli")
            return bool(cli is not None and cli.status != "ok" and self.services.can_install_aws_cli()
                        and self._install_cancel is None)
        return super().check_action(action, parameters)

    def action_install(self) -> None:
        if self._install_cancel is not None or not self.services.can_install_aws_cli():
            return
        cancel = self._install_cancel = CancelToken()
        log = self._install_log()
        log.add_class("-visible")
        log.clear()
        log.write_line("$ brew install awscli")
        self.refresh_bindings()

        def work() -> None:
            error: BaseException | None = None
            try:
                for line in self.services.install_aws_cli(cancel):
                    self.post_message(self.InstallLine(line))
            except BaseException as exc:  # reported on the UI thread
                error = exc
            self.post_message(self.InstallFinished(error))

        self.run_worker(work, thread=True, group="install", exclusive=True, exit_on_error=False)

    def _install_log(self):
        """The installer's output pane, created the first time it is needed."""
        from textual.widgets import Log

        logs = self.query(".install-log")
        if logs:
            return logs.first()
        log = Log(classes="install-log", highlight=False)
        self.query_one(".step-body").mount(log)
        return log

    def on_checks_screen_install_line(self, message: InstallLine) -> None:
        self._install_log().write_line(message.line)

    def on_checks_screen_install_finished(self, message: InstallFinished) -> None:
        self._install_cancel = None
        error = message.error
        log = self._install_log()
        if error is None:
            log.write_line("Installed.")
            self.notify("The AWS CLI is installed.", markup=False)
        elif isinstance(error, Cancelled):
            log.write_line("Stopped.")
            self.notify("Installation stopped.", markup=False)
        else:
            log.write_line(str(error))
            self.present_error(error, title="Installation failed")
        self.refresh_bindings()
        self.action_recheck()

    def on_leave(self) -> None:
        self._run_id += 1
        if self._install_cancel is not None:
            self._install_cancel.cancel()

    def on_unmount(self) -> None:
        self.on_leave()
