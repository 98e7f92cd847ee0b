"""Textual screens of aws-sso-wizard: thin views over the services in :mod:`app`."""
