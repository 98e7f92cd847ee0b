"""A vanity start-URL host for tests: an HTTPS server on 127.0.0.1 (``https://localhost:PORT``)
with a throwaway self-signed certificate, answering each path with a fixed status and Location.
Trust it the way the AWS CLI would be told to: ``AWS_CA_BUNDLE`` pointing at the certificate."""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
from pathlib import Path


def make_tls_files(folder: Path) -> tuple[Path, Path]:
    """(key, certificate) for localhost and 127.0.0.1, made with the openssl command."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


class VanityServer:
    """``routes`` maps a path to (status, Location or None); ``head_refused`` paths answer HEAD with 405.
    ``seen`` records "METHOD /path" of every request."""

    def __init__(self, key: Path, cert: Path, routes: dict, head_refused: dict | None = None) -> None:
        owner = self
        self.seen: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                owner.seen.append(f"{self.command} {self.path}")
                if self.command == "HEAD" and head_refused and self.path in head_refused:
                    status, location = 405, None
                elif head_refused and self.path in head_refused:
                    status, location = head_refused[self.path]
                else:
                    status, location = routes.get(self.path, (200, None))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_HEAD = do_GET = _answer

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
