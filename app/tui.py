"""The Textual App: the onboarding wizard and the profile browser ("profiles" mode).

Structure
---------
* The command builds a :class:`~app.services.Services` once and hands it to :class:`WizardApp`;
  screens get it (and the shared :class:`~app.wizard_state.WizardState`) in their constructors.
* Each mode has its own screen stack. :data:`MODE_SCREENS` maps a mode name to the
  ``"module:Class"`` of its base screen, imported only when the mode is first shown, and
  :data:`MODE_CSS` its extra stylesheets. ``WizardApp(services, mode="profiles")`` opens the
  profile browser; the ``home`` command picks the mode.
* The wizard is one async worker (:meth:`WizardApp.run_wizard`) looping over :data:`STEPS`:
  ``await push_screen_wait(step, mode="wizard")`` returns the step's value, ``BACK``, ``LEAVE`` or a
  ``GoTo``. Steps that decided themselves (a single account, an already valid sign-in) are skipped
  when going back. The App starts in its first mode itself (no separate default stack). Started as
  the wizard, the first step is pushed in ``on_mount`` so it is in the very first frame; opened from
  the profile browser (:meth:`WizardApp.start_wizard`) it returns there when done, or when Escape
  is pressed on its first step.
* Every binding has an id ``screen.action`` (``wizard.back``, ``checks.recheck``); the ``[keys]``
  table of ``settings.toml`` rebinds them (:meth:`App.set_keymap`).
* Enter typed before a screen appeared is dropped (:meth:`WizardApp.on_event`): a fast double Enter
  never answers a step nobody has seen. Other keys are kept, so text typed ahead reaches its field.
* boto3 is never imported before the first frame; :meth:`on_ready` pre-warms it in a thread.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any, Callable

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from app.services import Services
from app.wizard_state import WizardState
from assets import asset_path

#: mode name -> "module:Class" of the mode's base screen.
MODE_SCREENS: dict[str, str] = {
    "wizard": "screens.base:WizardHome",
    "profiles": "screens.profiles:ProfilesScreen",  # the profile browser
}

#: Extra stylesheets of a mode, loaded when the mode is first shown (keeps the first frame lean).
MODE_CSS: dict[str, tuple[str, ...]] = {
    "profiles": ("profiles.tcss",),
}

#: (id, title for the step indicator, "module:Class").
STEPS: tuple[tuple[str, str, str], ...] = (
    ("checks", "Installation checks", "screens.checks:ChecksScreen"),
    ("portal", "Sign-in portal", "screens.portal:PortalScreen"),
    ("signin", "Sign in", "screens.signin:SignInScreen"),
    ("accounts", "Account", "screens.accounts:AccountScreen"),
    ("roles", "Role", "screens.roles:RoleScreen"),
    ("profile", "Profile", "screens.profile:ProfileScreen"),
    ("review", "Review", "screens.review:ReviewScreen"),
    ("done", "Done", "screens.done:DoneScreen"),
)
STEP_IDS = tuple(step[0] for step in STEPS)

#: The steps shown instead when several accounts are ticked (many profiles in one go).
MANY_STEPS: dict[str, tuple[str, str]] = {
    "roles": ("Roles", "screens.pairs:PairScreen"),
    "profile": ("Names", "screens.naming:NamingScreen"),
}

#: Steps never shown again when going back (signing in again is offered where it is needed).
SKIP_GOING_BACK = frozenset({"signin"})

ANOTHER = "another"  # the Done step's "add another profile"
QUIT = "quit"

#: Keys that quit; never dropped or taken by a screen.
QUIT_KEYS = frozenset({"ctrl+q", "ctrl+c"})

#: The exit code of a cancelled run (as ``aws configure sso`` on Ctrl+C).
CANCELLED_EXIT = 130


def load_object(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _mode_factory(app: "WizardApp", name: str) -> Callable[[], Screen]:
    def make() -> Screen:
        screen = app.make_mode_screen(name)
        extra = [asset_path(css) for css in MODE_CSS.get(name, ())]
        if extra:  # Textual loads a screen's css_path when the screen is installed
            screen.css_path = [*screen.css_path, *extra]
        return screen

    return make


def has_mode(name: str) -> bool:
    return name in MODE_SCREENS


class WizardApp(App):
    """aws-sso-wizard's App. ``mode`` picks what shows first ("wizard" or, later, "profiles")."""

    TITLE = "aws-sso-wizard"
    CSS_PATH = [asset_path("app.tcss")]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("ctrl+c", "interrupt", "Quit now", id="app.interrupt", priority=True, show=False),
        Binding("f1", "help", "Help", id="app.help"),
    ]

    #: Enter typed earlier than this many seconds after a screen appeared is dropped: a double
    #: Enter must not answer the next step before the person has seen it (other keys are kept).
    TYPEAHEAD_GRACE = 0.1

    def __init__(self, services: Services, *, mode: str = "wizard", state: WizardState | None = None,
                 first_step: str = "checks", typeahead_grace: float | None = None,
                 then: str | None = None) -> None:
        """``then``: the mode to show when the wizard finishes (``"profiles"``: the profile browser,
        which then has the new profile); None exits the App, as ``setup`` does."""
        if mode not in MODE_SCREENS:
            raise ValueError(f"unknown mode {mode!r}")
        # The first screen stack is that mode's own (named so, not Textual's "_default"), so the App
        # can switch back to it, e.g. from the wizard to the profile browser it was opened from
        # (Textual cannot switch back to "_default").
        self.DEFAULT_MODE = mode  # type: ignore[misc]  # a ClassVar in Textual, read per instance by __init__
        super().__init__()
        self.typeahead_grace = self.TYPEAHEAD_GRACE if typeahead_grace is None else typeahead_grace
        self._screen_shown_at = 0.0
        self.services = services
        self.start_mode = mode
        self.state = state if state is not None else WizardState(preset=services.preset)
        self.first_step = first_step
        self.return_mode: str | None = then  # where the wizard goes when it finishes (None: exit)
        self.opened_from: str | None = None  # the mode the wizard was opened from (its first step can leave)
        self.wizard_result: str | None = None
        self.exit_note: str | None = None  # the line printed after a cancelled run
        if mode == "profiles":
            # The first screen comes from get_default_screen (below), whose css_path Textual does
            # not load: read the browser's stylesheet with the App's own.
            self.css_path = [*self.css_path, *(asset_path(css) for css in MODE_CSS["profiles"])]
        for name in MODE_SCREENS:
            if name != mode:
                self.add_mode(name, _mode_factory(self, name))

    def get_default_screen(self) -> Screen:
        """The first screen. The start mode is registered only once it exists (:meth:`on_mount`):
        Textual then builds it here, without re-applying every stylesheet as it does for a
        registered mode (about a tenth of a second with 5,000 profiles)."""
        return self.make_mode_screen(self.start_mode)

    def make_mode_screen(self, name: str) -> Screen:
        """The base screen of a mode, given the services it needs."""
        cls = load_object(MODE_SCREENS[name])
        if name == "profiles":
            from app.profiles.status import ProfileStatusService

            services = self.services
            status = ProfileStatusService(login_provider=lambda: services.login, account_names=services.account_names)
            return cls(services, status)
        return cls()

    # -- start-up ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        keymap = self.services.settings.keys  # the [keys] table of settings.toml: binding id -> keys
        if keymap:
            self.set_keymap(keymap)
        # the start mode's stack exists now: registering it lets the App switch back to it
        self.add_mode(self.start_mode, _mode_factory(self, self.start_mode))
        self.screen_change_signal.subscribe(self, self._screen_changed)
        if self.start_mode == "wizard":
            self._start_wizard_now(self.first_step)

    def _start_wizard_now(self, first_step: str) -> None:
        """Push the first step at once, so it is in the very first frame; the wizard worker then
        takes it over (a worker would push it only after the first paint)."""
        index = STEP_IDS.index(first_step)
        screen = self.make_step(index)
        first: asyncio.Future = asyncio.get_running_loop().create_future()

        def deliver(result: Any) -> None:
            if not first.done():
                first.set_result(result)

        self.push_screen(screen, deliver, mode="wizard")
        self.run_wizard(first_step, first=(screen, first))

    def on_ready(self) -> None:
        demo = self.services.demo
        if demo is not None and demo.note:
            self.notify(demo.note, title="Demo", markup=False, timeout=10)
        # The first frame is on screen: warm botocore up in a thread while the person reads it
        # (a moment later, so the first step's own start-up work goes first).
        self.set_timer(0.3, self.prewarm)

    @work(thread=True, exit_on_error=False, group="prewarm")
    def prewarm(self) -> None:
        portal = self.state.portal
        preset = self.services.preset
        last = self.services.settings.last
        region = (portal.sso_region if portal else None) or (preset.sso_region if preset else None) or last.sso_region
        self.services.prewarm(region)

    # -- profile browser -----------------------------------------------------------------------

    def on_profiles_screen_new_profile_requested(self, message) -> None:
        """``n`` in the profile browser: the wizard, then back to the browser."""
        self.start_wizard(return_to="profiles")

    # -- type-ahead --------------------------------------------------------------------------

    def _screen_changed(self, screen: Screen) -> None:
        # read from the clock Textual stamps every event with, so it compares with ``event.time``
        self._screen_shown_at = Message().time

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and event.key == "enter"
            and event.time < self._screen_shown_at + self.typeahead_grace
        ):
            return  # pressed before this screen was on show: not meant for it
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and self._captured(event):
            return
        await super().on_event(event)

    def _captured(self, event: events.Key | events.Paste) -> bool:
        """Whether the screen took ``event`` as it was read, before routing (``capture_key``: the
        profile browser's filter takes what follows ``/``)."""
        if isinstance(event, events.Key) and event.key in QUIT_KEYS:
            return False
        try:
            capture = getattr(self.screen, "capture_key", None)
        except Exception:  # no screen yet
            return False
        return bool(capture is not None and capture(event))

    # -- the wizard ------------------------------------------------------------------------------

    def start_wizard(self, *, return_to: str | None = None, first_step: str = "checks") -> None:
        """Open the wizard (from another mode): it returns to ``return_to`` when done."""
        self.return_mode = return_to
        self.opened_from = return_to
        profile = self.state.profile
        if (profile is not None and profile.name in self.state.written_names) or (
                self.state.many and self.state.bulk_plan is not None):
            self.state.start_another_profile()  # that one is written: this is a new one
        self.switch_mode("wizard")
        self.run_wizard(first_step)

    def make_step(self, index: int) -> Screen:
        from screens.base import StepInfo

        step_id, title, spec = STEPS[index]
        if self.state.many and step_id in MANY_STEPS:
            title, spec = MANY_STEPS[step_id]
        cls = load_object(spec)
        can_leave = index == 0 and self.opened_from is not None
        then_profiles = self.return_mode == "profiles"
        return cls(self.services, self.state,
                   StepInfo(index + 1, len(STEPS), title, can_leave=can_leave, then_profiles=then_profiles))

    @work(exclusive=True, group="wizard", exit_on_error=True)
    async def run_wizard(self, first_step: str = "checks", first: tuple[Screen, asyncio.Future] | None = None) -> None:
        from screens.base import BACK, LEAVE, GoTo

        state = self.state
        index = STEP_IDS.index(first_step)
        going_back = False
        while True:
            step_id = STEP_IDS[index]
            if going_back and index > 0 and (step_id in state.auto_chosen or step_id in SKIP_GOING_BACK):
                state.auto_chosen.discard(step_id)
                index -= 1
                continue
            if first is not None:
                (screen, pending), first = first, None
                result = await pending
            else:
                screen = self.make_step(index)
                result = await self.push_screen_wait(screen, mode="wizard")
            if result is LEAVE:  # Escape on the first step of a wizard opened from the browser
                self.wizard_finished(QUIT)
                return
            if result is BACK:
                going_back = True
                index = max(0, index - 1)
                continue
            going_back = False
            if isinstance(result, GoTo):
                state.auto_chosen.discard(result.step)
                index = STEP_IDS.index(result.step)
                continue
            if getattr(screen, "auto_chosen", False):
                state.auto_chosen.add(step_id)
            else:
                state.auto_chosen.discard(step_id)
            if step_id == "done":
                if result == ANOTHER:
                    state.start_another_profile()
                    index = STEP_IDS.index("accounts")
                    continue
                self.wizard_finished(QUIT)
                return
            self.apply_result(step_id, result)
            index += 1

    def apply_result(self, step_id: str, result: Any) -> None:
        """Record what a step decided; forget later answers that depended on an earlier one."""
        state = self.state
        if step_id == "portal":
            old = state.portal
            if old is None or (old.start_url, old.sso_region, old.session_name) != (
                result.start_url, result.sso_region, result.session_name
            ):
                state.accounts = None
                state.roles = {}
                state.account = state.role = state.profile = None
            state.portal = result
        elif step_id == "signin":
            state.login_method = result
            state.force_login = False
        elif step_id == "accounts":
            if isinstance(result, tuple):  # several ticked: a profile for each of their roles
                if list(result) != state.ticked:
                    state.pairs, state.bulk = [], None
                state.ticked = list(result)
                state.account = state.role = state.profile = None
                return
            state.ticked, state.pairs, state.bulk = [], [], None
            if state.account != result:
                state.role = None
                state.profile = None
            state.account = result
        elif step_id == "roles":
            if state.many:
                pairs = list(result) if isinstance(result, tuple) else [result]
                if len(pairs) > 1:
                    state.pairs = pairs
                    return
                # one pair ticked: the one-profile path from here on
                pair = pairs[0]
                state.account = next(a for a in state.ticked if a.account_id == pair.account_id)
                state.ticked, state.pairs, state.bulk = [], [], None
                state.role = pair.role_name
                state.profile = None
                return
            if state.role != result:
                state.profile = None
            state.role = result
        elif step_id == "profile":
            if state.many:
                state.bulk = result
                return
            state.profile = result
        elif step_id == "review":
            state.last_write = result
            if result is not None:
                state.written.append(result)
            if state.many and state.bulk_plan is not None:
                state.written_names.extend(item.name for item in state.bulk_plan.items if item.action != "remove")
            elif state.profile is not None:
                state.written_names.append(state.profile.name)

    def wizard_finished(self, result: str) -> None:
        self.wizard_result = result
        if self.return_mode and self.return_mode != "wizard":
            self.switch_mode(self.return_mode)
            return
        self.exit(result)

    # -- quitting ----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Ctrl+Q: the profile browser ends as usual; the wizard before anything was written ends
        as cancelled (exit 130, one line saying nothing was written)."""
        if self.current_mode == "wizard" and not self.state.written_names:
            self.action_interrupt()
            return
        self.exit()

    def action_interrupt(self) -> None:
        """Ctrl+C: quit at once, exit 130, saying what was (not) written."""
        from rich.text import Text

        self.exit_note = self.cancelled_note()
        self.exit(return_code=CANCELLED_EXIT, message=Text(self.exit_note))

    def cancelled_note(self) -> str:
        """The one line printed when the app is quit before it finished."""
        from app.paths import aws_config_path, display_path

        where = display_path(aws_config_path())
        names = self.state.written_names
        if not names:
            return f"Cancelled: nothing was written to {where}."
        return f"Cancelled. Written earlier in this run: {', '.join(names)} in {where}."

    # -- app-wide actions ----------------------------------------------------------------------

    def action_help(self) -> None:
        from screens.dialogs import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen())
