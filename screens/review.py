"""Step 7: review — the change to the AWS config file in words and lines (the exact diff one key
away) and where the backup goes; Enter writes (through the config writer: lock, re-read, re-apply,
verify, backup, atomic replace)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from app.paths import display_path
from assets import asset_path
from screens.base import StepScreen
from screens.dialogs.arming import ArmedKeys
from screens.widgets.diff_view import DiffView
from screens.widgets.step import KeyValue


class ReviewScreen(ArmedKeys, StepScreen):
    CSS_PATH = asset_path("finish.tcss")
    HEADLINE = "Check the change to your AWS config file, then press Enter to write it."

    BINDINGS = [Binding("enter", "write", "Write it", id="review.write")]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = None
        self.summary = ""  # the change in words: "adds 1 profile and 1 sign-in portal"
        self.writing = False
        self._critical_confirmed = False  # the person typed the name of a profile on a critical account

    def compose_body(self) -> ComposeResult:
        state = self.state
        pairs = []
        if state.many and state.bulk is not None:
            pairs.append(("Profiles", f"{len(state.pairs)} roles in {len({p.account_id for p in state.pairs})} accounts"))
            pairs.append(("Names", state.bulk.template))
            pairs.append(("Region", state.bulk.region or "(none)"))
            pairs.append(("Output", state.bulk.output or "(none)"))
        if state.profile is not None:
            pairs.append(("Profile", state.profile.name + ("  (replaces the existing one)" if state.profile.overwrite else "")))
        if state.account is not None:
            pairs.append(("Account", state.account.label))
        if state.role is not None:
            pairs.append(("Role", state.role))
        if state.profile is not None:
            pairs.append(("Region", state.profile.region or "(none)"))
            pairs.append(("Output", state.profile.output or "(none)"))
        if state.portal is not None:
            portal = state.portal
            pairs.append(("Portal", f"{portal.session_name} · {portal.start_url} · {portal.sso_region}"
                          + ("" if portal.existing else "  (new)")))
        yield KeyValue(pairs, classes="review-summary")
        yield Static("Working out the change…", markup=False, classes="note review-where")
        yield DiffView("")

    def on_mount(self) -> None:
        state = self.state
        edits = None if state.many else state.edits()

        def plan():
            from app.config.diff import describe_change

            if edits is None:  # many profiles: planned against the file as it is now
                bulk_plan, bulk_edits = state.plan_bulk(self.services.load_config())
                state.bulk_plan = bulk_plan
                write_plan = self.services.writer().plan(bulk_edits)
            else:
                write_plan = self.services.writer().plan(edits)
            return write_plan, describe_change(write_plan.old_text, write_plan.new_text)

        self.call_service(plan, group="plan", done=self._planned, failed=self._plan_failed)

    def _planned(self, planned) -> None:
        plan, self.summary = planned
        self.plan = plan
        where = self.query_one(".review-where", Static)
        path = display_path(plan.path)
        if not plan.changed:
            text = f"{path} already has exactly these settings: nothing to write. Press Enter to continue."
        elif plan.old_text:
            text = f"File: {path}   ·   A backup of the current file goes to {display_path(plan.backup_dir)}/"
        else:
            text = f"File: {path} (new; it will be created)"
        bulk_plan = self.state.bulk_plan if self.state.many else None
        if bulk_plan is not None:
            text += f"\nProfiles: {bulk_plan.summary()}."
        if plan.changed and plan.notes:
            text += "\n" + "\n".join(plan.notes)  # what the edit did beyond the profile itself
        where.update(text)
        diff_view = self.query_one(DiffView)
        diff_view.set_diff(plan.diff if plan.changed else "", summary=self.summary if plan.changed else "")
        diff_view.focus()
        self.refresh_bindings()
        self.arm_keys()  # Enter writes only once the change has been on screen a moment

    def guards_key(self, event) -> bool:
        return any(binding.action == "write" for binding in self._bindings.key_to_bindings.get(event.key, ()))

    def _plan_failed(self, error: BaseException) -> None:
        self.query_one(".review-where", Static).update("The change could not be worked out. Press Escape to go back.")
        self.present_error(error, title="Cannot prepare the change", dialog=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write":
            return None if (self.plan is None or self.writing) else True
        return super().check_action(action, parameters)

    def action_write(self) -> None:
        if self.plan is None or self.writing or self._finished:
            return
        plan = self.plan
        if not plan.changed:
            self.finish(None)
            return
        critical = self.state.needing_care()
        if critical and not self._critical_confirmed:
            self._ask_for_the_name(critical)
            return
        self._write(plan)

    def _ask_for_the_name(self, critical: list[tuple[str, str]]) -> None:
        from app.guard import CRITICAL_MARKER
        from screens.dialogs.typed import TypedConfirmDialog

        name, account = critical[0]
        others = f" (and {len(critical) - 1} more such profiles)" if len(critical) > 1 else ""
        question = (f"{CRITICAL_MARKER} {name}{others} can change {account}, an account your organisation marks "
                    f"critical, with a role that is not read-only. To write it, type its name: {name}")

        def answered(yes: bool | None) -> None:
            if yes:
                self._critical_confirmed = True
                self.action_write()

        self.app.push_screen(TypedConfirmDialog("A critical account", question, name), answered)

    def _write(self, plan) -> None:
        self.writing = True
        self.refresh_bindings()
        self.query_one(".review-where", Static).update("Writing…")
        state, settings = self.state, self.services.settings

        def write():
            result = self.services.writer().apply(plan)
            try:
                portal = state.portal
                if portal is not None:
                    settings.remember(start_url=portal.start_url, sso_region=portal.sso_region,
                                      session_name=portal.session_name, login_method=state.login_method)
            except Exception:  # remembering is a convenience; never fail the write over it
                pass
            return result

        self.call_service(write, group="write", done=self._written, failed=self._write_failed)

    def action_back(self) -> None:
        if self.writing:  # the write is under way: it finishes (or fails) in a moment
            self.notify("Writing the file; one moment.", markup=False)
            return
        super().action_back()

    def _written(self, result) -> None:
        self.writing = False
        if getattr(result, "reapplied", False):
            self.notify("Your config file changed while you were here; the new profile was added to the "
                        "current version.", markup=False, timeout=8)
        self.finish(result)

    def _write_failed(self, error: BaseException) -> None:
        self.writing = False
        self.refresh_bindings()
        self.query_one(".review-where", Static).update("Nothing was written. Press Enter to try again, or Escape to go back.")
        self.present_error(error, title="Could not write the AWS config file", dialog=True)
