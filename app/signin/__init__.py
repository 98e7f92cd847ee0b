"""One IAM Identity Center sign-in: what to sign in to (target, start_url, regions), its state
(state), the caches shared with the AWS CLI (token_cache), the login service (login: PKCE with a
loopback callback, device code, refresh, logout), the portal's accounts and roles (portal), errors
as data (errors), botocore clients (clients), the rate limiter, account names and console links,
when a session ends (session_end) and the status of `aws login` console credentials (login_cache)."""

__all__ = [
    "target", "start_url", "regions", "state", "token_cache", "login", "pkce", "callback",
    "device_flow", "browser", "portal", "errors", "clients", "rate_limit", "account_names", "console_url",
    "session_end", "login_cache",
]
