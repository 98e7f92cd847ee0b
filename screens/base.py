"""The base of every wizard step: step indicator, Back on Escape, footer, an idempotent finish,
and one way to run a blocking service call in a thread and get its result on the UI thread.

Why the finish guard: since Textual 8, ``dismiss()`` pops whatever screen is on top. With type-ahead
(a fast double Enter) a second finish on the same step would pop the *next* step or crash with
``ScreenStackError``. ``finish()`` therefore runs once, and only while the step is the active screen.

Type-ahead: a step whose text field appears only once it has loaded (``TYPEAHEAD``) keeps what is
typed meanwhile and puts it into the first text field that gets the focus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import Worker, WorkerState

from screens.widgets.step import StepIndicator

if TYPE_CHECKING:
    from app.services import Services
    from app.wizard_state import WizardState


"""Stylesheets: ``app.tcss`` is the App's; each screen names its own file (``CSS_PATH``), which
Textual loads when the screen is first shown, so the first frame parses only what it needs."""


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BACK = _Sentinel("BACK")
"""A step's result when the person went back."""

LEAVE = _Sentinel("LEAVE")
"""A step's result when the person left the wizard from its first step (back to where it was opened)."""


@dataclass(frozen=True)
class GoTo:
    """A step's result that jumps to another step (e.g. "sign in again" from the account list)."""

    step: str


@dataclass(frozen=True)
class StepInfo:
    number: int
    total: int
    title: str
    #: Set on the first step when the wizard was opened from another screen (the profile browser):
    #: Escape then leaves the wizard, writing nothing.
    can_leave: bool = False
    #: Finishing the wizard opens the profile browser (else it ends the App).
    then_profiles: bool = False


class StepScreen(Screen):
    """One step of the wizard. Subclasses implement :meth:`compose_body` and call :meth:`finish`."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="wizard.back"),
        Binding("escape", "leave", "Back to profiles", id="wizard.leave"),
    ]

    #: The headline under the step indicator (one idea per screen).
    HEADLINE = ""

    #: Keep text typed before a text field has the focus, for the first one that gets it.
    TYPEAHEAD = False

    def __init__(self, services: "Services", state: "WizardState", step: StepInfo) -> None:
        super().__init__(classes="step-screen")
        self.services = services
        self.state = state
        self.step = step
        self._finished = False
        self._typeahead = ""
        self._service_callbacks: dict[Worker, tuple[Callable[[Any], None], Callable[[BaseException], None] | None]] = {}

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._top_bar(), markup=False, classes="top-bar")
        yield StepIndicator(self.step.number, self.step.total, self.step.title, classes="step-indicator")
        with Widget(classes="step-body"):  # laid out in app.tcss (no containers import on the first frame)
            if self.HEADLINE:
                yield Static(self.HEADLINE, markup=False, classes="headline")
            yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def _top_bar(self) -> Text:
        text = Text()
        text.append(" aws-sso-wizard ", style="bold reverse")
        preset = self.services.preset
        if preset is not None and preset.display_name:
            text.append("  AWS access for ")
            text.append(preset.display_name, style="bold")
        if self.services.demo is not None:
            text.append("   DEMO", style="bold yellow")
            text.append(": your real ~/.aws is not touched", style="dim")
        return text

    # -- small terminals ----------------------------------------------------------------------

    #: Below this many rows the step is laid out tighter (``-short``: less margin, fewer help lines,
    #: fields and lists without borders); below this many columns the footer is compact, so Quit
    #: and Help stay on it.
    SHORT_HEIGHT = 30
    NARROW_WIDTH = 100

    def on_resize(self, event: events.Resize) -> None:
        short = event.size.height < self.SHORT_HEIGHT
        self.set_class(short, "-short")
        for field in self.query(Input):
            field.compact = short
        for options in self.query(OptionList):
            options.compact = short
        for footer in self.query(Footer):
            footer.compact = event.size.width < self.NARROW_WIDTH

    # -- type-ahead -----------------------------------------------------------------------------

    @property
    def typeahead(self) -> str:
        """Text typed while no field had the focus, not yet given to one."""
        return self._typeahead

    def on_key(self, event: events.Key) -> None:
        if not self.TYPEAHEAD or self.focused is not None:
            return
        if event.key == "backspace" and self._typeahead:
            self._typeahead = self._typeahead[:-1]
            event.stop()
        elif event.is_printable and event.character:
            self._typeahead += event.character
            event.stop()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if self._typeahead and isinstance(widget, Input):
            text, self._typeahead = self._typeahead, ""
            widget.insert_text_at_cursor(text)

    # -- finishing ---------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self._finished

    def finish(self, value: Any) -> bool:
        """Leave this step with ``value`` (or :data:`BACK`). Runs at most once; ignored unless active."""
        if self._finished or not self.is_active:
            return False
        self._finished = True
        self.on_leave()
        self.dismiss(value)
        return True

    def on_leave(self) -> None:
        """Called once, just before the step is dismissed (stop background work here)."""

    def action_back(self) -> None:
        self.finish(BACK)

    def action_leave(self) -> None:
        self.finish(LEAVE)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape is Back, or on the first step of a wizard opened from elsewhere, Leave (the two
        bindings share the key; the one that does not apply is hidden). Subclasses call this for
        the actions they do not decide themselves."""
        if action == "leave":
            return self.step.can_leave
        if action == "back":
            return not self.step.can_leave
        return True

    # -- services in threads -------------------------------------------------------------------

    def call_service(
        self,
        fn: Callable[[], Any],
        *,
        group: str,
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        description: str = "",
    ) -> Worker:
        """Run blocking ``fn`` in a thread worker; ``done(result)`` / ``failed(error)`` run on the UI
        thread afterwards, and not at all if the step has been left meanwhile."""
        worker = self.run_worker(fn, thread=True, group=group, exclusive=True, exit_on_error=False,
                                 description=description or group)
        self._service_callbacks[worker] = (done, failed)
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        callbacks = self._service_callbacks.get(event.worker)
        if callbacks is None:
            return
        if event.state == WorkerState.SUCCESS:
            del self._service_callbacks[event.worker]
            if not self._finished:
                callbacks[0](event.worker.result)
        elif event.state == WorkerState.ERROR:
            del self._service_callbacks[event.worker]
            error = event.worker.error
            if self._finished or error is None:
                return
            if callbacks[1] is not None:
                callbacks[1](error)
            else:
                self.present_error(error, dialog=True)
        elif event.state == WorkerState.CANCELLED:
            self._service_callbacks.pop(event.worker, None)

    # -- errors --------------------------------------------------------------------------------

    def present_error(self, error: BaseException | str, *, title: str | None = None, dialog: bool = False) -> None:
        """Show ``error`` as the TUI's error policy says (:func:`screens.dialogs.errors.present_error`)."""
        from screens.dialogs.errors import (
            present_error,  # the dialogs load when first needed
        )

        present_error(self, error, title=title, dialog=dialog)


class WizardHome(Screen):
    """The wizard mode's base screen, under the steps (kept bare: it is composed before the first
    frame but never seen for more than an instant)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(" aws-sso-wizard ", style="bold reverse"), classes="top-bar")
