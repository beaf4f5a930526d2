"""A latency double: a loopback OpenAI-compatible server that answers every call after a fixed
delay, with a made-up answer, so the pipeline's concurrency can be tested and benchmarked
without a model. It is not a model and its answers are not model traffic: a chat call (the
``read`` strategy) gets every number id listed in its last message (``n1: ...`` lines) labelled
an indicator and no program, a completion gets " other", and the usage it reports is counted
from the request (a quarter of its characters as prompt tokens, ten completion tokens).

An article whose text holds ``SLOW_MARKER`` is answered after ``slow_seconds`` instead, to show
that a slow article does not hold the others up.

``serve`` runs the double in a thread of the caller's process (what the tests need: its
``requests`` are read directly); ``serve_apart`` runs it in a process of its own, as a remote
endpoint is, so that its work does not take the caller's interpreter lock: benchmark 1 measures
the pipeline's throughput, not the double's.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SLOW_MARKER = "LAMBAT-SEKALI"
_ID = re.compile(r"^(n\d+): ", re.MULTILINE)
MODEL = "latency-double"
COUNT_PATH = "/double/count"  # how many calls the double has answered, for a caller apart


@dataclass
class Double:
    url: str
    delay: float
    slow_seconds: float
    requests: list[float] = field(default_factory=list)  # when each request arrived
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.requests)


def _handler(double: Double) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go out as two writes; with Nagle's algorithm the body waited
        # for the client's delayed ACK of the headers, about 40 ms on Linux, so every call took
        # 340 ms, not 300 (bench/RESULTS.md, 3 December 2026 afternoon).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _send(self, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.endswith(COUNT_PATH):
                self._send({"count": double.count})
                return
            self._send({"object": "list", "data": [{"id": MODEL, "object": "model"}]})

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            with double.lock:
                double.requests.append(time.monotonic())
            text = json.dumps(body.get("prompt") or body.get("messages") or "")
            time.sleep(double.slow_seconds if SLOW_MARKER in text else double.delay)
            usage = {"prompt_tokens": len(text) // 4, "completion_tokens": 10,
                     "total_tokens": len(text) // 4 + 10}
            common = {"id": "double", "created": 0, "model": MODEL, "usage": usage}
            if self.path.endswith("/chat/completions"):
                last = str(body["messages"][-1].get("content", ""))
                numbers = [{"id": i, "label": "indicator"} for i in _ID.findall(last)]
                answer = {"numbers": numbers, "programs": []}
                message = {"role": "assistant", "content": json.dumps(answer)}
                self._send({**common, "object": "chat.completion", "choices": [
                    {"index": 0, "message": message, "finish_reason": "stop"}]})
            else:
                self._send({**common, "object": "text_completion", "choices": [
                    {"index": 0, "text": " other", "finish_reason": "stop", "logprobs": None}]})

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 64 clients at once must not be refused


def _bind(delay: float, slow_seconds: float) -> tuple[_Server, Double]:
    server = _Server(("127.0.0.1", 0), BaseHTTPRequestHandler)
    double = Double(f"http://127.0.0.1:{server.server_address[1]}/v1", delay, slow_seconds)
    server.RequestHandlerClass = _handler(double)
    return server, double


@contextmanager
def serve(delay: float = 0.3, slow_seconds: float = 3.0) -> Iterator[Double]:
    """The double on a free loopback port for as long as the block lasts."""
    server, double = _bind(delay, slow_seconds)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield double
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class ApartDouble:
    """The caller's handle on a double in another process: its address and its call count."""

    url: str

    @property
    def count(self) -> int:
        with urllib.request.urlopen(self.url + COUNT_PATH, timeout=10) as reply:
            return int(json.load(reply)["count"])


def _serve_in_child(delay: float, slow_seconds: float, url_out: Any) -> None:
    server, double = _bind(delay, slow_seconds)
    url_out.send(double.url)
    server.serve_forever()


@contextmanager
def serve_apart(delay: float = 0.3, slow_seconds: float = 3.0) -> Iterator[ApartDouble]:
    """The double in a process of its own (spawned, so none of the caller's threads or state
    go with it) for as long as the block lasts."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_serve_in_child, args=(delay, slow_seconds, send),
                            daemon=True)
    child.start()
    try:
        if not receive.poll(60):
            raise RuntimeError("the latency double's process did not start within 60 s")
        yield ApartDouble(receive.recv())
    finally:
        child.terminate()
        child.join(10)
