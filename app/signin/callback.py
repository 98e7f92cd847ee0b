"""The loopback server that receives the browser's redirect in the PKCE sign-in (spec §3.2 step 7).

Differences from the CLI, on purpose:

* it binds **127.0.0.1 only** (the CLI binds every interface);
* it answers with a page that says what happened (signed in, or why not), with no external assets;
* it is cancellable at any moment (the cancel token closes the server), still with the CLI's
  10-minute overall limit.
"""

from __future__ import annotations

import hmac
import html
import logging
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from app.cancel import CancelToken
from app.errors import Cancelled, redact
from app.signin.errors import LoginDenied, LoginExpired, LoginFailed
from app.signin.pkce import OVERALL_TIMEOUT

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallbackResult:
    code: str | None = None
    state: str | None = None
    error: str | None = None
    error_description: str | None = None


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f7; color: #16191f;
       display: flex; min-height: 90vh; align-items: center; justify-content: center; margin: 0; }}
main {{ background: #fff; border-radius: 12px; padding: 2.5rem 3rem; max-width: 34rem;
        box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.5rem; margin: 0 0 1rem; color: {colour}; }}
p {{ line-height: 1.5; }}
code {{ background: #eef0f3; padding: .1rem .3rem; border-radius: 4px; }}
</style></head>
<body><main><h1>{heading}</h1>{body}</main></body></html>
"""


def _page(title: str, heading: str, body: str, *, ok: bool) -> bytes:
    return _PAGE.format(title=title, heading=heading, body=body, colour="#1d8102" if ok else "#d13212").encode(
        "utf-8"
    )


SUCCESS_PAGE = _page(
    "Signed in – aws-sso-wizard",
    "You are signed in",
    "<p>aws-sso-wizard received your sign-in. You can close this tab and return to the terminal.</p>",
    ok=True,
)


FOREIGN_ANSWER = "This answer does not belong to the sign-in in progress (its state did not match), so it was ignored."


def _error_page(reason: str, next_step: str = "Return to the terminal and start the sign-in again.") -> bytes:
    return _page(
        "Sign-in failed – aws-sso-wizard",
        "Sign-in did not complete",
        f"<p>{html.escape(reason)}</p><p>{html.escape(next_step)}</p>",
        ok=False,
    )


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    timeout = 10  # a stalled browser connection cannot hold a handler thread for long

    def log_message(self, format: str, *args: object) -> None:  # never print under the TUI
        log.debug("callback server: %s", redact(format % args))

    def version_string(self) -> str:
        return "aws-sso-wizard"

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._send(204, b"")

    def do_GET(self) -> None:
        owner = self.server.owner
        query = parse_qs(urlsplit(self.path).query)
        first = {key: values[0] for key, values in query.items() if values}
        if "error" not in first and "code" not in first:
            # favicon.ico, prefetches, anything else: not ours to answer, keep waiting
            self._send(404, b"")
        elif not owner.is_expected_state(first.get("state")):
            # any local process can reach this port: an answer without this sign-in's state is
            # refused and changes nothing, the real one is still awaited
            log.debug("callback server: refused an answer whose state did not match")
            self._send(400, _error_page(FOREIGN_ANSWER, "If you are signing in, finish in the newest sign-in tab."))
        elif "error" in first:
            result = CallbackResult(error=first["error"], error_description=first.get("error_description"),
                                    state=first["state"])
            described = first.get("error_description") or first["error"]
            self._send(200, _error_page(f"AWS reported: {redact(described)}"))
            owner._finish(result)
        else:
            self._send(200, SUCCESS_PAGE)
            owner._finish(CallbackResult(code=first["code"], state=first["state"]))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    owner: "CallbackServer"


class CallbackServer:
    """The loopback server that receives the browser's redirect (``/oauth/callback?code=…&state=…``).

    Created before anything else (like the CLI), bound to 127.0.0.1 on a port the OS picks.
    ``wait()`` blocks until a request carries this sign-in's ``state`` with a ``code`` or an
    ``error``, the overall limit passes, or the cancel token fires; the server is closed in every
    case. A request with any other state (or none) is answered 400 and ignored.
    """

    def __init__(self, expected_state: str) -> None:
        self.expected_state = expected_state
        self._done = threading.Event()
        self._result: CallbackResult | None = None
        self._closed = False
        self._close_lock = threading.Lock()
        try:
            self._server = _Server(("127.0.0.1", 0), _Handler)
        except OSError as error:
            raise LoginFailed(
                "Could not start the local helper that receives the browser sign-in "
                f"({type(error).__name__}).",
                hint="Sign in with a device code instead.",
            ) from None
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sso-callback", daemon=True
        )
        self._thread.start()

    def is_expected_state(self, state: str | None) -> bool:
        """Whether ``state`` is this sign-in's own (compared in constant time)."""
        return state is not None and hmac.compare_digest(state.encode(), self.expected_state.encode())

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth/callback"

    def _finish(self, result: CallbackResult) -> None:
        if not self._done.is_set():
            self._result = result
            self._done.set()

    def close(self) -> None:
        """Stop serving and release the port; every caller returns only once the port is closed."""
        self._done.set()
        with self._close_lock:
            if self._closed:
                return
            self._server.shutdown()
            self._server.server_close()
            self._closed = True

    def wait(self, *, timeout: float = OVERALL_TIMEOUT, cancel: CancelToken | None = None) -> str:
        """The authorization code; raises LoginDenied / LoginFailed / LoginExpired / Cancelled."""
        deadline = time.monotonic() + timeout
        if cancel is not None:
            cancel.on_cancel(self._done.set)
        try:
            while not self._done.wait(min(0.1, max(0.0, deadline - time.monotonic()))):
                if time.monotonic() >= deadline:
                    raise LoginExpired(
                        f"The browser sign-in was not completed within {int(timeout // 60) or 1} minutes.",
                        hint="Start the sign-in again, or sign in with a device code.",
                    )
            if cancel is not None and cancel.cancelled and self._result is None:
                raise Cancelled("Sign-in cancelled.")
            result = self._result
            if result is None:
                raise Cancelled("Sign-in cancelled.")
        finally:
            self.close()
        if result.error is not None:
            if result.error == "access_denied":
                raise LoginDenied(
                    "The sign-in was denied in the browser.", hint="Sign in again and choose Allow.",
                    code=result.error, detail=result.error_description,
                )
            raise LoginFailed(
                f"The browser sign-in failed ({redact(result.error)[:60]}).",
                hint="Sign in again.",
                code=result.error,
                detail=result.error_description,
            )
        assert result.code is not None
        return result.code

    def __enter__(self) -> "CallbackServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
