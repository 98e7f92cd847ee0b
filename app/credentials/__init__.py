"""A profile's temporary role keys for tools that cannot read SSO profiles: the AWS CLI's role
credential cache (role_cache), getting a profile's keys from it or from GetRoleCredentials (keys),
the shapes they are printed in (formats), the companion ``credential_process`` profile
(companion), the keep-warm refresher (warm) and the versions of the tools that read the config
(tools)."""
