"""The one redaction every shown or logged message goes through."""

from __future__ import annotations

import logging

from scrapers.redact import REDACTED, redact, redact_logs

KEY = "sk-proj-Zq8xR2mN5vL0tY7wK3pH6jD9fB1cS4gA"


def test_a_known_secret_is_masked_as_is_url_encoded_and_in_part():
    odd = "my/own+secret=value"
    assert redact(f"Incorrect API key provided: {KEY}.", [KEY]) == (
        f"Incorrect API key provided: {REDACTED}."
    )
    assert redact("GET /v1?key=my%2Fown%2Bsecret%3Dvalue", [odd]) == f"GET /v1?key={REDACTED}"
    assert KEY[5:25] not in redact(f"key {KEY[5:25]}… was refused", [KEY])


def test_credential_shapes_are_masked_whoever_they_belong_to():
    token = "987654321:AAHabcdefghijklmnopqrstuvwxyz012345"
    assert redact(f"getMe failed: Not Found: /bot{token}/getMe") == (
        f"getMe failed: Not Found: /bot{REDACTED}/getMe"
    )
    assert redact("Authorization: Bearer abc.def-123456") == f"Authorization: Bearer {REDACTED}"
    assert redact(f"bad key {KEY} sent") == f"bad key {REDACTED} sent"
    assert REDACTED in redact("sk-ant-api03-" + "x" * 30)


def test_ordinary_text_and_placeholder_keys_are_left_alone():
    text = "none of this is secret: at 12:30 on 2026-03-02, run 1234567:ok, dummy model"
    assert redact(text, ["none", "dummy", "", None]) == text


def test_every_log_record_is_cleaned_of_a_registered_secret(caplog):
    secret = "a-secret-the-server-echoed-42"
    redact_logs(secret)
    log = logging.getLogger("tests.redact")
    with caplog.at_level(logging.INFO):
        log.info("server said: %s", secret)
        try:
            raise ValueError(f"refused {secret}")
        except ValueError:
            log.exception("call failed")
    assert secret not in caplog.text and caplog.text.count(REDACTED) >= 2


def test_two_secrets_that_share_a_part_are_both_masked_whole():
    # A token and a key with twelve characters in common: masking the key's fragments first
    # cut the token in two before it was found, and left "7:" and "token" in the text.
    token, key = "7:jobpicks-test-token", "key-jobpicks-test-0123456789"
    text = redact(f"/bot{token}/getMe refused {key}", [token, key])
    assert text == f"/bot{REDACTED}/getMe refused {REDACTED}"
