"""A participant through real HTTP: every source gathered, found by SSN and by name."""

from __future__ import annotations

import re

import httpx

from tests.conftest import Hub
from tests.resolvers.queries import QUERY_OFFSETS, QUERY_PARTICIPANT, post


async def test_participant_gathers_every_source(http: httpx.AsyncClient, hub: Hub):
    # given a noncustodial parent with a certification (found through the offsets list)
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    offsets = (await post(http, headers, QUERY_OFFSETS))["offsetCertifications"]["edges"]
    participant_id = next(
        edge["node"]["participant"]["id"]
        for edge in offsets
        if not edge["node"]["participant"]["familyViolence"]
    )
    # when the participant is read with everything hanging off them
    person = (await post(http, headers, QUERY_PARTICIPANT, id=participant_id))["participant"]
    # then FCR, NDNH and offsets data all arrive, SSNs synthetic
    assert re.fullmatch(r"9\d\d-\d\d-\d{4}", person["ssn"])
    assert person["cases"]
    assert person["offsetCertifications"]
    assert any(c["role"] in ("NONCUSTODIAL_PARENT", "PUTATIVE_FATHER") for c in person["cases"])
    assert person["deceased"] == (person["dateOfDeath"] is not None)


async def test_participants_search_by_ssn_and_name(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("state_worker", jurisdiction="06")
    first = await post(
        http, headers, "{ participants(first: 1) { edges { node { id ssn lastName firstName } } } }"
    )
    node = first["participants"]["edges"][0]["node"]
    by_ssn = await post(
        http,
        headers,
        "query($s: String) { participants(ssn: $s) { totalCount edges { node { id } } } }",
        s=node["ssn"],
    )
    assert node["id"] in [e["node"]["id"] for e in by_ssn["participants"]["edges"]]
    by_name = await post(
        http,
        headers,
        "query($l: String, $f: String) {"
        " participants(lastName: $l, firstName: $f, first: 100) { edges { node { id } } } }",
        l=node["lastName"].upper(),
        f=node["firstName"].lower(),
    )
    assert node["id"] in [e["node"]["id"] for e in by_name["participants"]["edges"]]
