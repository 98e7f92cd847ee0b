"""Step 6: the profile — a suggested name (validated live), its default region and output format.
An existing name asks whether to replace it (showing exactly what changes) or pick another; one
that already has exactly these settings is simply used."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from app.config.naming import next_free_name, suggest_profile_name
from app.settings import OUTPUT_FORMATS
from app.signin.regions import region_label, region_search_fields
from app.wizard_state import DEFAULT_OUTPUT, ProfileChoice
from assets import asset_path
from screens.base import StepScreen
from screens.widgets.filter_list import FilterList
from screens.widgets.step import KeyValue

OUTPUT_HELP = {
    "json": "json  (the usual choice)",
    "text": "text  (for shell scripts)",
    "table": "table  (easy to read)",
    "yaml": "yaml",
    "yaml-stream": "yaml-stream",
}


class ProfileNameInput(Input):
    """The profile name: a space typed or pasted becomes ``-`` (a name people type after --profile
    is easier without spaces); what cannot be taken is refused with a word of why, not only a bell."""

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    _offered = ""

    def replace(self, text: str, start: int, end: int) -> None:
        self._offered = re.sub(r"\s+", "-", text)
        super().replace(self._offered, start, end)

    def restricted(self) -> None:
        if re.search(r"[\[\]]", self._offered):
            reason = "[ and ] cannot be part of a profile name (the config file puts them around names)."
        else:
            reason = f"A profile name has at most {self.max_length} characters."
        self.post_message(self.Refused(reason))


@dataclass(frozen=True)
class _Loaded:
    profile_names: set
    existing: dict  # name -> Profile
    regions: list


class ProfileScreen(StepScreen):
    CSS_PATH = asset_path("profile.tcss")
    HEADLINE = "Name this profile and choose its defaults."

    BINDINGS = [Binding("enter", "next", "Continue", id="wizard.next")]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.loaded: _Loaded | None = None
        self._asking = False

    def compose_body(self) -> ComposeResult:
        state = self.state
        pairs = []
        if state.account is not None:
            pairs.append(("Account", state.account.label))
        if state.role is not None:
            role = state.role + ("  (the only role you have there)" if "roles" in state.auto_chosen else "")
            pairs.append(("Role", role))
        yield KeyValue(pairs, classes="hint")
        yield Static("Profile name", markup=False, classes="field-label")
        yield Static("You will type it in commands: aws s3 ls --profile NAME  (a space becomes -)", markup=False,
                     classes="field-help")
        yield ProfileNameInput(id="profile-name", restrict=r"[^\s\[\]]*", max_length=64)
        yield Static("", markup=False, classes="field-error", id="name-feedback")
        with Horizontal(classes="profile-columns"):
            with Vertical():
                yield Static("Default AWS region for commands", markup=False, classes="field-label",
                             id="region-label")
                yield FilterList(label=region_label, search_text=region_search_fields, noun=("region", "regions"),
                                 placeholder="Type a code or a place (london)", classes="region-list")
            with Vertical():
                yield Static("Output format", markup=False, classes="field-label")
                yield OptionList(*[Option(OUTPUT_HELP[f], id=f) for f in OUTPUT_FORMATS], markup=False,
                                 classes="output-list")
                yield Static("Tab moves between fields. Enter continues.", markup=False, classes="note")

    def on_mount(self) -> None:
        self.query_one("#profile-name", Input).focus()

        def load() -> _Loaded:
            from app.signin.regions import region_names, sso_regions

            region_names()  # read here, not on the UI thread

            config = self.services.load_config()
            return _Loaded(profile_names=set(config.profiles), existing=dict(config.profiles), regions=sso_regions())

        self.call_service(load, group="load", done=self._loaded)

    # -- defaults --------------------------------------------------------------------------------

    def _suggested_name(self) -> str:
        state, preset = self.state, self.services.preset
        pattern = preset.name_pattern if preset else None
        session = state.portal.session_name if state.portal else None
        return suggest_profile_name(state.account, state.role or "", pattern, session=session)

    def _default_region(self) -> str | None:
        preset = self.services.preset
        if preset is not None and preset.default_region:
            return preset.default_region
        return self.state.portal.sso_region if self.state.portal else None

    def _default_output(self) -> str:
        preset = self.services.preset
        return (preset.output if preset and preset.output else None) or DEFAULT_OUTPUT

    def _loaded(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        previous = self.state.profile
        name = previous.name if previous else self._suggested_name()
        region = previous.region if previous else self._default_region()
        output = previous.output if previous else self._default_output()
        name_input = self.query_one("#profile-name", Input)
        name_input.value = name
        name_input.cursor_position = len(name)
        regions = self.query_one(".region-list", FilterList)
        regions.set_items(loaded.regions, highlight=region if region in loaded.regions else None)
        outputs = self.query_one(".output-list", OptionList)
        outputs.highlighted = OUTPUT_FORMATS.index(output) if output in OUTPUT_FORMATS else 0
        self._feedback(name)

    # -- validation ------------------------------------------------------------------------------

    @on(Input.Changed, "#profile-name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._feedback(event.value)

    @on(ProfileNameInput.Refused)
    def _name_refused(self, event: ProfileNameInput.Refused) -> None:
        feedback = self.query_one("#name-feedback", Static)
        feedback.set_class(True, "field-error")
        feedback.set_class(False, "field-ok")
        feedback.update(event.reason)

    def _problem(self, name: str) -> str | None:
        from app.config.edits import validate_profile_name

        if not name.strip():
            return "Give the profile a name."
        return validate_profile_name(name)

    def _feedback(self, name: str) -> None:
        feedback = self.query_one("#name-feedback", Static)
        problem = self._problem(name)
        feedback.set_class(bool(problem), "field-error")
        feedback.set_class(not problem, "field-ok")
        if problem:
            feedback.update(problem)
        elif self.loaded is not None and name in self.loaded.profile_names:
            feedback.set_class(True, "field-error")
            feedback.set_class(False, "field-ok")
            feedback.update(f"A profile named “{name}” already exists. Continuing will ask before replacing it.")
        else:
            feedback.update("✓ A good name.")

    # -- continuing ------------------------------------------------------------------------------

    @on(Input.Submitted, "#profile-name")
    def _name_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    @on(FilterList.Highlighted, ".region-list")
    def _region_highlighted(self, event: FilterList.Highlighted) -> None:
        event.stop()
        chosen = f": {region_label(str(event.item))}" if event.item else ": none matches, type less"
        self.query_one("#region-label", Static).update("Default AWS region for commands" + chosen)

    @on(FilterList.Chosen, ".region-list")
    def _region_chosen(self, event: FilterList.Chosen) -> None:
        event.stop()
        self.action_next()

    @on(OptionList.OptionSelected, ".output-list")
    def _output_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_next()

    def current_choice(self, *, overwrite: bool = False) -> ProfileChoice:
        region = self.query_one(".region-list", FilterList).highlighted
        option = self.query_one(".output-list", OptionList).highlighted_option
        return ProfileChoice(
            name=self.query_one("#profile-name", Input).value.strip(),
            region=region,
            output=option.id if option is not None else DEFAULT_OUTPUT,
            overwrite=overwrite,
        )

    def action_next(self) -> None:
        if self.loaded is None or self._asking or self._finished:
            return
        choice = self.current_choice()
        problem = self._problem(choice.name)
        if problem:
            self.present_error(problem)
            self.query_one("#profile-name", Input).focus()
            return
        if choice.name not in self.loaded.profile_names:
            self.finish(choice)
            return
        self._ask_overwrite(choice)

    def _ask_overwrite(self, choice: ProfileChoice) -> None:
        from screens.dialogs import ConfirmDialog

        self._asking = True
        state = self.state
        saved = state.profile
        state.profile = choice
        try:
            edits = state.edits()[:1]  # only the profile: show what replacing it changes
        finally:
            state.profile = saved

        def plan():
            return self.services.writer().plan(edits)

        def planned(write_plan) -> None:
            if self._finished:
                return
            if not write_plan.changed:
                self._asking = False
                self.notify(f"The profile “{choice.name}” already exists with exactly these settings: "
                            "nothing to replace.", markup=False)
                self.finish(choice)
                return
            diff = write_plan.diff
            dialog = ConfirmDialog(
                "Replace an existing profile?",
                f"Your config already has a profile named “{choice.name}”. Replacing it changes these lines:"
                + "".join(f"\n{note}" for note in write_plan.notes),
                yes="Replace it", no="Choose another name", diff=diff, yes_variant="warning",
            )
            self.app.push_screen(dialog, lambda yes: self._answered(choice, yes))

        def failed(error: BaseException) -> None:
            self._asking = False
            self.present_error(error, title="Cannot read the AWS config file", dialog=True)

        self.call_service(plan, group="plan", done=planned, failed=failed)

    def _answered(self, choice: ProfileChoice, replace: bool | None) -> None:
        self._asking = False
        if replace:
            self.finish(ProfileChoice(choice.name, choice.region, choice.output, overwrite=True))
            return
        assert self.loaded is not None
        name_input = self.query_one("#profile-name", Input)
        name_input.value = next_free_name(choice.name, self.loaded.profile_names)
        name_input.cursor_position = len(name_input.value)
        name_input.focus()
