"""The AWS CLI (v1, from PyPI) and botocore read what we write, and we read and edit what the
CLI writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.config.edits import DeleteProfile, RenameProfile, SetDefaultProfile, UpsertProfile, UpsertSsoSession
from app.config.model import ProfileKind, load_aws_config
from app.config.writer import ConfigWriter
from helpers.commands import VENV_BIN

pytestmark = pytest.mark.interop

EDITS = [
    UpsertProfile("dev", "111111111111", "Developer", sso_session="corp", region="eu-west-1", output="json"),
    UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1"),
    UpsertProfile("my prof", "222222222222", "ReadOnly", sso_session="corp", region="us-east-2"),
    UpsertProfile("old-style", "333333333333", "Admin", legacy=True, start_url="https://legacy.awsapps.com/start",
                  sso_region="us-east-1", region="ap-southeast-2"),
    UpsertProfile("default", "111111111111", "Developer", sso_session="corp", region="eu-central-1"),
]
HAND_MADE = (
    "# written by hand years ago\r\n"
    "[profile static]\r\n"
    "aws_access_key_id = AKIAEXAMPLEEXAMPLE12\r\n"
    "region: us-west-1\r\n"
    "\r\n"
    "[profile default]\r\n"
    "region = stale-would-win\r\n"
)


def aws(env, *args) -> str:
    done = subprocess.run([str(VENV_BIN / "aws"), *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def available_profiles(env) -> list[str]:
    """What ``aws configure list-profiles`` prints in CLI v2: it prints
    ``session.available_profiles`` one per line (interop §8). CLI v1 has no list-profiles, so
    this runs exactly that botocore property in a subprocess against the written file."""
    code = "import botocore.session, json; print(json.dumps(botocore.session.Session().available_profiles))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def written(config_path, cli_env):
    config_path.parent.mkdir(mode=0o700)
    config_path.write_bytes(HAND_MADE.encode())
    writer = ConfigWriter(config_path)
    plan = writer.plan(EDITS)
    writer.apply(plan)
    env = dict(cli_env, AWS_CONFIG_FILE=str(config_path))
    return config_path, env, plan


def test_the_aws_cli_reads_every_profile_we_wrote(written):
    config_path, env, plan = written
    assert "\n" not in config_path.read_bytes().decode().replace("\r\n", "")  # CRLF kept throughout
    assert aws(env, "configure", "get", "region", "--profile", "dev") == "eu-west-1"
    assert aws(env, "configure", "get", "sso_session", "--profile", "dev") == "corp"
    assert aws(env, "configure", "get", "sso_account_id", "--profile", "my prof") == "222222222222"
    assert aws(env, "configure", "get", "sso_start_url", "--profile", "old-style") == "https://legacy.awsapps.com/start"
    # The stale [profile default] that would have won was consolidated into [default].
    assert aws(env, "configure", "get", "region") == "eu-central-1"
    assert aws(env, "configure", "get", "region", "--profile", "static") == "us-west-1"


def test_list_profiles_output_is_what_we_expect(written):
    config_path, env, plan = written
    ours = list(load_aws_config(config_path).profiles)
    assert available_profiles(env) == ours == ["static", "default", "dev", "my prof", "old-style"]


def test_botocore_resolves_the_sso_settings_through_the_session(written):
    config_path, env, plan = written
    code = (
        "import botocore.session, json\n"
        "from botocore.credentials import SSOProvider\n"
        "s = botocore.session.Session(profile='my prof')\n"
        "p = SSOProvider(load_config=lambda: s.full_config, client_creator=None, profile_name='my prof')\n"
        "print(json.dumps(p._load_sso_config()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    resolved = json.loads(done.stdout)
    assert resolved["sso_start_url"] == "https://corp.awsapps.com/start" and resolved["sso_region"] == "eu-west-1"
    profile = load_aws_config(config_path).profiles["my prof"]
    assert (profile.start_url, profile.sso_region) == (resolved["sso_start_url"], resolved["sso_region"])


def test_we_read_and_edit_what_aws_configure_set_writes(written):
    config_path, env, plan = written
    aws(env, "configure", "set", "output", "text", "--profile", "dev")
    aws(env, "configure", "set", "region", "sa-east-1", "--profile", "brand-new")
    config = load_aws_config(config_path)
    assert config.profiles["dev"].output == "text" and config.profiles["brand-new"].region == "sa-east-1"
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan([RenameProfile("brand-new", "renamed"), DeleteProfile("static"), SetDefaultProfile("dev")]))
    assert aws(env, "configure", "get", "region", "--profile", "renamed") == "sa-east-1"
    assert aws(env, "configure", "get", "output") == "text"
    assert available_profiles(env) == ["default", "dev", "my prof", "old-style", "renamed"]


def test_we_read_the_cli_writers_own_output(config_path):
    """Files written by awscli's ConfigFileWriter, as `aws configure sso` does, section by section."""
    from awscli.customizations.configure.writer import ConfigFileWriter

    cli = ConfigFileWriter()
    cli.update_config({"__section__": "profile ReadOnly-123456789012", "sso_session": "my-sso",
                       "sso_account_id": "123456789012", "sso_role_name": "ReadOnly", "region": "us-west-2",
                       "output": "json"}, str(config_path))
    cli.update_config({"__section__": "sso-session my-sso", "sso_start_url": "https://my-sso-portal.awsapps.com/start",
                       "sso_region": "us-east-1", "sso_registration_scopes": "sso:account:access"}, str(config_path))
    config = load_aws_config(config_path)
    profile = config.profiles["ReadOnly-123456789012"]
    assert profile.kind is ProfileKind.SSO and profile.problem is None
    assert profile.start_url == "https://my-sso-portal.awsapps.com/start"
    assert config.sso_sessions["my-sso"].scopes == ("sso:account:access",)
    # Re-upserting the same values through our writer changes nothing.
    plan = ConfigWriter(config_path).plan([
        UpsertProfile("ReadOnly-123456789012", "123456789012", "ReadOnly", sso_session="my-sso", region="us-west-2", output="json"),
        UpsertSsoSession("my-sso", "https://my-sso-portal.awsapps.com/start", "us-east-1"),
    ])
    assert not plan.changed
