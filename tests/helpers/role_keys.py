"""Shared by the role-key tests: the demo config signed in through the emulator, the AWS CLI's
role-cache file name computed here independently of the app, and running the app or botocore in
a subprocess (optionally with boto3 and botocore made unimportable)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.signin.target import SsoTarget
from helpers.commands import command_env
from helpers.profile_app import DEMO_CONFIG
from helpers.profile_fixtures import write_config
from helpers.sso import write_signed_in_token

ROOT = Path(__file__).resolve().parent.parent.parent
ARCHIVE = SsoTarget(DEMO_START_URL, DEMO_REGION, "archive", ("sso:account:access",), "sso:account:access")
PROD, PROD_ACCOUNT, PROD_ROLE = "preservation-prod", "012345678901", "ReadOnly"
AWS = str(Path(sys.executable).parent / "aws")


def demo_signed_in(config_path: Path, home: Path, emulator) -> None:
    """The demo config (sso-session ``archive``) with a token the emulator really issued."""
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    write_signed_in_token(home, emulator, ARCHIVE)


def role_cache_file(home: Path, account_id: str = PROD_ACCOUNT, role: str = PROD_ROLE, session: str = "archive",
                    start_url: str | None = None) -> Path:
    """``~/.aws/cli/cache/<sha1 of the minified sorted JSON>.json`` (interop spec §6); with
    ``start_url``, the key of a profile without an sso-session."""
    where = {"startUrl": start_url} if start_url else {"sessionName": session}
    args = json.dumps({"accountId": account_id, "roleName": role, **where}, sort_keys=True, separators=(",", ":"))
    return home / ".aws" / "cli" / "cache" / f"{hashlib.sha1(args.encode()).hexdigest()}.json"


BLOCK_BOTO = """
import sys
class _NoBoto:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("boto3", "botocore"):
            raise ImportError(f"{name} is not importable in this test")
        return None
sys.meta_path.insert(0, _NoBoto())
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_app_without_boto(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``aws-sso-wizard ARGV`` in a Python where importing boto3 or botocore fails."""
    return subprocess.run([sys.executable, "-c", BLOCK_BOTO, *argv], capture_output=True, text=True, timeout=60,
                          env=env or command_env(), cwd=ROOT, stdin=subprocess.DEVNULL)


CLI_V2_WIRING = """
import json, sys
import botocore.session
from botocore.utils import JSONFileCache
session = botocore.session.Session(profile=sys.argv[1])
# what the AWS CLI v2 does on session-initialized: the SSO provider caches in ~/.aws/cli/cache
provider = session.get_component("credential_provider").get_provider("sso")
provider.cache = JSONFileCache(sys.argv[2])
creds = session.get_credentials().get_frozen_credentials()
print(json.dumps({"access_key": creds.access_key, "secret_key": creds.secret_key, "token": creds.token}))
"""


def botocore_as_cli_v2(profile: str, cache_dir: Path, env: dict | None = None) -> dict:
    """The keys botocore's SSO provider resolves for ``profile`` with the CLI v2's file cache."""
    proc = subprocess.run([sys.executable, "-c", CLI_V2_WIRING, profile, str(cache_dir)], capture_output=True,
                          text=True, timeout=60, env=env or command_env())
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
