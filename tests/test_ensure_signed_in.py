"""LoginService.ensure_signed_in against the emulator: a valid session is used as it is, an expired
one renews with its refresh token, a signed-out one signs in (the prompt reported once), and a
cancel stops the sign-in."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.cancel import CancelToken
from app.errors import Cancelled
from app.signin.browser import NoBrowser
from app.signin.login import LoginService
from app.signin.state import TokenState
from helpers.sso import SESSION, Approver, write_issued_token, write_signed_in_token


class Calls:
    """Counts ``on_sign_in`` calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def test_a_valid_session_is_used_without_signing_in(emulator, home):
    write_signed_in_token(home, emulator, SESSION)
    emulator.clear_calls()
    started, prompts = Calls(), []
    result = LoginService(browser=NoBrowser()).ensure_signed_in(
        SESSION, method="device", on_sign_in=started, on_prompt=prompts.append
    )
    assert result.status.state is TokenState.VALID
    assert result.already and not result.refreshed and not result.signed_in
    assert started.count == 0 and prompts == []
    assert emulator.calls == []


def test_an_expired_session_that_renews_is_refreshed(emulator, home):
    write_issued_token(home, SESSION, emulator.issue_token(), expires_in=-timedelta(minutes=5))
    emulator.clear_calls()
    started, prompts = Calls(), []
    service = LoginService(browser=NoBrowser())
    assert service.status(SESSION).state is TokenState.REFRESHABLE
    result = service.ensure_signed_in(SESSION, method="device", on_sign_in=started, on_prompt=prompts.append)
    assert result.status.state is TokenState.VALID
    assert result.refreshed and result.already and not result.signed_in
    assert started.count == 0 and prompts == []
    assert [c.operation for c in emulator.calls] == ["CreateToken"]


def test_a_session_that_no_longer_renews_signs_in_after_one_try(emulator, home):
    write_issued_token(home, SESSION, emulator.issue_token(), expires_in=-timedelta(minutes=5))
    emulator.end_sessions()
    emulator.clear_calls()
    approver, started = Approver(emulator), Calls()
    result = LoginService(browser=NoBrowser()).ensure_signed_in(
        SESSION, method="device", on_sign_in=started, on_prompt=approver
    )
    assert result.signed_in and result.status.state is TokenState.VALID
    assert started.count == 1 and len(approver.prompts) == 1
    operations = [c.operation for c in emulator.calls]
    before_sign_in = operations[: operations.index("RegisterClient")]
    assert before_sign_in == ["CreateToken"]  # one renewal try, not a second inside the sign-in


def test_signed_out_signs_in_and_reports_the_prompt_once(emulator, home):
    approver, started = Approver(emulator), Calls()
    service = LoginService(browser=NoBrowser())
    assert service.status(SESSION).state is TokenState.SIGNED_OUT
    result = service.ensure_signed_in(SESSION, method="device", on_sign_in=started, on_prompt=approver)
    assert result.signed_in and not result.already and not result.refreshed
    assert result.status.state is TokenState.VALID
    assert started.count == 1
    (prompt,) = approver.prompts
    assert prompt.method == "device" and prompt.user_code
    assert service.status(SESSION).state is TokenState.VALID


def test_force_signs_in_even_when_valid(emulator, home):
    write_signed_in_token(home, emulator, SESSION)
    approver, started = Approver(emulator), Calls()
    result = LoginService(browser=NoBrowser()).ensure_signed_in(
        SESSION, method="device", force=True, on_sign_in=started, on_prompt=approver
    )
    assert result.signed_in and started.count == 1 and len(approver.prompts) == 1


def test_cancel_stops_the_sign_in(emulator, home):
    cancel = CancelToken()
    prompts = []

    def on_prompt(prompt):
        prompts.append(prompt)
        threading.Timer(0.3, cancel.cancel).start()

    service = LoginService(browser=NoBrowser())
    with pytest.raises(Cancelled):
        service.ensure_signed_in(SESSION, method="device", on_prompt=on_prompt, cancel=cancel)
    assert len(prompts) == 1
    assert service.status(SESSION).state is TokenState.SIGNED_OUT


def test_a_cancel_before_it_starts_signs_nothing_in(emulator, home):
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        LoginService(browser=NoBrowser()).ensure_signed_in(SESSION, method="device", cancel=cancel)
    assert emulator.calls == []
