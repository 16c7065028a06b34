"""Offset certifications through real HTTP: eligibility follows the program rules."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx

from tests.assertions import nonempty
from tests.conftest import Hub
from tests.resolvers.queries import QUERY_OFFSETS, post


async def test_offset_eligibility_follows_the_program_rules(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    data = (await post(http, headers, QUERY_OFFSETS))["offsetCertifications"]
    for edge in nonempty(data["edges"], "offsetCertifications"):
        node = edge["node"]
        arrears = Decimal(node["arrearsAmount"])
        assert node["passportDenialEligible"] == (arrears > Decimal("2500"))
        floor = Decimal("150") if node["caseType"] == "TANF" else Decimal("500")
        assert node["taxRefundOffsetEligible"] == (arrears >= floor)
        assert re.fullmatch(r"\d+\.\d\d", node["arrearsAmount"])
