"""``aws-sso-wizard emulator`` in a subprocess: first line is the base URL, serves, exits 0 on a signal."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys

import boto3
import pytest

from app.emulator import DEMO_REGION, DEMO_START_URL

pytestmark = pytest.mark.interop


def start(cli_env, *args):
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env,
    )
    first = proc.stdout.readline().strip()
    return proc, first


def finish(proc, stop_signal=signal.SIGINT):
    """Signal the emulator and collect the rest of its output.

    Read through the same file objects as ``readline`` did: ``communicate`` would skip what that
    already buffered."""
    proc.send_signal(stop_signal)
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.wait(timeout=15)
    return out, err


def device_login(base_url: str) -> str:
    session = boto3.session.Session(region_name=DEMO_REGION)
    oidc = session.client("sso-oidc", endpoint_url=base_url)
    reg = oidc.register_client(clientName="cli-test", clientType="public", scopes=["sso:account:access"])
    device = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=DEMO_START_URL
    )
    token = oidc.create_token(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"],
        grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=device["deviceCode"],
    )
    return token["accessToken"]


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_emulator_command_serves_until_interrupted(cli_env, stop_signal):
    proc, base_url = start(cli_env, "--port", "0", "--accounts", "30", "--page-size", "7", "--auto-approve")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url), base_url
        token = device_login(base_url)
        sso = boto3.session.Session(region_name=DEMO_REGION).client("sso", endpoint_url=base_url)
        page = sso.list_accounts(accessToken=token)
        assert len(page["accountList"]) == 7 and page["nextToken"]
    finally:
        out, err = finish(proc, stop_signal)
    assert proc.returncode == 0, err
    assert f"export AWS_ENDPOINT_URL_SSO_OIDC={base_url}" in out
    assert DEMO_START_URL in out and DEMO_REGION in out
    assert "Traceback" not in err
    assert token not in out + err


def test_emulator_command_with_a_busy_port_says_so(cli_env):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "app", "emulator", "--port", str(port)],
            capture_output=True, text=True, env=cli_env, timeout=30,
        )
    assert proc.returncode == 1
    assert f"port {port}" in proc.stderr and "--port" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("knob, value", [("--rate-limit", "0"), ("--port", "70000"), ("--port", "-1")])
def test_emulator_command_rejects_nonsense_knobs(cli_env, knob, value):
    proc = subprocess.run(
        [sys.executable, "-m", "app", "emulator", knob, value],
        capture_output=True, text=True, env=cli_env, timeout=30,
    )
    assert proc.returncode == 2 and knob in proc.stderr and "unexpected" not in proc.stderr


def test_emulator_command_log_names_operations_only(cli_env):
    proc, base_url = start(cli_env, "--log", "--auto-approve")
    try:
        token = device_login(base_url)
    finally:
        out, err = finish(proc)
    assert proc.returncode == 0
    assert "RegisterClient 200" in err and "CreateToken 200" in err
    assert token not in err and "clientSecret" not in err


def test_emulator_command_help_is_light(cli_env):
    proc = subprocess.run(
        [sys.executable, "-m", "app", "emulator", "--help"], capture_output=True, text=True, env=cli_env, timeout=30
    )
    assert proc.returncode == 0 and "--auto-approve" in proc.stdout and "--rate-limit" in proc.stdout
