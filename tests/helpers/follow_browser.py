"""A stand-in for a person's browser, usable as ``BROWSER="python follow_browser.py %s"``.

It GETs the URL it is given and follows redirects (urllib does), which is what a real browser does
when IAM Identity Center already knows the person: /authorize redirects straight back to the
app's loopback callback. With the emulator's ``auto_approve`` the PKCE sign-in completes end to end.

The final status is appended to ``$FOLLOW_BROWSER_LOG`` when that is set (never the URL: it carries
the state and challenge, harmless, but there is no reason to keep them).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: follow_browser.py URL", file=sys.stderr)
        return 2
    url = argv[1]
    delay = float(os.environ.get("FOLLOW_BROWSER_DELAY", "0"))
    if delay:
        import time

        time.sleep(delay)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as response:
            status = response.status
            body = response.read()
    except urllib.error.HTTPError as error:
        status = error.code
        body = error.read()
    except OSError as error:
        status = f"error {type(error).__name__}"
        body = b""
    log = os.environ.get("FOLLOW_BROWSER_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{status} {len(body)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
