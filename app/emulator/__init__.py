"""A loopback emulator of AWS IAM Identity Center for demos and tests.

It speaks the real wire protocols of sso-oidc, the SSO portal and STS on one base URL bound to
127.0.0.1, so botocore, boto3 and the AWS CLI reach it through the standard endpoint overrides
(``Emulator.endpoint_env()``) with no special code path. Standard library only.

    with Emulator(auto_approve=True) as emu:
        os.environ.update(emu.endpoint_env())
        ...
"""

from app.emulator.emulator import Call, Emulator, ErrorCall, SignedIn
from app.emulator.org import DEMO_REGION, DEMO_START_URL, DEMO_USER, ROLE_NAMES, DemoAccount, DemoOrg

__all__ = [
    "Call",
    "DEMO_REGION",
    "DEMO_START_URL",
    "DEMO_USER",
    "DemoAccount",
    "DemoOrg",
    "Emulator",
    "ErrorCall",
    "ROLE_NAMES",
    "SignedIn",
]
