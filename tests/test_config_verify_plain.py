"""The check before a write reads plain sections one per shape: the token rule it rests on
holds in botocore itself, and the check still catches any plain section whose text says
something other than what was intended."""

from __future__ import annotations

import random

import pytest

import app.config.verify as verify_module
from app.config.document import ConfigDocument
from app.config.edits import UpsertProfile, UpsertSsoSession, apply_edits
from app.config.model import GENERATED_KEY
from app.config.verify import VerificationError, _plain_values, botocore_read, verify

TOKEN_CHARACTERS = "abcXYZ019_.,:/@+=-"
KEYS = ["sso_session", "sso_account_id", "sso_role_name", "region", "output", GENERATED_KEY, "a1", "z_"]


def random_token(rng: random.Random) -> str:
    return "".join(rng.choice(TOKEN_CHARACTERS) for _ in range(rng.randint(1, 12)))


def test_botocore_reads_every_plain_section_as_its_text_says():
    rng = random.Random(20261203)
    sections, expected = [], {}
    for index in range(3_000):
        kind = rng.choice(["profile", "sso-session"])
        name = f"{random_token(rng)}{index}"
        keys = rng.sample(KEYS, rng.randint(1, len(KEYS)))
        values = {key: random_token(rng) for key in keys}
        newline = rng.choice(["\n", "\r\n"])
        text = f"[{kind} {name}]{newline}" + "".join(f"{k} = {v}{newline}" for k, v in values.items())
        text += newline * rng.randint(0, 2)
        target = ("profile" if kind == "profile" else "sso-session", name)
        assert _plain_values([text], target) == values, text
        sections.append(text)
        expected[(kind, name)] = values
    read = botocore_read("".join(sections))
    for (kind, name), values in expected.items():
        bucket = read["profiles"] if kind == "profile" else read["sso_sessions"]
        assert bucket[name] == values
        assert read["__raw__"][f"{kind} {name}"] == values


@pytest.mark.parametrize(
    "text",
    [
        "[profile a b]\nregion = x\n",  # a space in the name: shlex quoting
        "[profile 'a']\nregion = x\n",
        "[profile a]\nregion = a b\n",  # a space in a value
        "[profile a]\nregion = x#y\n",
        "[profile a]\nregion = x;y\n",
        "[profile a]\nregion = x\n  more\n",  # a continuation line
        "[profile a]\nRegion = x\n",  # configparser lowers keys
        "[profile a]\nregion = x\nregion = y\n",  # configparser refuses the file
        "[profile a]\nregion=x\n",
        "[profile a]\n region = x\n",
        "[profile a]\nregion = x\n# a comment\n",
        "[profile a]\nregion = \n",
        "[default]\nregion = x\n",
        "[services a]\nregion = x\n",
        "[profile a]\n",
    ],
)
def test_anything_else_is_not_plain_and_goes_to_botocore_whole(text):
    assert _plain_values([text], ("profile", "a")) is None


def profiles(count: int, session: str = "org") -> list[UpsertProfile]:
    return [
        UpsertProfile(f"acct{i}-Developer", f"{100000000000 + i}", "Developer", sso_session=session,
                      region="eu-west-2", output="json", generated_from=session)
        for i in range(count)
    ]


EXISTING = "[sso-session org]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n"


def planned(edits, text: str = EXISTING):
    outcome = apply_edits(ConfigDocument.parse(text), edits)
    return outcome, outcome.render()


class SectionCounts(list):
    """How many sections each botocore read was given; ``headers``: the headers it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []


@pytest.fixture
def sections_read_by_botocore(monkeypatch):
    """How many sections each botocore read in the check was given (the real read, counted)."""
    counts = SectionCounts()

    def counting(text: str) -> dict:
        headers = [line for line in text.splitlines() if line.startswith("[")]
        counts.append(len(headers))
        counts.headers.extend(headers)
        return botocore_read(text)

    monkeypatch.setattr(verify_module, "botocore_read", counting)
    return counts


def test_thousands_of_plain_profiles_cost_botocore_one_section(sections_read_by_botocore):
    outcome, text = planned(profiles(2_500))
    verify(outcome, text)
    assert sections_read_by_botocore == [1]


def test_a_plain_profile_whose_text_differs_from_the_intent_is_caught(sections_read_by_botocore):
    outcome, _ = planned(profiles(50))
    block = outcome.appended[30]  # far from the one botocore reads for the shape
    at = next(i for i, line in enumerate(block.lines) if line.startswith("sso_account_id"))
    block.lines[at] = "sso_account_id = 999999999999\n"
    with pytest.raises(VerificationError, match="acct30-Developer: sso_account_id would differ"):
        verify(outcome, outcome.render())


def test_a_plain_profile_with_a_misspelt_key_is_read_by_botocore_as_a_shape_of_its_own(sections_read_by_botocore):
    outcome, _ = planned(profiles(50))
    block = outcome.appended[30]
    at = next(i for i, line in enumerate(block.lines) if line.startswith("sso_role_name"))
    block.lines[at] = "sso_rolename = Developer\n"
    with pytest.raises(VerificationError, match="acct30-Developer"):
        verify(outcome, outcome.render())
    assert sections_read_by_botocore == [2]


def test_a_key_written_twice_is_refused_as_botocore_would_refuse_it(sections_read_by_botocore):
    outcome, _ = planned(profiles(50))
    block = outcome.appended[30]
    block.lines.insert(2, block.lines[2])
    with pytest.raises(VerificationError, match="appears twice"):
        verify(outcome, outcome.render())


def test_inherited_default_values_are_counted_as_botocore_counts_them(sections_read_by_botocore):
    text = "[DEFAULT]\ncli_pager = less\n\n" + EXISTING
    outcome, new_text = planned(profiles(40), text)
    verify(outcome, new_text)
    block = outcome.appended[20]
    block.lines.append("cli_pager = more\n")  # shadows the inherited value: no longer what was intended
    with pytest.raises(VerificationError, match="acct20-Developer: cli_pager would differ"):
        verify(outcome, outcome.render())


def test_a_profile_botocore_reads_from_two_sections_is_consolidated_and_read_by_botocore(
    sections_read_by_botocore,
):
    text = EXISTING + "\n[profile acct1-Developer]\nsso_session = org\nsso_account_id = 1\nsso_role_name = R\n"
    text += "\n[profiles acct1-Developer]\nregion = x\n"  # botocore maps this to the same profile
    outcome, new_text = planned([UpsertSsoSession("org", "https://d-1.awsapps.com/start", "us-east-1"),
                                 *profiles(3)], text)
    verify(outcome, new_text)
    assert sections_read_by_botocore[0] >= 3  # the session, the first new profile and the consolidated one
    assert "[profiles acct1-Developer]" in sections_read_by_botocore.headers  # the one botocore uses, edited


def test_two_changed_sections_botocore_maps_to_one_profile_are_read_whole(sections_read_by_botocore):
    outcome, _ = planned(profiles(50))
    block = outcome.appended[30]
    block.lines[block.header_index()] = "[profiles acct20-Developer]\n"  # botocore: the same profile as acct20's
    with pytest.raises(VerificationError):
        verify(outcome, outcome.render())
    assert max(sections_read_by_botocore) > 50  # the whole new file


def test_a_profile_updated_in_place_is_checked_like_a_new_one(sections_read_by_botocore):
    text = EXISTING + "".join(
        f"\n[profile acct{i}-Developer]\nsso_session = org\nsso_account_id = {100000000000 + i}\n"
        f"sso_role_name = Developer\nregion = eu-west-1\noutput = json\n{GENERATED_KEY} = org\n" for i in range(3))
    outcome, new_text = planned(profiles(3), text)  # each one's region changes in place
    verify(outcome, new_text)
    assert sections_read_by_botocore == [1]
    block = next(b for b in outcome.blocks.values() if b.changed and "[profile acct2-Developer]\n" in b.lines)
    at = next(i for i, line in enumerate(block.lines) if line.startswith("sso_account_id"))
    block.lines[at] = "sso_account_id = 999999999999\n"
    with pytest.raises(VerificationError, match="acct2-Developer: sso_account_id would differ"):
        verify(outcome, outcome.render())
