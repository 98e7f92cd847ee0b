"""The emulator against botocore's own service models: routes, required members, error statuses and
encodings, and real boto3 clients parsing every error into the right code."""

from __future__ import annotations

import http.client
import json

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.emulator.server import OPERATIONS, ROUTES
from app.emulator.wire import OIDC_ERRORS, PORTAL_ERRORS, STS_ERRORS

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})
SSO_OPS = ["ListAccounts", "ListAccountRoles", "GetRoleCredentials", "Logout"]
OIDC_OPS = ["RegisterClient", "StartDeviceAuthorization", "CreateToken"]


def model(service: str):
    return botocore.session.get_session().get_service_model(service)


def raw(emu, method: str, path: str, *, body=None, headers=None):
    """One request over a plain socket: (status, lower-cased headers, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    hdrs = dict(headers or {})
    if isinstance(body, dict):
        hdrs.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=data, headers=hdrs)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, payload


_SESSION = boto3.session.Session(region_name=DEMO_REGION)  # one session: models load once


def client(service: str, **kwargs):
    return _SESSION.client(service, config=NO_RETRY, **kwargs)


# -- routes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "operations"), [("sso", SSO_OPS), ("sso-oidc", OIDC_OPS)])
def test_every_unsigned_operation_is_routed_as_the_model_says(service, operations):
    service_model = model(service)
    unsigned = [op for op in service_model.operation_names if service_model.operation_model(op).auth_type == "none"]
    assert sorted(unsigned) == sorted(operations)
    for name in operations:
        http_info = service_model.operation_model(name).http
        routed = ROUTES[(http_info["method"], http_info["requestUri"])]
        assert routed[0] == name


def test_sts_uses_the_query_protocol_on_post_slash():
    sts_model = model("sts")
    assert sts_model.protocol == "query"
    assert sts_model.operation_model("GetCallerIdentity").http == {"method": "POST", "requestUri": "/"}
    assert OPERATIONS["GetCallerIdentity"] == "sts"


@pytest.mark.parametrize(
    ("service", "table"), [("sso", PORTAL_ERRORS), ("sso-oidc", OIDC_ERRORS)]
)
def test_error_statuses_match_the_model(service, table):
    service_model = model(service)
    modelled = {shape.name: shape.metadata["error"]["httpStatusCode"] for shape in service_model.error_shapes}
    for code, status in modelled.items():
        if code == "InvalidRequestRegionException":  # CreateTokenWithIAM only
            continue
        ours = table[code]
        assert (ours[0] if isinstance(ours, tuple) else ours) == status, code


def _error_cases():
    for service, operations in (("sso-oidc", OIDC_OPS), ("sso", SSO_OPS)):
        service_model = model(service)
        for op in operations:
            for shape in service_model.operation_model(op).error_shapes:
                yield service, op, shape.name, shape.metadata["error"]["httpStatusCode"]


def _call(service: str, op: str, token: str | None = None, emu=None):
    """Call ``op`` with well-formed arguments through a real boto3 client."""
    c = client(service)
    if op == "RegisterClient":
        return c.register_client(clientName="t", clientType="public")
    if op == "StartDeviceAuthorization":
        return c.start_device_authorization(clientId="x", clientSecret="y", startUrl=DEMO_START_URL)
    if op == "CreateToken":
        return c.create_token(clientId="x", clientSecret="y", grantType="refresh_token", refreshToken="z")
    if op == "ListAccounts":
        return c.list_accounts(accessToken=token)
    if op == "ListAccountRoles":
        return c.list_account_roles(accessToken=token, accountId="012345678901")
    if op == "GetRoleCredentials":
        return c.get_role_credentials(accessToken=token, accountId="012345678901", roleName="ReadOnly")
    if op == "Logout":
        return c.logout(accessToken=token)
    raise AssertionError(op)


@pytest.mark.parametrize(("service", "op", "code", "status"), list(_error_cases()))
def test_boto3_parses_every_modelled_error(emulator, service, op, code, status):
    token = emulator.issue_token().access_token
    emulator.fail_next(op, code)
    with pytest.raises(ClientError) as caught:
        _call(service, op, token)
    error = caught.value.response
    assert error["Error"]["Code"] == code
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error["ResponseMetadata"]["RequestId"]
    # The modelled exception class catches it, as callers write `except client.exceptions.X`.
    assert type(caught.value).__name__ == code
    header = error["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"]
    namespace = "com.amazonaws.sso.oidc" if service == "sso-oidc" else "com.amazonaws.switchboard.portal"
    assert header == f"{code}:http://internal.amazon.com/coral/{namespace}/"
    # The next call is not failed any more.
    if op == "Logout":
        assert _call(service, op, token)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_oidc_error_body_is_oauth_shaped(emulator):
    status, headers, body = raw(
        emulator, "POST", "/token",
        body={"clientId": "nope", "clientSecret": "nope", "grantType": "refresh_token", "refreshToken": "x"},
    )
    assert status == 401
    namespace = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
    assert headers["x-amzn-errortype"] == f"InvalidClientException:{namespace}"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"error": "invalid_client", "error_description": "Invalid client provided"}
    assert headers["x-amzn-requestid"]


def test_portal_error_body_has_message(emulator):
    status, headers, body = raw(emulator, "GET", "/assignment/accounts", headers={"x-amz-sso_bearer_token": "bogus"})
    assert status == 401
    assert headers["x-amzn-errortype"].startswith("UnauthorizedException:")
    assert json.loads(body) == {"message": "Session token not found or invalid"}


# -- required members, built from the model's own locations ------------------------------------


def _full_request(emu, service: str, op: str, signed_in) -> dict:
    """A valid request for ``op`` as member -> value, placed by the model's serialization info."""
    if service == "sso":
        return {
            "accessToken": signed_in.access_token,
            "accountId": "012345678901",
            "roleName": "ReadOnly",
        }
    if op == "RegisterClient":
        return {"clientName": "t", "clientType": "public"}
    if op == "StartDeviceAuthorization":
        return {"clientId": signed_in.client_id, "clientSecret": signed_in.client_secret, "startUrl": DEMO_START_URL}
    return {
        "clientId": signed_in.client_id,
        "clientSecret": signed_in.client_secret,
        "grantType": "refresh_token",
        "refreshToken": signed_in.refresh_token,
    }


def _send_from_model(emu, service: str, op: str, values: dict):
    op_model = model(service).operation_model(op)
    query, headers, body = {}, {}, {}
    for name, value in values.items():
        member = op_model.input_shape.members.get(name)
        if member is None:
            continue
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "querystring":
            query[wire_name] = value
        elif location == "header":
            headers[wire_name] = value
        else:
            body[wire_name] = value
    from urllib.parse import urlencode

    path = op_model.http["requestUri"] + ("?" + urlencode(query) if query else "")
    json_body = body if service == "sso-oidc" else None
    return raw(emu, op_model.http["method"], path, body=json_body, headers=headers)


@pytest.mark.parametrize(("service", "op"), [("sso", op) for op in SSO_OPS] + [("sso-oidc", op) for op in OIDC_OPS])
def test_each_required_member_is_enforced_with_a_modelled_error(emulator, service, op):
    op_model = model(service).operation_model(op)
    allowed = {shape.name: shape.metadata["error"]["httpStatusCode"] for shape in op_model.error_shapes}
    for required in op_model.input_shape.required_members:
        signed_in = emulator.issue_token()
        values = _full_request(emulator, service, op, signed_in)
        status, _, _ = _send_from_model(emulator, service, op, values)
        assert status == 200, (op, "the complete request must succeed")
        signed_in = emulator.issue_token()
        values = _full_request(emulator, service, op, signed_in)
        del values[required]
        status, headers, _ = _send_from_model(emulator, service, op, values)
        code = headers["x-amzn-errortype"].split(":")[0]
        assert code in allowed, (op, required, code)
        assert status == allowed[code]


def test_unknown_routes_get_unknown_operation(emulator):
    for method, path in [("GET", "/nope"), ("DELETE", "/token"), ("PUT", "/assignment/accounts")]:
        status, headers, body = raw(emulator, method, path)
        assert status == 404
        assert headers["x-amzn-errortype"] == "UnknownOperationException"
        assert headers["x-amzn-requestid"]


def test_every_response_carries_a_request_id(emulator):
    signed_in = emulator.issue_token()
    answers = [
        raw(emulator, "GET", "/"),
        raw(emulator, "GET", "/device"),
        raw(emulator, "GET", "/authorize"),
        raw(emulator, "GET", "/assignment/accounts", headers={"x-amz-sso_bearer_token": signed_in.access_token}),
        raw(emulator, "POST", "/client/register", body={"clientName": "x", "clientType": "public"}),
        raw(emulator, "POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    request_ids = [headers["x-amzn-requestid"] for _, headers, _ in answers]
    assert all(request_ids) and len(set(request_ids)) == len(request_ids)


# -- STS --------------------------------------------------------------------------------------


def _sts(credentials):
    return client(
        "sts",
        aws_access_key_id=credentials["accessKeyId"],
        aws_secret_access_key=credentials["secretAccessKey"],
        aws_session_token=credentials["sessionToken"],
    )


def _role_credentials(emu, account="012345678901", role="ReadOnly"):
    token = emu.issue_token().access_token
    return client("sso").get_role_credentials(accessToken=token, accountId=account, roleName=role)["roleCredentials"]


def test_sts_error_xml_is_exactly_the_real_shape(emulator):
    status, headers, body = raw(
        emulator, "POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert status == 403
    assert headers["content-type"] == "text/xml"
    text = body.decode()
    assert text.startswith('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">')
    assert "<Type>Sender</Type>" in text and "<Code>MissingAuthenticationToken</Code>" in text
    assert f"<RequestId>{headers['x-amzn-requestid']}</RequestId>" in text


@pytest.mark.parametrize(
    ("tamper", "code", "status"),
    [
        ("unknown_key", "InvalidClientTokenId", 403),
        ("wrong_session_token", "InvalidClientTokenId", 403),
        ("wrong_secret", "SignatureDoesNotMatch", 403),
        ("expired", "ExpiredToken", 400),
    ],
)
def test_sts_rejects_bad_credentials_like_sts(emulator, tamper, code, status):
    credentials = dict(_role_credentials(emulator))
    if tamper == "unknown_key":
        credentials["accessKeyId"] = "ASIAAAAAAAAAAAAAAAAA"
    elif tamper == "wrong_session_token":
        token = credentials["sessionToken"]
        credentials["sessionToken"] = ("A" if token[0] != "A" else "B") + token[1:]
    elif tamper == "wrong_secret":
        credentials["secretAccessKey"] = "y" * 40
    else:
        emulator.advance(3601)
    with pytest.raises(ClientError) as caught:
        _sts(credentials).get_caller_identity()
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["Error"]["Type"] == "Sender"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert STS_ERRORS[code][0] == status


def test_sts_identity_is_the_assumed_sso_role(emulator):
    account = emulator.org.by_name("preservation-dev")
    identity = _sts(_role_credentials(emulator, account.account_id, "Billing")).get_caller_identity()
    assert identity["Account"] == account.account_id
    assert identity["Arn"] == (
        f"arn:aws:sts::{account.account_id}:assumed-role/{account.reserved_role_name('Billing')}/archivist@example.org"
    )
    assert identity["Arn"].split("/")[1].startswith("AWSReservedSSO_Billing_")
    assert len(identity["Arn"].split("/")[1].rsplit("_", 1)[1]) == 16
    assert identity["UserId"].startswith("AROA") and identity["UserId"].endswith(":archivist@example.org")
    assert identity["UserId"] == f"{account.role_id('Billing')}:archivist@example.org"


def test_sts_unknown_action_and_fail_next(emulator):
    credentials = _role_credentials(emulator)
    sts = _sts(credentials)
    emulator.fail_next("GetCallerIdentity", "Throttling")
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "Throttling"
    assert sts.get_caller_identity()["Account"] == "012345678901"
    with pytest.raises(ClientError) as caught:
        sts.get_session_token()
    assert caught.value.response["Error"]["Code"] == "InvalidAction"


def test_fail_next_rejects_what_the_operation_cannot_return(emulator):
    with pytest.raises(ValueError):
        emulator.fail_next("ListAccounts", "SlowDownException")
    with pytest.raises(ValueError):
        emulator.fail_next("NoSuchOperation", "TooManyRequestsException")
    with pytest.raises(ValueError):
        emulator.fail_next("ListAccounts", "TooManyRequestsException", 0)


def test_no_error_answer_echoes_a_secret(emulator):
    """Wrong secrets, tokens and codes come back as static messages: nothing sent is repeated."""
    signed_in = emulator.issue_token()
    secret_like = "S3cr3t-" + "q" * 60
    answers = [
        raw(emulator, "POST", "/token", body={"clientId": signed_in.client_id, "clientSecret": secret_like,
                                               "grantType": "refresh_token", "refreshToken": secret_like}),
        raw(emulator, "POST", "/token", body={"clientId": signed_in.client_id, "clientSecret": signed_in.client_secret,
                                               "grantType": "refresh_token", "refreshToken": secret_like}),
        raw(emulator, "POST", "/token", body={"clientId": signed_in.client_id, "clientSecret": signed_in.client_secret,
                                               "grantType": "urn:ietf:params:oauth:grant-type:device_code",
                                               "deviceCode": secret_like}),
        raw(emulator, "POST", "/token", body={"clientId": signed_in.client_id, "clientSecret": signed_in.client_secret,
                                               "grantType": secret_like}),
        raw(emulator, "GET", "/assignment/accounts", headers={"x-amz-sso_bearer_token": secret_like}),
        raw(emulator, "GET", f"/assignment/accounts?next_token={secret_like}",
            headers={"x-amz-sso_bearer_token": signed_in.access_token}),
        raw(emulator, "GET", f"/device?user_code={secret_like}"),
        raw(emulator, "POST", "/", body=b"Action=GetCallerIdentity",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": f"AWS4-HMAC-SHA256 Credential={secret_like}/20250101/eu-west-2/sts/aws4_request, "
                                      "SignedHeaders=host, Signature=00",
                     "X-Amz-Security-Token": secret_like}),
    ]
    for status, headers, body in answers:
        assert status >= 400
        text = body.decode() + json.dumps(headers)
        for secret in (secret_like, signed_in.access_token, signed_in.client_secret, signed_in.refresh_token):
            assert secret not in text
    assert secret_like not in repr(emulator.calls) + repr(emulator.errors)


def test_a_malformed_content_length_does_not_break_the_server(emulator):
    import socket

    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(b"POST /client/register HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n{}")
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    status, _, _ = raw(emulator, "POST", "/client/register", body={"clientName": "x", "clientType": "public"})
    assert status == 200
