"""Regions carry their place names from botocore's data, without importing botocore."""

from __future__ import annotations

import subprocess
import sys

from app.search import Filter, search_key
from app.signin.regions import region_label, region_name, region_search_fields, sso_regions
from tests.conftest import ROOT


def test_a_region_is_shown_with_its_place_name():
    assert region_label("eu-west-2") == "eu-west-2 — Europe (London)"
    assert region_label("us-east-1") == "us-east-1 — US East (N. Virginia)"
    assert region_name("cn-north-1") == "China (Beijing)"


def test_a_region_botocore_does_not_name_keeps_its_code():
    assert region_label("xx-nowhere-9") == "xx-nowhere-9"


def test_every_sign_in_region_has_a_name():
    assert all(region_name(code) for code in sso_regions())


def test_regions_are_found_by_code_or_by_place():
    regions = sso_regions()
    matches = Filter([search_key(region_search_fields(code)) for code in regions])
    assert [regions[i] for i in matches("london")] == ["eu-west-2"]
    assert regions[matches("eu-west-2")[0]] == "eu-west-2"
    assert "ap-northeast-1" in [regions[i] for i in matches("tokyo")]


def test_names_are_read_without_importing_botocore():
    code = ("import sys; from app.signin.regions import region_label; region_label('eu-west-2'); "
            "print('botocore' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
