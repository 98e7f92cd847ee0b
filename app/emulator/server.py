"""The HTTP side: one ThreadingHTTPServer on 127.0.0.1, routing by method + path (+ STS ``Action``).

Each connection gets its own thread, so latency overlaps across concurrent clients. Every response,
error or not, carries ``x-amzn-RequestId``. Nothing is logged except operation names and statuses.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from app.emulator import oidc, pages, portal, signin, sts
from app.emulator.faults import RESET, SERVER_ERROR
from app.emulator.wire import OIDC, PORTAL, STS, ApiError, Request, Response, encode_error, unknown_operation

if TYPE_CHECKING:  # pragma: no cover
    from app.emulator.emulator import Emulator

Handler = Callable[["Emulator", Request], Response]
MAX_BODY = 1 << 20

# (method, path) -> (operation, service, handler). Browser pages have service None.
ROUTES: dict[tuple[str, str], tuple[str, str | None, Handler]] = {
    ("POST", "/client/register"): ("RegisterClient", OIDC, oidc.register_client),
    ("POST", "/device_authorization"): ("StartDeviceAuthorization", OIDC, oidc.start_device_authorization),
    ("POST", "/token"): ("CreateToken", OIDC, oidc.create_token),
    ("GET", "/assignment/accounts"): ("ListAccounts", PORTAL, portal.list_accounts),
    ("GET", "/assignment/roles"): ("ListAccountRoles", PORTAL, portal.list_account_roles),
    ("GET", "/federation/credentials"): ("GetRoleCredentials", PORTAL, portal.get_role_credentials),
    ("POST", "/logout"): ("Logout", PORTAL, portal.logout),
    ("GET", "/authorize"): ("Authorize", None, signin.authorize_page),
    ("POST", "/authorize"): ("AuthorizeDecision", None, signin.authorize_decision),
    ("GET", "/device"): ("DeviceVerification", None, signin.device_page),
    ("POST", "/device"): ("DeviceDecision", None, signin.device_decision),
}

# Every API operation and the service whose error encoding it uses.
OPERATIONS: dict[str, str] = {op: service for op, service, _ in ROUTES.values() if service is not None}
OPERATIONS["CreateTokenWithIAM"] = OIDC
OPERATIONS["GetCallerIdentity"] = STS


def _index(emu: "Emulator", request: Request) -> Response:
    from app.emulator.org import DEMO_REGION, DEMO_START_URL

    return Response.html(pages.index(emu.base_url, DEMO_START_URL, DEMO_REGION, len(emu.org.accounts), emu.org.user))


def route(request: Request) -> tuple[str, str | None, Handler | None]:
    """Which operation a request is; handler None means no such operation (404)."""
    if sts.is_sts_request(request):
        action = sts.parameters(request).get("Action") or "GetCallerIdentity"
        name = action if action.isalnum() and len(action) <= 64 else "UnknownAction"
        return name, STS, sts.handle
    if request.method == "POST" and request.path == "/token" and "aws_iam" in request.query:
        return "CreateTokenWithIAM", OIDC, oidc.create_token_with_iam
    if (request.method, request.path) in ROUTES:
        return ROUTES[(request.method, request.path)]
    if request.method in ("GET", "HEAD") and request.path == "/":
        return "Index", None, _index
    return "Unknown", None, None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, emulator: "Emulator", port: int) -> None:
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _RequestHandler)

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-answer is normal (timeouts, stop()); say nothing unless debugging."""
        if self.emulator.debug:
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aws-sso-wizard-emulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stalls
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        """Silence the stdlib access log: it would print query strings."""

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0 or size > MAX_BODY:
            self.close_connection = True  # cannot find the next request on this connection
            return b""
        return self.rfile.read(size)

    def _dispatch(self) -> None:
        emu = self.server.emulator
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query_string=parts.query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
            request_id=str(uuid.uuid4()),
        )
        operation, service, handler = route(request)
        emu._record_call(operation)
        emu._delay()
        try:
            if handler is None:
                response = unknown_operation()
            else:
                fault = None
                if service is not None:
                    fault = emu._before(operation, service, request.query_one("account_id"),
                                        request.query_one("next_token"))
                if fault == RESET:
                    emu._log(f"{operation} reset")
                    self._reset()
                    return
                if fault == SERVER_ERROR:
                    response = Response.json({"message": "Internal server error"}, 500)
                else:
                    response = handler(emu, request)
        except ApiError as error:
            emu._record_error(operation, error.code)
            response = encode_error(error, request.request_id)
        except Exception as error:  # a bug in the emulator: answer like the service would, say what broke
            emu._log(f"{operation}: internal error {type(error).__name__}")
            if emu.debug:
                traceback.print_exc()
            code = {OIDC: "InternalServerException", STS: "InternalFailure"}.get(service or "", None)
            if code is None:
                response = Response.json({"message": "Internal server error"}, 500)
            else:
                response = encode_error(ApiError(service or "", code), request.request_id)
        emu._delay()
        emu._log(f"{operation} {response.status}")
        self._send(request, response)

    def _reset(self) -> None:
        """Cut the connection off without an answer: the client sees a connection reset."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(self.connection.detach())  # closed at once, so with linger 0 it is a reset
        except OSError:
            pass

    def _send(self, request: Request, response: Response) -> None:
        self.send_response(response.status)
        headers = dict(response.headers)
        headers["x-amzn-RequestId"] = request.request_id
        headers["Content-Length"] = str(len(response.body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if request.method != "HEAD" and response.body:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch
