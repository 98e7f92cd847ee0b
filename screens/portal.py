"""Step 2: the sign-in portal — an existing sso-session from the config, or a new one
(start URL, session name, SSO region). A preset or the last run pre-fills the form.

The SSO region comes from the URL when an AWS portal host names it. A vanity URL (a host AWS does
not own, such as ``https://sso.example.com``) is looked up once typing pauses, or on Enter: one
HEAD request in a thread, as ``aws sso login`` does, and the region of the portal it leads to is
pre-selected. When that fails, the reason is shown and the list is there to choose from."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from app.config.model import DEFAULT_SCOPES, SsoSession
from app.config.naming import next_free_name
from app.signin.regions import region_label, region_search_fields
from app.signin.start_url import ResolvedStartUrl
from app.wizard_state import DEFAULT_SSO_REGION, PortalChoice
from assets import asset_path
from screens.base import StepScreen
from screens.dialogs.errors import describe_error
from screens.widgets.filter_list import FilterList

NEW = "__new__"
EXAMPLE_URL = "https://your-organisation.awsapps.com/start"
LOOKUP_DELAY = 0.6  # seconds of no typing before a vanity URL is looked up
REGION_HELP = "Where IAM Identity Center runs for your organisation."


@dataclass(frozen=True)
class _Loaded:
    sessions: list[SsoSession]
    regions: list[str]


class PortalScreen(StepScreen):
    CSS_PATH = asset_path("portal.tcss")
    HEADLINE = "Which AWS access portal does your organisation use?"

    BINDINGS = [Binding("enter", "next", "Continue", id="wizard.next")]
    TYPEAHEAD = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: dict[str, SsoSession] = {}
        self.regions: list[str] = []
        self._name_touched = False
        self._suggested_name = ""
        self._region_from_url: str | None = None
        self.loaded = False
        # vanity URL look-ups: URL -> ResolvedStartUrl or the error; the one running; Enter waiting
        self.lookups: dict[str, ResolvedStartUrl | BaseException] = {}
        self._looking_up: str | None = None
        self._lookup_timer: Timer | None = None
        self._continue_after_lookup = False

    # -- layout --------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", markup=False, classes="hint portal-hint")
        yield OptionList(markup=False, classes="session-list")
        with Vertical(classes="new-portal -hidden"):
            yield Static("AWS access portal URL", markup=False, classes="field-label")
            yield Static("The address of the page where you pick an AWS account — your IT team sends it. "
                         "It usually ends in .awsapps.com/start.", markup=False, classes="field-help")
            yield Input(placeholder=EXAMPLE_URL, id="start-url")
            yield Static("", markup=False, classes="field-error", id="url-error")
            with Horizontal(classes="row"):
                with Vertical(classes="name-column"):
                    yield Static("Name for this portal in your config", markup=False, classes="field-label")
                    yield Static("A short name; profiles refer to it (sso_session).", markup=False,
                                 classes="field-help")
                    yield Input(placeholder="my-organisation", id="session-name")
                    yield Static("", markup=False, classes="field-error", id="name-error")
                with Vertical(classes="region-column"):
                    yield Static("SSO region", markup=False, classes="field-label", id="region-label")
                    yield Static(REGION_HELP, markup=False, classes="field-help", id="region-help")
                    yield FilterList(label=region_label, search_text=region_search_fields, noun=("region", "regions"),
                                     placeholder="Type a code or a place (london)", classes="region-list")

    def on_mount(self) -> None:
        self.query_one(".session-list", OptionList).display = False

        def load() -> _Loaded:
            from app.signin.regions import region_names, sso_regions

            region_names()  # read here, not on the UI thread

            config = self.services.load_config()
            return _Loaded(sessions=list(config.sso_sessions.values()), regions=sso_regions())

        self.call_service(load, group="load", done=self._loaded)

    # -- filling in ------------------------------------------------------------------------------

    def _prefill(self) -> tuple[str, str, str | None]:
        """(start URL, session name, region) to pre-fill: this run, then the preset, then the last run."""
        portal, preset, last = self.state.portal, self.services.preset, self.services.settings.last
        if portal is not None:
            return portal.start_url, portal.session_name, portal.sso_region
        if preset is not None and preset.start_url:
            return preset.start_url, preset.session_name or "", preset.sso_region
        return last.start_url or "", last.session_name or "", last.sso_region

    def _loaded(self, loaded: _Loaded) -> None:
        self.loaded = True
        self.sessions = {session.name: session for session in loaded.sessions}
        self.regions = loaded.regions
        url, name, region = self._prefill()
        if self.typeahead and not self.sessions:
            url = name = ""  # typed before the form appeared: that is the URL

        region_list = self.query_one(".region-list", FilterList)
        region_list.set_items(self.regions, highlight=region if region in self.regions else DEFAULT_SSO_REGION)
        url_input = self.query_one("#start-url", Input)
        url_input.value = url
        if name:
            self._set_name(name)
            self._name_touched = True
            self._suggested_name = ""
        elif url:
            self._suggest_name(url)

        hint = self.query_one(".portal-hint", Static)
        session_list = self.query_one(".session-list", OptionList)
        if self.sessions:
            options = []
            for session in self.sessions.values():
                options.append(Option(f"{session.name}  ·  {session.start_url or '(no start URL)'}  ·  "
                                      f"{session.region or '(no region)'}", id=session.name))
            options.append(Option("A different portal (enter its URL)…", id=NEW))
            session_list.set_options(options)
            session_list.display = True
            hint.update("Pick the portal you already use, or add another. Enter continues.")
            preferred = self.state.portal.session_name if self.state.portal else None
            if preferred is None and self.services.preset is not None:
                preferred = self._session_matching(self.services.preset.start_url)
            if preferred is None and self.services.settings.last.session_name in self.sessions:
                preferred = self.services.settings.last.session_name
            if self.state.portal is not None and not self.state.portal.existing:
                preferred = NEW
            index = 0
            ids = [option.id for option in options]
            if preferred in ids:
                index = ids.index(preferred)
            session_list.highlighted = index
            if preferred == NEW:
                self._show_form(focus=True)
            else:
                session_list.focus()
        else:
            hint.update("Enter the address your organisation gave you. Tab moves between fields; "
                        "Enter continues.")
            self._show_form(focus=True)
        self._update_url_feedback(url_input.value)

    def _session_matching(self, start_url: str | None) -> str | None:
        if not start_url:
            return None
        from app.signin.start_url import same_start_url

        for session in self.sessions.values():
            if same_start_url(session.start_url, start_url):
                return session.name
        return None

    def _show_form(self, *, focus: bool) -> None:
        form = self.query_one(".new-portal")
        form.remove_class("-hidden")
        if focus:
            url_input = self.query_one("#start-url", Input)
            url_input.focus()
            url_input.cursor_position = len(url_input.value)

    def _start_new_portal(self) -> None:
        """"A different portal": the form, without the start URL or name of a portal already in the
        config (pre-filled from the last run or the preset), so the name follows the new URL."""
        url_input = self.query_one("#start-url", Input)
        if self._session_matching(url_input.value):
            url_input.value = ""
        if self.query_one("#session-name", Input).value.strip() in self.sessions:
            self._name_touched = False
            self._suggest_name(url_input.value)
        self._show_form(focus=True)

    def _set_name(self, name: str) -> None:
        self._suggested_name = name
        self.query_one("#session-name", Input).value = name

    def _suggest_name(self, url: str) -> None:
        from app.signin.start_url import suggest_session_name

        if self._name_touched:
            return
        suggestion = suggest_session_name(url) if url.strip() else ""
        existing = self.sessions.get(suggestion)
        if existing is not None and not self._same_url(existing, url):
            suggestion = next_free_name(suggestion, self.sessions)
        self._set_name(suggestion)

    @staticmethod
    def _same_url(session, url: str) -> bool:
        from app.signin.start_url import same_start_url

        return bool(session.start_url) and same_start_url(session.start_url, url)

    @on(Input.Changed, "#start-url")
    def _url_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self.loaded:
            return
        self._continue_after_lookup = False  # Enter was for the URL as it was
        self._suggest_name(event.value)
        self._update_url_feedback(event.value)

    @on(Input.Changed, "#session-name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        value = event.value.strip()
        # Typed by the person (not our own suggestion): stop suggesting; emptied: suggest again.
        self._name_touched = bool(value) and value != self._suggested_name
        self.query_one("#name-error", Static).update("")

    def _update_url_feedback(self, url: str) -> None:
        from app.signin.start_url import check_start_url, complete_start_url, region_from_start_url

        url = complete_start_url(url)  # typed without https://: judged (and used) with it
        error = self.query_one("#url-error", Static)
        help_line = self.query_one("#region-help", Static)
        if url.strip():
            reason = check_start_url(url)
            error.update(reason or "")
        else:
            error.update("")
        region = region_from_start_url(url) if url.strip() else None
        self._region_from_url = None
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
            self._lookup_timer = None
        if region and region in self.regions:
            self._use_region(region, f"{region} comes from the URL.")
        elif self._is_vanity(url):
            known = self.lookups.get(url)
            if known is not None:
                self._show_lookup(url, known)
            else:
                help_line.update("Looking up the region of the portal this address leads to…")
                self._lookup_timer = self.set_timer(LOOKUP_DELAY, lambda: self._look_up(url))
        else:
            help_line.update(REGION_HELP)

    def _use_region(self, region: str, why: str) -> None:
        self._region_from_url = region
        self.query_one(".region-list", FilterList).highlight_item(region)
        self.query_one("#region-help", Static).update(why)

    # -- vanity URLs -------------------------------------------------------------------------------

    @staticmethod
    def _is_vanity(url: str) -> bool:
        """A usable start URL on a host AWS does not own: its region needs a look-up."""
        from app.signin.start_url import check_start_url, is_aws_owned_host

        if not url.strip() or check_start_url(url):
            return False
        return not is_aws_owned_host(urlsplit(url).hostname or "")

    def _look_up(self, url: str) -> None:
        """Resolve ``url`` in a thread (one HEAD; no-op when done or running for it)."""
        self._lookup_timer = None
        if url in self.lookups or self._looking_up == url:
            return
        from app.signin.start_url import resolve_start_url

        self._looking_up = url
        self.call_service(lambda: resolve_start_url(url), group="lookup",
                          done=lambda resolved: self._looked_up(url, resolved),
                          failed=lambda error: self._looked_up(url, error))

    def _looked_up(self, url: str, result: ResolvedStartUrl | BaseException) -> None:
        if self._looking_up == url:
            self._looking_up = None
        self.lookups[url] = result
        if self.query_one("#start-url", Input).value != url:
            return  # typed on meanwhile: that URL gets its own look-up
        self._show_lookup(url, result)
        if self._continue_after_lookup:
            self._continue_after_lookup = False
            if not isinstance(result, BaseException):
                self.action_next()

    def _show_lookup(self, url: str, result: ResolvedStartUrl | BaseException) -> None:
        help_line = self.query_one("#region-help", Static)
        if isinstance(result, BaseException):
            self.query_one("#url-error", Static).update(
                f"Could not find the portal's region from this address. {describe_error(result)}")
            help_line.update("Choose it from the list.")
            return
        host = urlsplit(result.resolved_url).hostname or result.resolved_url
        if result.region and result.region in self.regions:
            self._use_region(result.region, f"From the portal this address leads to: {host}")
        else:
            help_line.update(f"This address leads to {host}, which does not name its region: "
                             "choose it from the list.")

    # -- continuing ------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, ".session-list")
    def _session_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == NEW:
            self._start_new_portal()
            return
        self._choose_existing(event.option.id)

    def _choose_existing(self, name: str | None) -> None:
        session = self.sessions.get(name or "")
        if session is None:
            return
        if not session.start_url or not session.region:
            self.present_error(f"The portal “{session.name}” in your config has no "
                              f"{'start URL' if not session.start_url else 'SSO region'}. "
                              "Add a different portal, or fix the config file.")
            return
        self.finish(PortalChoice(session_name=session.name, start_url=session.start_url,
                                 sso_region=session.region, scopes=session.registration_scopes, existing=True))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    @on(FilterList.Highlighted, ".region-list")
    def _region_highlighted(self, event: FilterList.Highlighted) -> None:
        event.stop()
        chosen = f": {region_label(str(event.item))}" if event.item else ": none matches, type less"
        self.query_one("#region-label", Static).update("SSO region" + chosen)

    @on(FilterList.Chosen, ".region-list")
    def _region_chosen(self, event: FilterList.Chosen) -> None:
        event.stop()
        self.action_next()

    def action_next(self) -> None:
        if not self.loaded:
            return
        session_list = self.query_one(".session-list", OptionList)
        if session_list.display and session_list.has_focus:
            option = session_list.highlighted_option
            if option is not None and option.id != NEW:
                self._choose_existing(option.id)
                return
            self._start_new_portal()
            return
        from app.signin.start_url import complete_start_url

        url_input = self.query_one("#start-url", Input)
        url = complete_start_url(url_input.value)
        if url != url_input.value:
            url_input.value = url  # what will be written, https:// included
        if self._is_vanity(url) and url not in self.lookups:
            # Enter before the look-up finished: finish it first, then go on (if it found the region)
            self._continue_after_lookup = True
            self._look_up(url)
            return
        choice = self.validate_form()
        if choice is not None:
            self.finish(choice)

    def validate_form(self) -> PortalChoice | None:
        from app.config.edits import validate_session_name
        from app.signin.regions import check_region
        from app.signin.start_url import check_start_url, same_start_url

        url_input = self.query_one("#start-url", Input)
        name_input = self.query_one("#session-name", Input)
        url = url_input.value.strip()
        reason = check_start_url(url)
        if reason:
            self.query_one("#url-error", Static).update(reason)
            url_input.focus()
            return None
        name = name_input.value.strip()
        reason = validate_session_name(name) if name else "Give this portal a short name, for example my-org."
        if not reason and name in self.sessions:
            existing = self.sessions[name]
            region_item = self.query_one(".region-list", FilterList).highlighted
            if existing.region and same_start_url(existing.start_url, url) and region_item in (None, existing.region):
                return PortalChoice(session_name=name, start_url=url, sso_region=existing.region,
                                    scopes=existing.registration_scopes, existing=True)
            reason = (f"Your config already has a portal named “{name}” ({existing.start_url}). "
                      "Choose another name, or pick it from the list above.")
        if reason:
            self.query_one("#name-error", Static).update(reason)
            name_input.focus()
            return None
        region = self.query_one(".region-list", FilterList).highlighted
        reason = check_region(region) if region else "Choose the SSO region from the list."
        if reason or not region:
            self.present_error(reason or "Choose the SSO region from the list.")
            self.query_one(".region-list", FilterList).filter_input.focus()
            return None
        scopes = (self.services.preset.registration_scopes if self.services.preset else None) or DEFAULT_SCOPES
        return PortalChoice(session_name=name, start_url=url, sso_region=region, scopes=scopes, existing=False)
