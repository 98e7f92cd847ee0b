"""Property tests of whole write sequences: after any sequence of edits, every section the
edits do not target is byte-identical, and botocore's real loader reads exactly the values a
simple reference model of the edits predicts."""

from __future__ import annotations

import configparser
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from app.config.document import ConfigDocument, section_target
from app.config.edits import (
    DeleteProfile,
    EditError,
    RenameProfile,
    SetDefaultProfile,
    UpsertProfile,
    UpsertSsoSession,
    apply_edits,
)
from app.config.verify import _verify_whole
from app.config.writer import ConfigWriter
from helpers.config_strategies import valid_config_text
from tests.test_config_document import assert_same_as_botocore, botocore_read

EXAMPLES = int(os.environ.get("CONFIG_EXAMPLES", "60"))
NAMES = ["dev", "prod", "my prof", "default", "x", "new one", "Dev"]
SESSIONS = ["my-sso", "corp", "my sso"]


def read_defaults(text: str) -> dict:
    from botocore.configloader import _parse_nested

    parser = configparser.RawConfigParser()
    fd, name = tempfile.mkstemp()
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode())
        parser.read([name])
    finally:
        os.unlink(name)
    return {k: (_parse_nested(v) if v.startswith("\n") else v) for k, v in parser.defaults().items()}


class Model:
    """What botocore should read after the edits: the old profile map, edited as dicts."""

    def __init__(self, text: str):
        _, mapped, error = botocore_read(text)
        assert error is None
        self.profiles = {k: dict(v) for k, v in mapped["profiles"].items()}
        self.sessions = {k: dict(v) for k, v in mapped["sso_sessions"].items()}
        self.defaults = read_defaults(text)

    def _update(self, bucket: dict, name: str, items: dict, remove: tuple = ()) -> None:
        values = dict(bucket.get(name, self.defaults))
        for key in remove:
            if key in self.defaults:
                values[key] = self.defaults[key]
            else:
                values.pop(key, None)
        values.update(items)
        bucket[name] = values

    def apply(self, edit) -> None:
        if isinstance(edit, UpsertSsoSession):
            items = {"sso_start_url": edit.start_url, "sso_region": edit.region}
            if edit.registration_scopes:
                items["sso_registration_scopes"] = edit.registration_scopes
            self._update(self.sessions, edit.name, items, () if edit.registration_scopes else ("sso_registration_scopes",))
        elif isinstance(edit, UpsertProfile):
            items = {"sso_account_id": edit.account_id, "sso_role_name": edit.role_name}
            if edit.legacy:
                items.update(sso_start_url=edit.start_url, sso_region=edit.sso_region)
                remove = ("sso_session",)
            else:
                items["sso_session"] = edit.sso_session
                remove = ("sso_start_url", "sso_region")
            if edit.region:
                items["region"] = edit.region
            if edit.output:
                items["output"] = edit.output
            self._update(self.profiles, edit.name, items, remove)
        elif isinstance(edit, DeleteProfile):
            self.profiles.pop(edit.name, None)
        elif isinstance(edit, RenameProfile):
            self.profiles[edit.new] = self.profiles.pop(edit.old)
        elif isinstance(edit, SetDefaultProfile):
            self.profiles["default"] = dict(self.profiles[edit.source])

    def refusal_is_legitimate(self, edits) -> bool:
        """Whether botocore would reject an upserted profile, under the name it ends with after
        the batch's renames (so refusing it is right)."""
        upserted: set[str] = set()
        for edit in edits:
            if isinstance(edit, UpsertProfile):
                upserted.add(edit.name)
            elif isinstance(edit, RenameProfile) and edit.old in upserted:
                upserted.discard(edit.old)
                upserted.add(edit.new)
            elif isinstance(edit, DeleteProfile):
                upserted.discard(edit.name)
        for name in sorted(upserted):
            values = self.profiles.get(name, {})
            if "role_arn" in values:
                return True
            session = values.get("sso_session")
            resolved = dict(values)
            if session is not None:
                if session not in self.sessions:
                    return True
                for key, value in self.sessions[session].items():
                    if key in resolved and resolved[key] != value:
                        return True
                    resolved[key] = value
            if any(key not in resolved for key in ("sso_start_url", "sso_region", "sso_account_id", "sso_role_name")):
                return True
        return False


@st.composite
def edit_batches(draw, text: str):
    """Batches of edits that make sense for the file's current names."""
    profiles = set(botocore_read(text)[1]["profiles"])
    sessions = set(botocore_read(text)[1]["sso_sessions"])
    batches = []
    for _ in range(draw(st.integers(1, 3))):
        batch = []
        for _ in range(draw(st.integers(1, 3))):
            choice = draw(st.sampled_from(["session", "profile", "profile", "legacy", "delete", "rename", "default"]))
            if choice == "session" or (choice == "profile" and not sessions):
                name = draw(st.sampled_from(SESSIONS))
                scopes = draw(st.sampled_from(["sso:account:access", "sso:account:access, codewhisperer:completions", None]))
                batch.append(UpsertSsoSession(name, f"https://{name.replace(' ', '')}.awsapps.com/start",
                                              draw(st.sampled_from(["us-east-1", "eu-west-1"])), scopes))
                sessions.add(name)
            elif choice == "profile":
                name = draw(st.sampled_from(NAMES))
                batch.append(UpsertProfile(name, draw(st.sampled_from(["111111111111", "222222222222"])), "Dev",
                                           sso_session=draw(st.sampled_from(sorted(sessions))),
                                           region=draw(st.sampled_from([None, "eu-west-1"])),
                                           output=draw(st.sampled_from([None, "json"]))))
                profiles.add(name)
            elif choice == "legacy":
                name = draw(st.sampled_from(NAMES))
                batch.append(UpsertProfile(name, "333333333333", "Admin", legacy=True,
                                           start_url="https://legacy.awsapps.com/start", sso_region="us-east-1"))
                profiles.add(name)
            elif choice == "delete" and profiles:
                name = draw(st.sampled_from(sorted(profiles)))
                batch.append(DeleteProfile(name))
                profiles.discard(name)
            elif choice == "rename" and profiles:
                old = draw(st.sampled_from(sorted(profiles)))
                new = draw(st.sampled_from([n for n in NAMES + ["renamed"] if n not in profiles] or ["renamed2"]))
                batch.append(RenameProfile(old, new))
                profiles.discard(old)
                profiles.add(new)
            elif choice == "default" and profiles:
                source = draw(st.sampled_from(sorted(profiles)))
                batch.append(SetDefaultProfile(source))
                profiles.add("default")
        batches.append(batch)
    return batches


def touched_names(edits) -> set:
    names = set()
    for edit in edits:
        if isinstance(edit, UpsertSsoSession):
            names.add(("sso-session", edit.name))
        elif isinstance(edit, (UpsertProfile, DeleteProfile)):
            names.add(("profile", edit.name))
        elif isinstance(edit, RenameProfile):
            names |= {("profile", edit.old), ("profile", edit.new)}
        elif isinstance(edit, SetDefaultProfile):
            names.add(("profile", "default"))
    return names


def untouched_sections(text: str, names: set) -> list[str]:
    doc = ConfigDocument.parse(text)
    out = []
    for index, header in enumerate(doc.headers):
        if section_target(header) in names:
            continue
        start, stop = doc.starts[index], doc.section_end(index)
        out.append("".join(doc.lines[start:stop]))
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_edit_sequences_keep_untouched_sections_and_botocore_reads_the_model(tmp_path_factory, data):
    text = data.draw(valid_config_text())
    assume(not text.startswith("\ufeff"))
    path = Path(tmp_path_factory.mktemp("prop")) / "config"
    path.write_bytes(text.encode())
    batches = data.draw(edit_batches(text))
    writer = ConfigWriter(path)
    model = Model(text)
    for batch in batches:
        before = path.read_bytes().decode()
        try:
            plan = writer.plan(batch)
        except EditError:
            trial = Model(before)
            for edit in batch:
                trial.apply(edit)
            assert trial.refusal_is_legitimate(batch), f"refused a valid batch: {batch}"
            break  # later batches were drawn assuming this one happened
        # The complete check (whole new file through botocore) agrees with the section-wise one.
        outcome = apply_edits(ConfigDocument.parse(before), batch)
        _verify_whole(outcome, outcome.render())
        writer.apply(plan)
        after = path.read_bytes().decode()
        assert after == plan.new_text
        for edit in batch:
            model.apply(edit)
        # Untouched sections are byte-identical and in order.
        cursor = 0
        for section in untouched_sections(before, touched_names(batch)):
            found = after.find(section, cursor)
            assert found >= 0, f"an untouched section changed: {section!r}"
            cursor = found + len(section)
        # botocore reads exactly what the model says, for every profile and sso-session.
        _, mapped, error = botocore_read(after)
        assert error is None
        assert mapped["profiles"] == model.profiles
        assert mapped["sso_sessions"] == model.sessions
        assert_same_as_botocore(after)
