"""The emulator's browser pages: plain, friendly HTML with inline styles and no external assets.

Pages show only what a person needs (the user code, the app asking, the scopes). They never contain
a token, a client secret, a device code or a key. Every value is HTML-escaped.
"""

from __future__ import annotations

from html import escape

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f1ea; color: #222;
       margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }
main { background: #fff; border-radius: 10px; box-shadow: 0 2px 12px rgba(0,0,0,.12); padding: 2rem 2.5rem;
       max-width: 34rem; }
h1 { font-size: 1.4rem; margin-top: 0; }
.tag { color: #6b5b3e; font-size: .85rem; letter-spacing: .05em; text-transform: uppercase; }
.code { font: 600 2rem ui-monospace, monospace; letter-spacing: .15em; background: #f4f1ea; padding: .4rem .8rem;
        border-radius: 6px; display: inline-block; }
form.buttons { display: flex; gap: .75rem; margin-top: 1.5rem; }
button { font-size: 1rem; padding: .6rem 1.4rem; border-radius: 6px; border: 1px solid #888; cursor: pointer;
         background: #fff; }
button.primary { background: #2f5d50; color: #fff; border-color: #2f5d50; }
input[type=text] { font: 1.2rem ui-monospace, monospace; padding: .4rem; text-transform: uppercase; }
.muted { color: #666; font-size: .9rem; }
"""


def page(title: str, body_html: str) -> str:
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        "<div class=\"tag\">AWS sign-in &middot; aws-sso-wizard emulator</div>\n"
        f"{body_html}\n</main>\n</body>\n</html>\n"
    )


def index(base_url: str, start_url: str, region: str, accounts: int, user: str) -> str:
    return page(
        "AWS SSO emulator",
        f"<h1>AWS SSO emulator</h1>"
        f"<p>This pretend AWS IAM Identity Center serves sso-oidc, the SSO portal and STS on "
        f"<code>{escape(base_url)}</code> for demos and tests.</p>"
        f"<p>Signed in as <strong>{escape(user)}</strong> with {accounts} demo accounts.<br>"
        f"Demo start URL: <code>{escape(start_url)}</code>, SSO region <code>{escape(region)}</code>.</p>"
        f"<p><a href=\"/device\">Enter a device code</a></p>",
    )


def device_entry(message: str | None = None, code: str = "") -> str:
    note = f"<p><strong>{escape(message)}</strong></p>" if message else ""
    return page(
        "Authorize request",
        "<h1>Authorize request</h1>"
        f"{note}<p>Enter the code shown in your terminal.</p>"
        "<form method=\"post\" action=\"/device\">"
        f"<input type=\"text\" name=\"user_code\" value=\"{escape(code)}\" autocomplete=\"off\" "
        "placeholder=\"ABCD-EFGH\" autofocus> "
        "<button class=\"primary\" type=\"submit\" name=\"decision\" value=\"lookup\">Next</button></form>",
    )


def device_confirm(user_code: str, user: str, start_url: str) -> str:
    code = escape(user_code)
    return page(
        "Allow access?",
        "<h1>Allow this device to access your AWS accounts?</h1>"
        f"<p>Check that this code matches the one in your terminal:</p><p class=\"code\">{code}</p>"
        f"<p class=\"muted\">Signed in as {escape(user)} at {escape(start_url)}</p>"
        "<form class=\"buttons\" method=\"post\" action=\"/device\">"
        f"<input type=\"hidden\" name=\"user_code\" value=\"{code}\">"
        "<button class=\"primary\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>"
        "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
    )


def device_result(approved: bool) -> str:
    if approved:
        return page(
            "Request approved",
            "<h1>Request approved</h1><p>You can close this tab and return to your terminal.</p>",
        )
    return page(
        "Request denied",
        "<h1>Request denied</h1><p>Nothing was shared. You can close this tab.</p>",
    )


def authorize_confirm(request_id: str, client_name: str, scopes: tuple[str, ...], user: str) -> str:
    items = "".join(f"<li><code>{escape(scope)}</code></li>" for scope in scopes)
    return page(
        "Allow access?",
        f"<h1>Allow <em>{escape(client_name)}</em> to access your data?</h1>"
        f"<p>It asks for:</p><ul>{items}</ul>"
        f"<p class=\"muted\">Signed in as {escape(user)}</p>"
        "<form class=\"buttons\" method=\"post\" action=\"/authorize\">"
        f"<input type=\"hidden\" name=\"request\" value=\"{escape(request_id)}\">"
        "<button class=\"primary\" type=\"submit\" name=\"decision\" value=\"allow\">Allow access</button>"
        "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
    )


def problem(title: str, message: str) -> str:
    return page(title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")
