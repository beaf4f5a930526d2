"""A fault-injecting OpenAI-compatible server on a loopback port (a test tool, not a model).

It answers ``/v1/chat/completions``, ``/v1/completions`` and ``/v1/models`` the way a well-behaved
server would (every number in the list labelled an indicator, no programs; an empty record for
the ``direct`` answer), except for requests whose body contains a trigger word given to
``fail``: those get the fault. So one article of a folder can misbehave while the others are
answered, and a test sees what the user gets for that article and that the rest finish.

Hand-made replies, named as such: nothing here is recorded model traffic.

Run as a program (``python -m tests.faultserver --port N [--delay S] [--start-after S]``) it
stands in for the embedded llama.cpp server in the kill tests: it takes (and ignores) llama.cpp's
arguments, and the options default to ``FAULTSERVER_DELAY`` and ``FAULTSERVER_START_AFTER`` in
the environment, since the code that starts the embedded server passes llama.cpp's options only.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Mode(str, Enum):
    delay = "delay"  # answer well, after ``seconds``
    rate_limited = "429"  # 429 with Retry-After ``seconds``, ``times`` times (None: always)
    server_error = "500"  # 500, ``times`` times (None: always)
    unavailable = "503"  # 503, ``times`` times, then a good answer
    dropped = "drop"  # close the connection without a reply, ``times`` times (None: always)
    malformed = "malformed"  # content that is not JSON
    wrong_shape = "wrong_shape"  # JSON, but not of the schema asked for
    not_in_article = "not_in_article"  # ids, names and values the article does not have
    length = "length"  # finish_reason "length", the JSON cut half-way
    huge = "huge"  # a body of ``size`` bytes
    unauthorized = "401"  # 401, as a server answers a wrong key


@dataclass
class Fault:
    mode: Mode
    times: int | None = None
    seconds: float = 0.0
    size: int = 50 * 1024 * 1024
    hits: int = 0


@dataclass
class Seen:
    """One request as the server received it."""

    at: float
    path: str
    headers: dict[str, str]
    body: str
    fault: Mode | None = None


@dataclass
class FaultServer:
    url: str = ""
    faults: dict[str, Fault] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    delay: float = 0.0  # every good answer waits this long (a slow model)
    announce: bool = False  # print each request's path as it arrives (its log, as a program)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, trigger: str, mode: Mode, **options: Any) -> None:
        """Requests containing ``trigger`` get ``mode`` (see ``Mode`` for the options)."""
        self.faults[trigger] = Fault(mode, **options)

    def seen(self, trigger: str | None = None) -> list[Seen]:
        return [r for r in self.requests if trigger is None or trigger in r.body]


def _last_user(body: dict[str, Any]) -> str:
    users = [m.get("content") or "" for m in body.get("messages", []) if m.get("role") == "user"]
    return str(users[-1]) if users else str(body.get("prompt", ""))


def _properties(body: dict[str, Any]) -> dict[str, Any]:
    """The top-level properties of the schema asked for: in ``response_format`` (a grammar),
    else in the instructions, where instructor writes it after 'json_schema:' (the ``direct``
    prompt asks for any JSON object)."""
    schema = (body.get("response_format") or {}).get("schema")
    if schema is None:
        system = next((str(m.get("content")) for m in body.get("messages", [])
                       if m.get("role") == "system"), "")
        start = system.find("{", system.find("json_schema:"))
        try:
            schema = json.JSONDecoder().raw_decode(system[start:])[0] if start >= 0 else {}
        except json.JSONDecodeError:
            schema = {}
    return dict(schema.get("properties", {}))


def good_content(body: dict[str, Any]) -> str:
    """What a well-behaved model answers for this request's schema."""
    props = _properties(body)
    if "numbers" in props:  # the read strategy's Reading
        ids = re.findall(r"^(n\d+):", _last_user(body), re.MULTILINE)
        return json.dumps({"numbers": [{"id": i, "label": "indicator"} for i in ids],
                           "programs": []})
    if "indicators" in props:  # the direct strategy's answer
        return json.dumps({"indicators": [], "targets": [], "programs": []})
    if "label" in props:  # the candidates strategy's one label
        return json.dumps({"label": "indicator"})
    return "indicator"


def bad_content(mode: Mode, body: dict[str, Any]) -> str:
    props = _properties(body)
    if mode is Mode.malformed:
        return "{numbers: [n1 indicator, programs: ["
    if mode is Mode.wrong_shape:
        return json.dumps({"numbers": {"n1": "indicator"}, "programs": "Posyandu",
                           "indicators": "many", "targets": 7})
    if mode is Mode.not_in_article:
        if "numbers" in props:
            return json.dumps({"numbers": [{"id": "n999", "label": "indicator"}],
                               "programs": [{"name": "Program Tidak Ada Di Artikel"}]})
        return json.dumps({"indicators": [{"quote": "tercatat 987654 kasus",
                                           "value_text": "987654", "what": "kasus stunting"}],
                           "targets": [], "programs": [{"name": "Program Tidak Ada"}]})
    if mode is Mode.length:
        full = good_content(body)
        return full[: max(1, len(full) // 2)]
    raise ValueError(mode)


def completion(content: str, *, chat: bool, finish: str = "stop") -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
    if chat:
        choice["message"] = {"role": "assistant", "content": content}
    else:
        choice["text"] = content
    return {"id": "fault", "object": "chat.completion" if chat else "text_completion",
            "created": 0, "model": "fault-model", "choices": [choice],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._send(200, json.dumps({"object": "list", "data": [{"id": "fault-model"}]}).encode())

    def do_POST(self) -> None:
        state = self.server.state
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        body = json.loads(raw or "{}")
        if state.announce:
            print(f"POST {self.path}", flush=True)
        fault = next((f for trigger, f in state.faults.items() if trigger in raw), None)
        with state.lock:
            active = fault if fault and (fault.times is None or fault.hits < fault.times) else None
            if active:
                active.hits += 1
            state.requests.append(Seen(time.monotonic(), self.path, dict(self.headers.items()),
                                       raw, active.mode if active else None))
        chat = self.path.endswith("/chat/completions")
        if active is None or active.mode is Mode.delay:
            time.sleep(active.seconds if active else state.delay)
            return self._answer(completion(good_content(body), chat=chat))
        mode = active.mode
        if mode is Mode.rate_limited:
            return self._error(429, "rate limited", {"Retry-After": f"{active.seconds:g}"})
        if mode is Mode.server_error:
            return self._error(500, "internal error")
        if mode is Mode.unavailable:
            return self._error(503, "loading model")
        if mode is Mode.unauthorized:
            return self._error(401, "Incorrect API key provided")
        if mode is Mode.dropped:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if mode is Mode.huge:
            pad = max(0, active.size - 200)
            content = '{"numbers": [], "programs": [], "pad": "' + "x" * pad + '"}'
            return self._answer(completion(content, chat=chat))
        finish = "length" if mode is Mode.length else "stop"
        return self._answer(completion(bad_content(mode, body), chat=chat, finish=finish))

    def _answer(self, payload: dict[str, Any]) -> None:
        self._send(200, json.dumps(payload).encode())

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        # Servers echo what they were sent, the way careless ones do: the Authorization value,
        # its bare token, a Basic header decoded, every header; the canary tests
        # (tests/test_secrets.py) check none of it is ever written down or shown.
        echo = self.headers.get("Authorization", "")
        token = echo.partition(" ")[2]
        if echo.lower().startswith("basic "):
            token = base64.b64decode(token).decode("utf-8", "replace")
        payload = {"error": {"message": f"{message} (you sent {echo}; token {token})",
                             "code": status, "headers": dict(self.headers.items())}}
        self._send(status, json.dumps(payload).encode(), headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (killed) mid-answer is no error of the server's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __init__(self, state: FaultServer, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.state = state


def start(port: int = 0) -> tuple[FaultServer, _Server]:
    state = FaultServer()
    server = _Server(state, port)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=float(os.environ.get(
        "FAULTSERVER_DELAY", 0)), help="seconds before each answer")
    parser.add_argument("--start-after", type=float, default=float(os.environ.get(
        "FAULTSERVER_START_AFTER", 0)), help="seconds before it listens (a model loading)")
    known, _ = parser.parse_known_args()  # llama.cpp's other arguments are ignored
    time.sleep(known.start_after)
    state = FaultServer(delay=known.delay, announce=True)
    server = _Server(state, known.port)
    server.serve_forever()


if __name__ == "__main__":
    main()
