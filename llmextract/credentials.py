"""The endpoint's credentials: where the key comes from, and keeping it out of everything written
or shown.

A base URL may carry credentials (``http://user:pass@host/v1``). Left in the URL, the HTTP client
turns them into a Basic header and never sends the key, and every message naming the URL shows
them. So the user info is taken out of the URL before anything else sees it
(``endpoint_credentials``): the key (``OPENAI_API_KEY``) goes as the Bearer token; with no key,
the URL's password is the key (``http://x:TOKEN@host/v1``), and a lone user name is the key when
there is no password either (``http://TOKEN@host/v1``, the convention of token URLs). Nothing is
ever sent as Basic authentication: a proxy that wants Basic is not supported through the URL.

Every secret seen this way is remembered for the life of the process, and ``redact`` takes it
out of any text: the key, the password, their percent-encoded and Basic (base64) forms, plus what
looks like a key in general (``sk-...``, ``Bearer``/``Basic`` values, ``Authorization`` and
``api_key`` values) and the ``user:pass@`` of any URL. Servers echo what they were sent in their
error bodies, so every message the tool writes down or shows passes through ``redact``, and so
does every log record of every library (a log-record factory, installed with the first secret,
redacts the message and the traceback, whatever handler shows them later). Records and articles
are not redacted: they hold what the article says, and a secret never reaches the model.

A secret shorter than ``MIN_SECRET`` characters is not searched for as a bare string: short
"keys" are placeholders for servers that want none (``x``, ``EMPTY``, ``local``), and searching
for them would cut model names and ordinary words out of messages; the header and URL patterns
still catch them where servers echo them.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import traceback
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

MIN_SECRET = 8
REDACTED = "[redacted]"

_known: set[str] = set()
_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()
_logging_installed = False

_TOKEN = r"[A-Za-z0-9._~+/=\-]+"
_LOOKS_SECRET = re.compile(
    r"sk-[A-Za-z0-9_\-*]{4,}"
    rf"|\bBearer\s+{_TOKEN}"
    # base64 with a digit or a sign in it, so that "Basic information" stays
    r"|\bBasic\s+(?=[A-Za-z]*[0-9+/=])[A-Za-z0-9+/]{6,}={0,2}"
    rf"|\bapi[_-]?key\b[\"']?\s*[=:]\s*[\"']?{_TOKEN}"
    rf"|\bauthorization\b[\"']?\s*[=:]\s*[\"']?(?:(?:Bearer|Basic|Token)\s+)?{_TOKEN}",
    re.IGNORECASE,
)
# The user info of a URL: everything between "scheme://" and an "@" before the host's end.
_USERINFO = re.compile(r"\b([a-z][a-z0-9+.\-]*://)[^/\s@?#\"']+@", re.IGNORECASE)


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """The URL without its user info, and the user and password it carried (percent-decoded;
    None when absent; an empty password after a colon is ``""``: the colon says the rest is a
    user name, not a token)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, has_password, password = userinfo.partition(":")
    return (urlunsplit(parts._replace(netloc=host)), unquote(user) or None,
            unquote(password) if has_password else None)


def endpoint_credentials(base_url: str | None, api_key: str | None) -> tuple[str | None, str]:
    """The base URL to send requests to (no user info) and the Bearer key: ``api_key``, else the
    URL's password, else a lone user name. Every secret involved is remembered for ``redact``."""
    if not base_url:
        remember(api_key or "")
        return base_url, api_key or ""
    url, user, password = split_userinfo(base_url)
    key = api_key or password or (user if password is None else None) or ""
    remember(api_key or "", password or "", *([user or ""] if password is None else []))
    if user and password:
        remember_basic(user, password)
    return url, key


def remember(*secrets: str) -> None:
    """Take these out of every text ``redact`` sees from now on (and out of every log record)."""
    forms = {form for s in secrets if len(s) >= MIN_SECRET
             for form in (s, quote(s, safe=""), _b64(f":{s}"))}
    _add(forms)


def remember_basic(user: str, password: str) -> None:
    """The Basic header a client would build from ``user:password``."""
    forms = {_b64(f"{user}:{password}"), quote(user, safe="") + ":" + quote(password, safe="")}
    _add({form for form in forms if len(form) >= MIN_SECRET})


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _add(forms: set[str]) -> None:
    global _pattern
    with _lock:
        if forms <= _known:
            return
        _known.update(forms)
        ordered = sorted(_known, key=len, reverse=True)  # a longer form before its parts
        _pattern = re.compile("|".join(map(re.escape, ordered)))
    _install_log_redaction()


def redact(text: str) -> str:
    """``text`` without any known secret, anything that looks like a key, or a URL's user info.
    Redact before cutting a message short: a cut could leave a secret's tail unrecognised."""
    if _pattern is not None:
        text = _pattern.sub(REDACTED, text)
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    return _LOOKS_SECRET.sub(REDACTED, text)


def _install_log_redaction() -> None:
    """Every log record created from now on carries redacted text: libraries log request URLs,
    server error bodies and tracebacks, and this is the one place that sees them all."""
    global _logging_installed
    with _lock:
        if _logging_installed:
            return
        _logging_installed = True
        make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is shown as logging would show it
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info))
                                     ).rstrip("\n")
        return record

    logging.setLogRecordFactory(factory)


def redact_data(value: Any) -> Any:
    """Every string inside ``value`` (dicts, lists) redacted: for JSON to be written, before it
    is dumped, so that escaping cannot hide a secret from ``redact``."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_data(k): redact_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_data(v) for v in value]
    return value
