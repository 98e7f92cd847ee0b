"""aws-sso-wizard: onboard people to AWS IAM Identity Center and keep their profiles usable.

This module stays import-light on purpose: ``--help`` and ``--version`` must not pay for
Textual or boto3.
"""

__version__ = "0.1.0"
