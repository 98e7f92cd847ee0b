"""Secret values in config text are masked wherever it is shown; everything else is kept."""

from __future__ import annotations

from app.secret_values import HIDDEN, is_secret_key, mask_config_line, mask_diff


def test_secret_keys_are_recognised():
    for key in ("aws_secret_access_key", "AWS_SESSION_TOKEN", "aws_security_token", "my_password", " sso_client_secret "):
        assert is_secret_key(key), key
    for key in ("aws_access_key_id", "region", "sso_start_url", "role_arn"):
        assert not is_secret_key(key), key


def test_a_line_keeps_its_layout_and_loses_only_the_value():
    assert mask_config_line("aws_secret_access_key=abc") == f"aws_secret_access_key={HIDDEN}"
    assert mask_config_line("  aws_session_token : abc  ") == f"  aws_session_token : {HIDDEN}  "
    assert mask_config_line("region = eu-west-1") == "region = eu-west-1"
    assert mask_config_line("# aws_secret_access_key = abc") == "# aws_secret_access_key = abc"
    assert mask_config_line("[profile secret]") == "[profile secret]"
    assert mask_config_line("aws_secret_access_key =") == "aws_secret_access_key ="


def test_a_diff_is_masked_in_every_kind_of_line():
    diff = (
        "--- /home/a/.aws/config\n+++ /home/a/.aws/config\n@@ -1,4 +1,3 @@\n"
        "-[profile keys]\n-aws_secret_access_key = s3cr3t\n aws_session_token = t0k3n\r\n+aws_secret_access_key=new\n"
        " region = us-east-1\n"
    )
    masked = mask_diff(diff)
    assert "s3cr3t" not in masked and "t0k3n" not in masked and "new\n" not in masked
    assert masked.splitlines(keepends=True)[:4] == diff.splitlines(keepends=True)[:4]
    assert f" aws_session_token = {HIDDEN}\r\n" in masked and masked.endswith(" region = us-east-1\n")
