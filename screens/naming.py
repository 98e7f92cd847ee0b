"""Step 6 with several roles ticked: a name template and, under it, every name that will be
written, updated on each keystroke (:func:`app.config.bulk.name_pairs` decides the names and
their clashes). Region and output apply to all of them."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from app.config.bulk import Naming
from app.config.naming import DEFAULT_PATTERN, PLACEHOLDERS
from app.settings import OUTPUT_FORMATS
from app.wizard_state import DEFAULT_OUTPUT, BulkChoice
from assets import asset_path
from screens.base import StepScreen
from screens.widgets.fast_table import Column, FastTable, Row
from screens.widgets.step import KeyValue, plural

COLUMNS = (
    Column("name", "Profile", min_width=12, max_width=48, shrink=0),
    Column("account", "Account", min_width=10, max_width=30, shrink=3),
    Column("role", "Role", min_width=8, max_width=24, shrink=2),
    Column("note", "Note", min_width=14, max_width=60, shrink=2),
)

PLACEHOLDER_HELP = " ".join("{" + name + "}" for name in PLACEHOLDERS) + " + :lower"


@dataclass(frozen=True)
class _Loaded:
    taken: dict  # profile name -> Profile
    existing: dict  # (account id, role) -> Profile of this sso-session


def preview_rows(naming) -> list[Row]:
    """The table rows of a :class:`~app.config.bulk.Naming`: the name, and on a clash the rule
    that resolved it (or why it cannot be written)."""
    rows = []
    for index, row in enumerate(naming.rows):
        pair = row.pair
        classes: dict[int, str] = {}
        if row.problem:
            note, classes = f"✗ {row.problem}", {0: "fast-table--bad", 3: "fast-table--bad"}
        elif row.rule:
            note, classes = "! id appended", {3: "fast-table--warn"}
        elif row.existing:
            note, classes = "has this profile: kept", {3: "fast-table--muted"}
        else:
            note = "new"
        rows.append(Row(str(index), (row.name, pair.account_name or pair.account_id, pair.role_name, note), classes))
    return rows


class NamingScreen(StepScreen):
    CSS_PATH = asset_path("naming.tcss")
    HEADLINE = "Name the profiles: one template for all of them."

    BINDINGS = [Binding("enter", "next", "Continue", id="wizard.next")]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.loaded: _Loaded | None = None
        self.naming: Naming | None = None
        self._fitted = False
        self._status_text = ""

    def compose_body(self) -> ComposeResult:
        state = self.state
        session = state.portal.session_name if state.portal else ""
        yield KeyValue([("Roles", f"{len(state.pairs)} ticked, for the sso-session {session}")], classes="hint")
        yield Static(PLACEHOLDER_HELP, markup=False, classes="field-help")
        with Horizontal(classes="naming-defaults"):
            yield Static("Names", markup=False, classes="field-label")
            yield Input(self._template(), id="template", classes="naming-template")
        with Horizontal(classes="naming-defaults"):
            yield Static("Region", markup=False, classes="field-label")
            yield Input(self._region(), id="region", max_length=20)
            yield Static("Output", markup=False, classes="field-label second")
            yield Input(self._output(), id="output", max_length=12)
        yield Static("", markup=False, classes="naming-status", id="naming-status")
        yield FastTable(COLUMNS, classes="naming-preview")

    def _template(self) -> str:
        if self.state.bulk is not None:
            return self.state.bulk.template
        preset = self.services.preset
        return (preset.name_pattern if preset and preset.name_pattern else None) or DEFAULT_PATTERN

    def _region(self) -> str:
        if self.state.bulk is not None:
            return self.state.bulk.region or ""
        preset = self.services.preset
        if preset is not None and preset.default_region:
            return preset.default_region
        return self.state.portal.sso_region if self.state.portal else ""

    def _output(self) -> str:
        if self.state.bulk is not None:
            return self.state.bulk.output or ""
        preset = self.services.preset
        return (preset.output if preset and preset.output else None) or DEFAULT_OUTPUT

    def on_mount(self) -> None:
        self.query_one("#template", Input).focus()

        def load() -> _Loaded:
            from app.config.bulk import existing_for_session

            config = self.services.load_config()
            session = self.state.portal.session_name if self.state.portal else ""
            return _Loaded(taken=dict(config.profiles), existing=existing_for_session(config, session))

        self.call_service(load, group="load", done=self._loaded)

    def _loaded(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        self.preview(self.query_one("#template", Input).value)

    # -- the live preview ---------------------------------------------------------------------------

    def preview(self, template: str) -> None:
        """Name every pair with ``template`` and show the result (called on each keystroke)."""
        from app.config.bulk import name_pairs

        if self.loaded is None:
            return
        portal = self.state.portal
        naming = name_pairs(self.state.pairs, template, taken=self.loaded.taken, existing=self.loaded.existing,
                            session=portal.session_name if portal else None)
        self.naming = naming
        table = self.query_one(FastTable)
        rows = preview_rows(naming)
        if not self._fitted:  # account and role columns do not change: measure them once
            table.fit_columns(rows)
            self._fitted = bool(rows)
        else:
            widths = list(table.natural_widths)
            for column in (0, 3):
                spec = COLUMNS[column]
                widest = max((len(row.cells[column]) for row in rows), default=0)
                widths[column] = min(max(spec.min_width, len(spec.label) + 2, widest), spec.max_width)
            table.set_widths(widths)
        table.set_rows(rows)
        self._status(naming)

    def _status(self, naming: Naming) -> None:
        if not naming.ok:
            text = f"✗ {naming.problem} Change the template to continue."
        else:
            new = sum(1 for row in naming.rows if not row.existing)
            text = plural(new, ("new profile", "new profiles"))
            kept = len(naming.rows) - new
            if kept:
                text += f", {kept} kept as they are"
            if naming.clashes:
                text += f"; {plural(naming.clashes, ('name was', 'names were'))} taken: the account id is appended (!)"
            text += "."
        if text == self._status_text:  # the same words: no relayout on this keystroke
            return
        self._status_text = text
        status = self.query_one("#naming-status", Static)
        status.set_class(not naming.ok, "field-error")
        status.update(text)

    @on(Input.Changed, "#template")
    def _template_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.preview(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    # -- continuing ---------------------------------------------------------------------------------

    def current_choice(self) -> BulkChoice:
        region = self.query_one("#region", Input).value.strip().lower()
        output = self.query_one("#output", Input).value.strip().lower()
        return BulkChoice(template=self.query_one("#template", Input).value, region=region or None,
                          output=output or None)

    def problem(self, choice: BulkChoice) -> tuple[str, str] | None:
        """(what is wrong, the field to fix) or None."""
        from app.signin.regions import check_profile_region

        if self.naming is None or not self.naming.ok:
            reason = self.naming.problem if self.naming is not None else "The names are not ready yet."
            return f"{reason} Change the template to continue.", "#template"
        if choice.region:
            reason = check_profile_region(choice.region)
            if reason:
                return reason, "#region"
        if choice.output and choice.output not in OUTPUT_FORMATS:
            return f"The output format must be one of {', '.join(OUTPUT_FORMATS)}.", "#output"
        return None

    def action_next(self) -> None:
        if self.loaded is None or self._finished:
            return
        choice = self.current_choice()
        problem = self.problem(choice)
        if problem is not None:
            message, field = problem
            self.present_error(message)
            self.query_one(field, Input).focus()
            return
        self.finish(choice)
