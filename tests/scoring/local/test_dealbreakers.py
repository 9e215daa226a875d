"""Deal-breakers: what a person rules out, and the postings that are it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring.local.dealbreakers import KINDS, broken_by, named_in
from scrapers.postings.text import fold

SAMPLES = Path(__file__).resolve().parents[3] / "scrapers" / "data" / "sample_postings.json"
# One way each kind is written in a posting (folded), to check the gates let it through.
SHOWN = {
    "gambling": "a leading sports betting operator",
    "cannabis": "licensed cannabis producer",
    "payday": "we offer short-term loans to",
    "tobacco": "our nicotine pouch brand",
    "alcohol": "an award-winning distillery",
    "defence": "systems for the ministry of defence",
    "fossil": "upstream oil and gas operator",
    "crypto": "a blockchain payments platform",
    "call_centre": "handle high-volume calls in our contact centre",
    "retail": "serve customers on the shop floor",
    "shifts": "a 24/7 roster with 12.5-hour day/night shifts",
    "bank_work": "join our staff bank for flexible shifts",
    "agency": "we are recruiting on behalf of our client, a bank",
    "public_accounting": "join our audit and assurance team in busy season",
    "consultancy": "placed at client sites by our consultancy",
    "startup": "a seed-stage start-up with a founding team of four",
    "government": "a federal agency in the public sector",
    "commission": "uncapped commission and on target earnings",
    "travel": "travel up to 40% across the region",
    "onsite": "this is a fully onsite role",
}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_a_gate_never_hides_what_the_pattern_finds(kind):
    texts = [fold(p["title"] + "\n" + p.get("description", "")) for p in _samples()]
    texts.append(SHOWN[kind.key])
    for text in texts:
        if kind.shown.search(text):
            assert any(piece in text for piece in kind.gate), (kind.key, text[:80])


def test_each_kind_is_found_in_a_description():
    for key, text in SHOWN.items():
        assert broken_by([key], "analyst", "acme", text, "onsite") is not None, key


def test_ruled_out_in_the_person_s_words():
    said = fold("I won't work for gambling or payday-loan companies, and no call-centre jobs")
    assert named_in(said) == ["gambling", "payday", "call_centre"]
    assert named_in("no experience with python") == []


def _samples() -> list[dict]:
    return json.loads(SAMPLES.read_text("utf-8"))
