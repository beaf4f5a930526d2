"""Credentials out of the base URL and out of every text: ``llmextract/credentials.py``."""

from __future__ import annotations

import base64
import logging

import pytest

from llmextract.credentials import (
    endpoint_credentials,
    redact,
    redact_data,
    remember,
    split_userinfo,
)

# Split so that secret scanners do not trip on fakes.
KEY = "unit" + "KEY-r8t2y6u1i9o3p5a7"
PASSWORD = "unit" + "PASS-z4x7c1v9b3n6m2q8"
# Unknown secrets in the shapes servers echo, built here rather than written out.
FAKE_BASIC = base64.b64encode(b"bob:" + b"hunter2").decode()
FAKE_TOKEN = "abc" + ".def"


def test_userinfo_leaves_the_url_and_is_decoded() -> None:
    assert split_userinfo("https://ana:p%40ss%3Aword@host:8443/v1?x=1") == (
        "https://host:8443/v1?x=1", "ana", "p@ss:word")
    assert split_userinfo("http://host/v1") == ("http://host/v1", None, None)
    assert split_userinfo("http://tok@host/v1") == ("http://host/v1", "tok", None)
    assert split_userinfo("http://ana:@host/v1") == ("http://host/v1", "ana", "")


@pytest.mark.parametrize(
    ("url", "key", "sent"),
    [
        (f"http://ana:{PASSWORD}@h/v1", KEY, KEY),
        (f"http://ana:{PASSWORD}@h/v1", None, PASSWORD),
        (f"http://{PASSWORD}@h/v1", None, PASSWORD),
        ("http://h/v1", KEY, KEY),
        ("http://ana:@h/v1", None, ""),
    ],
    ids=["key-wins", "password-is-the-key", "lone-token-is-the-key", "no-userinfo", "empty"],
)
def test_the_bearer_key_is_the_key_else_the_password(url: str, key: str | None, sent: str) -> None:
    assert endpoint_credentials(url, key) == ("http://h/v1", sent)


def test_every_form_of_a_known_secret_is_redacted() -> None:
    endpoint_credentials(f"http://ana:{PASSWORD}@h/v1", KEY)
    basic = base64.b64encode(f"ana:{PASSWORD}".encode()).decode()
    text = (f"sent {KEY}, {PASSWORD}, Basic {basic}, raw {basic}, "
            f"key-as-password {base64.b64encode(f':{KEY}'.encode()).decode()}")
    clean = redact(text)
    assert KEY not in clean and PASSWORD not in clean and basic not in clean
    assert "key-as-password [redacted]" in clean
    assert KEY[-8:] not in clean and PASSWORD[-8:] not in clean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET http://bob:" + "hunter2@10.0.0.1:8/v1/x failed",
         "GET http://[redacted]@10.0.0.1:8/v1/x failed"),
        (f"{{'Authorization': 'Basic {FAKE_BASIC}', 'accept': 'x'}}",
         "{'[redacted]', 'accept': 'x'}"),
        (f'{{"authorization": "Bearer {FAKE_TOKEN}"}}', '{"[redacted]"}'),
        (f"you sent Bearer {FAKE_TOKEN}", "you sent [redacted]"),
        ("key sk-" + "abcdefgh1234 refused", "key [redacted] refused"),
        ("api_key=abc123 given", "[redacted] given"),
        ("Basic information, ana@example.org", "Basic information, ana@example.org"),
    ],
    ids=["url-userinfo", "authorization-basic", "authorization-json", "bearer", "sk-key",
         "api-key", "ordinary-words"],
)
def test_unknown_secrets_that_look_like_secrets_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_short_placeholders_are_not_searched_for_as_words() -> None:
    remember("local")
    assert redact("model local answered") == "model local answered"


def test_json_is_redacted_before_it_is_dumped() -> None:
    remember(KEY)
    assert redact_data({"a": [f"x {KEY}", 3, None], KEY: True}) == {
        "a": ["x [redacted]", 3, None], "[redacted]": True}


def test_log_records_of_any_library_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    remember(KEY)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("some.library").info("echo %s", KEY)
    try:
        raise RuntimeError(f"body echoes {KEY}")
    except RuntimeError:
        logging.getLogger("other").exception("failed")
    assert caplog.records and KEY not in caplog.text
    assert "echo [redacted]" in caplog.text and "body echoes [redacted]" in caplog.text
