"""The services the Textual App and its screens use, built once by the command that starts it.

Screens get this container in their constructors and call plain methods on it; nothing here
imports Textual, and boto3/botocore are imported only when a service first needs them (never
before the first frame). Tests build it with real services pointed at the emulator.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol

from app import paths
from app.settings import Preset, Settings

if TYPE_CHECKING:
    from app.cancel import CancelToken
    from app.config.model import AwsConfig
    from app.config.writer import ConfigWriter
    from app.signin.account_names import AccountNames
    from app.signin.clients import ClientFactory
    from app.signin.discovery_cache import DiscoveryCache
    from app.signin.login import LoginService
    from app.signin.portal import Account, Identity, SsoClient
    from app.signin.target import SsoTarget


@dataclass(frozen=True)
class DemoInfo:
    """Set when the App runs against the built-in emulator (``aws-sso-wizard demo``)."""

    sandbox: Path
    base_url: str
    env_file: Path | None = None
    note: str | None = None  # one line to show when the App starts (e.g. sign-ins cleared)


class BrowserServices(Protocol):
    """What the profile browser needs from its services (:class:`Services`, or a test's fake)."""

    @property
    def login(self) -> "LoginService": ...

    @property
    def account_names(self) -> "AccountNames": ...

    def list_accounts(self, target: "SsoTarget", cancel: "CancelToken | None" = None) -> "list[Account]": ...

    def writer(self) -> "ConfigWriter": ...

    def browser_likely(self) -> bool: ...

    def open_browser(self, url: str) -> bool: ...


class Services:
    """Everything the UI needs, created lazily and shared (all of it is thread-safe to call)."""

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        preset: Preset | None = None,
        login: "LoginService | None" = None,
        clients: "ClientFactory | None" = None,
        browser: Any = None,
        demo: DemoInfo | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings(paths.settings_path())
        self.preset = preset
        self.demo = demo
        self._login = login
        self._clients = clients
        self._browser = browser
        self._account_names: "AccountNames | None" = None
        self._lock = threading.Lock()

    # -- shared objects ------------------------------------------------------------------------

    @property
    def clients(self) -> "ClientFactory":
        with self._lock:
            if self._clients is None:
                from app.signin.clients import ClientFactory

                self._clients = ClientFactory()
            return self._clients

    @property
    def browser(self):
        with self._lock:
            if self._browser is None:
                from app.signin.browser import Browser

                self._browser = Browser()
            return self._browser

    @property
    def account_names(self) -> "AccountNames":
        """Account names learnt from sso:ListAccounts (kept on disk, shared by every screen)."""
        with self._lock:
            if self._account_names is None:
                from app.signin.account_names import AccountNames

                self._account_names = AccountNames()
            return self._account_names

    @property
    def login(self) -> "LoginService":
        clients, browser = self.clients, self.browser
        with self._lock:
            if self._login is None:
                from app.signin.login import LoginService

                self._login = LoginService(clients=clients, browser=browser)
            return self._login

    # -- config --------------------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return paths.aws_config_path()

    def load_config(self) -> "AwsConfig":
        from app.config.model import load_aws_config

        return load_aws_config()

    def writer(self) -> "ConfigWriter":
        from app.config.writer import ConfigWriter

        return ConfigWriter()

    # -- SSO -----------------------------------------------------------------------------------

    def sso(self, target: "SsoTarget") -> "SsoClient":
        from app.signin.portal import SsoClient

        return SsoClient(self.login, target, clients=self.clients)

    def list_accounts(self, target: "SsoTarget", cancel: "CancelToken | None" = None) -> "list[Account]":
        """Every account of ``target`` (sorted as the CLI sorts them); their names are remembered."""
        from app.signin.account_names import list_and_remember

        return list_and_remember(self.sso(target), cancel=cancel, names=self.account_names)

    @property
    def discovery(self) -> "DiscoveryCache":
        """The accounts and roles each sso-session was last seen to have (kept on disk)."""
        from app.signin.discovery_cache import DiscoveryCache

        return DiscoveryCache()

    def whoami_profile(self, name: str) -> "Identity":
        from app.signin.portal import whoami_profile

        return whoami_profile(name, login=self.login)

    def browser_likely(self) -> bool:
        """Whether sign-ins here use the browser: the login service's one decision."""
        return self.login.choose_method().with_browser

    def open_browser(self, url: str) -> bool:
        return bool(self.browser.open(url))

    # -- installation checks -------------------------------------------------------------------

    def check_ids(self, region: str | None) -> list[tuple[str, str]]:
        from app.checks import check_ids

        return check_ids(region)

    def iter_checks(self, region: str | None):
        from app.checks import iter_checks

        return iter_checks(region=region)

    def can_install_aws_cli(self) -> bool:
        from app.checks import install_command

        return install_command() is not None

    def install_aws_cli(self, cancel):
        from app.checks import install_aws_cli

        return install_aws_cli(cancel=cancel)

    # -- start-up ------------------------------------------------------------------------------

    def prewarm(self, region: str | None = None, on_done: Callable[[], None] | None = None) -> None:
        """Import botocore and build the sign-in clients (call from a thread after the first frame)."""
        try:
            region = region or "us-east-1"
            factory = self.clients
            factory.client("sso-oidc", region)
            factory.client("sso", region)
            _ = self.login
        except Exception:  # pre-warming is an optimisation; the real call reports any problem
            pass
        if on_done:
            on_done()
