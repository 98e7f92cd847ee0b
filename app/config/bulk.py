"""Many profiles of one sso-session at once: which (account, role) pairs, their names, and the plan.

The wizard's multi-select and ``populate`` both go through here, then through the one config
writer. A pair that already has a profile of this sso-session keeps that profile (and its name);
new profiles carry the marker key (:data:`~app.config.model.GENERATED_KEY`) and nothing else is
ever given it. Names come from a template (:mod:`app.config.naming`); a name that clashes with
an existing profile or with another new name gets the account id appended (then ``-2``, ``-3``),
and a clash that rule cannot tell apart (two roles of one account given one name) stops the plan
until the template changes. Pruning removes only profiles that carry this sso-session's marker.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from app.config.edits import DeleteProfile, UpsertProfile, validate_profile_name
from app.config.naming import SAFE, check_pattern, name_maker, sanitise
from app.errors import WizardError

if TYPE_CHECKING:
    from app.config.model import AwsConfig, Profile

ADD, UPDATE, KEEP, REMOVE = "add", "update", "keep", "remove"
ACTIONS = (ADD, UPDATE, KEEP, REMOVE)

APPEND_ID = "the account id appended"


class BulkError(WizardError):
    """The bulk request cannot be planned as asked (a pattern matching nothing, a bad template...)."""


@dataclass(frozen=True)
class Pair:
    """One (account, role) the sign-in can use."""

    account_id: str
    role_name: str
    account_name: str | None = None
    email: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.account_id, self.role_name)

    @classmethod
    def of(cls, account, role: str) -> "Pair":
        """From an :class:`app.signin.portal.Account` and a role name."""
        return cls(account.account_id, role, getattr(account, "account_name", None), getattr(account, "email", None))


def all_pairs(accounts: Iterable, roles: Mapping[str, Sequence[str]]) -> list[Pair]:
    """Every (account, role) pair, accounts in their order, roles in theirs."""
    return [Pair.of(account, role) for account in accounts for role in roles.get(account.account_id, ())]


# --- choosing pairs by pattern ----------------------------------------------------------------------


def _matches(patterns: Sequence[str], *values: str | None) -> bool:
    return any(fnmatch.fnmatchcase(value.lower(), pattern.lower()) for pattern in patterns for value in values if value)


def select_pairs(pairs: Sequence[Pair], *, accounts: Sequence[str] = (), roles: Sequence[str] = ()) -> list[Pair]:
    """The pairs whose account id or name matches one of ``accounts`` and whose role name matches
    one of ``roles`` (case-insensitive globs; none given: all). A pattern that matches nothing is
    an error that names it."""
    for pattern in accounts:
        if not any(_matches([pattern], p.account_id, p.account_name) for p in pairs):
            raise BulkError(f"--account {pattern} matches none of your {len({p.account_id for p in pairs})} accounts.",
                            hint="Patterns match an account id or name, * and ? as wildcards (e.g. 'prod-*').")
    for pattern in roles:
        if not any(_matches([pattern], p.role_name) for p in pairs):
            names = sorted({p.role_name for p in pairs}, key=str.lower)
            raise BulkError(f"--role {pattern} matches none of your roles ({', '.join(names[:8]) or 'none'}).",
                            hint="Check the role name (* and ? are wildcards). A permission set assigned just now "
                                 "can take a few minutes to appear.")
    return [p for p in pairs
            if (not accounts or _matches(accounts, p.account_id, p.account_name))
            and (not roles or _matches(roles, p.role_name))]


# --- naming --------------------------------------------------------------------------------------


def existing_for_session(config: "AwsConfig", session: str) -> dict[tuple[str, str], "Profile"]:
    """(account id, role) -> the profile of ``session`` for it (a generated one first, else the first)."""
    found: dict[tuple[str, str], Profile] = {}
    for profile in config.profiles.values():
        if profile.sso_session != session or not profile.account_id or not profile.role_name:
            continue
        key = (profile.account_id, profile.role_name)
        if key not in found or (profile.generated_from == session and found[key].generated_from != session):
            found[key] = profile
    return found


@dataclass(frozen=True)
class NameRow:
    """One pair's name in the naming step's preview."""

    pair: Pair
    name: str
    proposed: str  # what the template gave
    existing: bool = False  # the pair already has this profile (kept, never renamed)
    clash: str = ""  # why the proposed name could not be used ("" none)
    rule: str = ""  # how the clash was resolved ("" when it was not)
    problem: str = ""  # the name cannot be written (the step refuses to continue)


@dataclass(frozen=True)
class Naming:
    rows: tuple[NameRow, ...]
    problem: str | None = None  # a reason the names cannot be used as they are

    @property
    def clashes(self) -> int:
        return sum(1 for row in self.rows if row.clash)

    @property
    def ok(self) -> bool:
        return self.problem is None


def name_pairs(pairs: Sequence[Pair], template: str, *, taken: Mapping[str, object],
               existing: Mapping[tuple[str, str], "Profile"] | None = None, session: str | None = None) -> Naming:
    """The name each pair gets with ``template``: an existing profile of the pair keeps its own,
    the rest are made from the template; clashes are resolved or reported (see the module)."""
    reason = check_pattern(template)
    if reason:
        return Naming((), f"The template cannot be used: {reason}.")
    existing = existing or {}
    make = name_maker(template, session=session)
    proposed: list[str] = [existing[p.key].name if p.key in existing else make(p, p.role_name) for p in pairs]
    counts: dict[str, int] = {}
    for pair, name in zip(pairs, proposed):
        if pair.key not in existing:
            counts[name] = counts.get(name, 0) + 1
    per_account: dict[tuple[str, str], int] = {}
    for pair, name in zip(pairs, proposed):
        if pair.key not in existing:
            per_account[(name, pair.account_id)] = per_account.get((name, pair.account_id), 0) + 1
    used = set(taken)
    rows: list[NameRow] = []
    problem: str | None = None
    for pair, name in zip(pairs, proposed):
        if pair.key in existing:
            rows.append(NameRow(pair, name, name, existing=True))
            continue
        clash = ""
        if name in taken:
            clash = f"a profile {name} already exists"
        elif counts[name] > 1:
            clash = f"{counts[name]} new profiles would be named {name}"
        if not clash:
            used.add(name)
            rows.append(NameRow(pair, name, name))
            continue
        if per_account[(name, pair.account_id)] > 1:
            row_problem = f"roles of account {pair.account_id} would share the name {name}; put {{role_name}} in the template"
            problem = problem or f"Names clash: {row_problem}."
            rows.append(NameRow(pair, name, name, clash=clash, problem=row_problem))
            continue
        candidate = sanitise(f"{name}-{pair.account_id}")
        if candidate in used:
            base, n = candidate, 2
            while f"{base}-{n}" in used:
                n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        rows.append(NameRow(pair, candidate, name, clash=clash, rule=APPEND_ID))
    for index, row in enumerate(rows):
        if not row.existing and not row.problem and not SAFE.fullmatch(row.name):
            bad = validate_profile_name(row.name)
            if bad:
                rows[index] = NameRow(row.pair, row.name, row.proposed, clash=row.clash, rule=row.rule, problem=bad)
                problem = problem or f"The name {row.name} cannot be used: {bad}"
    return Naming(tuple(rows), problem)


# --- the plan ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One profile in the plan."""

    name: str
    account_id: str
    account_name: str | None
    role_name: str
    action: str  # add | update | keep | remove
    note: str = ""

    def as_json(self) -> dict:
        return {"name": self.name, "account_id": self.account_id, "account_name": self.account_name,
                "role_name": self.role_name, "action": self.action}


@dataclass(frozen=True)
class BulkPlan:
    session: str
    items: tuple[Planned, ...]
    region: str | None = None
    output: str | None = None
    notes: tuple[str, ...] = field(default=())

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    def summary(self) -> str:
        """``2 to add, 1 to update, 9 kept, 1 to remove``."""
        parts = [f"{self.count(ADD)} to add", f"{self.count(UPDATE)} to update", f"{self.count(KEEP)} kept"]
        if self.count(REMOVE):
            parts.append(f"{self.count(REMOVE)} to remove")
        return ", ".join(parts)


def plan_profiles(config: "AwsConfig", session: str, naming: Naming, *, region: str | None = None,
                  output: str | None = None, assigned: Iterable[tuple[str, str]] | None = None) -> BulkPlan:
    """What happens to each named pair (and, given ``assigned``, the pairs the sign-in can still
    use, which generated profiles of ``session`` are removed)."""
    if naming.problem:
        raise BulkError(naming.problem, hint="Change the template (--name-pattern), e.g. {account_name}-{role_name}.")
    items: list[Planned] = []
    for row in naming.rows:
        pair = row.pair
        note = f"{row.proposed} was taken ({row.clash}): named with {row.rule}" if row.rule else ""
        if row.existing:
            profile = config.profiles[row.name]
            generated = profile.generated_from == session
            differs = (region is not None and profile.region != region) or (output is not None and profile.output != output)
            action = UPDATE if generated and differs else KEEP
            if not generated and differs:
                note = "written by hand: left as it is"
            items.append(Planned(row.name, pair.account_id, pair.account_name, pair.role_name, action, note))
        else:
            items.append(Planned(row.name, pair.account_id, pair.account_name, pair.role_name, ADD, note))
    if assigned is not None:
        still = set(assigned)
        planned = {item.name for item in items}
        for profile in config.profiles.values():
            if profile.generated_from != session or profile.sso_session != session or profile.name in planned:
                continue
            if (profile.account_id, profile.role_name) not in still:
                items.append(Planned(profile.name, profile.account_id or "", None, profile.role_name or "", REMOVE,
                                     "no longer assigned to you"))
    return BulkPlan(session, tuple(items), region, output)


def profile_edits(plan: BulkPlan) -> list:
    """The one decision of what gets written for a plan: an upsert per profile to add or update
    (with the marker), a delete per profile to remove; kept profiles are not touched."""
    edits: list = []
    for item in plan.items:
        if item.action in (ADD, UPDATE):
            edits.append(UpsertProfile(name=item.name, account_id=item.account_id, role_name=item.role_name,
                                       sso_session=plan.session, region=plan.region, output=plan.output,
                                       generated_from=plan.session))
        elif item.action == REMOVE:
            edits.append(DeleteProfile(item.name))
    return edits
