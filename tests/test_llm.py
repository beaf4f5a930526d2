"""The model client against hand-made HTTP replies (unit-test fixtures, not recorded traffic):
retries, error translation, salvage after failed re-asks, caching, secrets."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import diskcache
import httpx2
import instructor
import openai
import pytest

from llmextract.credentials import redact
from llmextract.errors import EndpointError, RequestError, UsageError
from llmextract.llm import AnswerFormat, Endpoint, ModelClient, public_url
from llmextract.models import Extraction

SOURCE = "Jumlah kasus stunting tercatat 242 kasus pada 2025."
KEY = (
    "sk-" + "live-abcdefghijklmnopqrstuvwxyz123456"
)  # split so secret scanners do not trip on a fake


def chat_reply(content: str) -> httpx2.Response:
    body = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }
    return httpx2.Response(200, json=body)


def record_json(value_text: str) -> str:
    return json.dumps(
        {
            "indicators": [
                {
                    "name": "kasus stunting",
                    "value": 242,
                    "value_text": value_text,
                    "quote": "tercatat 242 kasus",
                }
            ],
            "targets": [],
            "programs": [],
        }
    )


PASSWORD = "llm" + "PASS-m3n5b7v9c1x2"


def client_with(
    replies: list[Callable[[], httpx2.Response]], cache: diskcache.Cache | None = None,
    endpoint: Endpoint | None = None,
) -> tuple[ModelClient, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return replies[min(len(seen), len(replies)) - 1]()

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    endpoint = endpoint or Endpoint(
        model="m", base_url="http://user:pw@127.0.0.1:9/v1?token=t", api_key=KEY)
    return ModelClient(endpoint, cache=cache, http_client=http, transport_attempts=3), seen


def ask(client: ModelClient) -> object:
    return client.structured(
        [{"role": "user", "content": "{{ source }}"}],
        Extraction,
        source=SOURCE,
        params={"temperature": 0},
        prompt_version="p@1",
    )


def test_rate_limit_is_retried_then_succeeds() -> None:
    client, seen = client_with(
        [
            lambda: httpx2.Response(
                429, headers={"retry-after": "0"}, json={"error": {"message": "slow down"}}
            ),
            lambda: chat_reply(record_json("242")),
        ]
    )
    got = ask(client)
    assert len(seen) == 2
    assert got.value.indicators[0].value == 242
    assert got.problems == []


@pytest.mark.parametrize(
    ("status", "error", "says"),
    [
        (401, EndpointError, "API key was refused"),
        (404, EndpointError, "not found"),
        (400, RequestError, "refused the request"),
    ],
    ids=["bad-key-stops-run", "unknown-model-stops-run", "bad-request-fails-article"],
)
def test_permanent_errors_are_not_retried_and_never_show_the_key(
    status: int, error: type, says: str
) -> None:
    client, seen = client_with(
        [
            lambda: httpx2.Response(
                status, json={"error": {"message": f"Incorrect API key provided: {KEY}"}}
            )
        ]
    )
    with pytest.raises(error) as info:
        ask(client)
    assert len(seen) == 1
    assert says in str(info.value)
    assert KEY not in str(info.value) and "sk-live" not in str(info.value)
    assert "user:pw" not in str(info.value) and "token=t" not in str(info.value)


def test_value_not_in_article_is_reasked_then_kept_with_its_problem() -> None:
    client, seen = client_with([lambda: chat_reply(record_json("241"))])
    got = ask(client)
    assert len(seen) == 3  # first answer and two re-asks
    assert (
        "does not appear in the article" in json.loads(seen[1].content)["messages"][-1]["content"]
    )
    assert got.value.indicators[0].value_text == "241"  # kept, so the checks can flag it
    assert any("value_text '241'" in p for p in got.problems)


def test_second_identical_call_comes_from_the_cache(tmp_path) -> None:
    cache = diskcache.Cache(str(tmp_path / "c"))
    client, seen = client_with([lambda: chat_reply(record_json("242"))], cache)
    first, second = ask(client), ask(client)
    assert len(seen) == 1
    assert second.value.model_dump() == first.value.model_dump()
    assert second.usage.cached_calls == 1
    assert KEY not in repr([cache[k] for k in cache.iterkeys()])


def test_redact_and_public_url() -> None:
    assert redact(f"key {KEY} and Bearer " + "abc.def") == "key [redacted] and [redacted]"
    assert public_url("https://u:p@host:8443/v1?k=1") == "https://host:8443/v1"


@pytest.mark.parametrize(("key", "bearer"), [(KEY, KEY), ("", PASSWORD)], ids=["key", "no-key"])
def test_credentials_in_the_url_go_as_the_bearer_key_never_as_basic(key: str, bearer: str) -> None:
    endpoint = Endpoint(model="m", base_url=f"http://ana:{PASSWORD}@127.0.0.1:9/v1", api_key=key)
    client, seen = client_with([lambda: chat_reply(record_json("242"))], endpoint=endpoint)
    ask(client)
    [request] = seen
    assert request.headers["authorization"] == f"Bearer {bearer}"
    assert str(request.url) == "http://127.0.0.1:9/v1/chat/completions"
    assert client.endpoint.base_url == "http://127.0.0.1:9/v1"
    assert PASSWORD not in repr(client.endpoint)


def test_an_error_body_echoing_the_password_and_basic_header_is_redacted() -> None:
    basic = base64.b64encode(f"ana:{PASSWORD}".encode()).decode()
    endpoint = Endpoint(model="m", base_url=f"http://ana:{PASSWORD}@127.0.0.1:9/v1")
    echo = {"error": {"message": f"bad: {PASSWORD}, Basic {basic}, token {basic}",
                      "headers": {"Authorization": f"Bearer {PASSWORD}"}}}
    client, _ = client_with([lambda: httpx2.Response(400, json=echo)], endpoint=endpoint)
    with pytest.raises(RequestError) as info:
        ask(client)
    message = str(info.value)
    assert "refused the request" in message and "http://127.0.0.1:9/v1" in message
    assert PASSWORD not in message and basic not in message and PASSWORD[-8:] not in message


def test_the_cache_key_holds_neither_the_key_nor_the_password() -> None:
    payload = {"messages": [{"role": "user", "content": "x"}]}
    with_secrets = ModelClient(
        Endpoint(model="m", base_url=f"http://ana:{PASSWORD}@127.0.0.1:9/v1", api_key=KEY))
    without = ModelClient(Endpoint(model="m", base_url="http://127.0.0.1:9/v1"))
    key = with_secrets.key("structured", payload)
    assert key == without.key("structured", payload)  # nothing of a secret, not even hashed
    assert PASSWORD not in key and KEY not in key


@pytest.mark.parametrize(
    ("setting", "prompt_asks", "sent"),
    [
        (None, None, "schema"),  # the default: a grammar of the schema
        (None, "json", {"type": "json_object"}),  # the prompt's own choice
        (None, "text", None),
        (AnswerFormat.schema, "json", "schema"),  # the endpoint's setting wins
        (AnswerFormat.json, None, {"type": "json_object"}),
    ],
    ids=["default", "prompt-json", "prompt-text", "setting-over-prompt", "setting-json"],
)
def test_the_answer_format_sent_is_the_endpoints_then_the_prompts(
    setting: AnswerFormat | None, prompt_asks: str | None, sent: object
) -> None:
    client, seen = client_with([lambda: chat_reply(record_json("242"))])
    client.answer_format = setting
    params: dict[str, object] = {"temperature": 0}
    if prompt_asks:
        params["answer_format"] = prompt_asks
    client.structured([{"role": "user", "content": "{{ source }}"}], Extraction, source=SOURCE,
                      params=params, prompt_version="p@1")
    body = json.loads(seen[-1].content)
    assert "answer_format" not in body  # ours, never sent to the endpoint
    if sent == "schema":
        assert body["response_format"]["schema"]["title"] == "Extraction"
    else:
        assert body.get("response_format") == sent


def test_an_unknown_answer_format_names_the_prompt_and_the_choices() -> None:
    client, _ = client_with([lambda: chat_reply(record_json("242"))])
    with pytest.raises(UsageError, match=r"prompt p@1: answer format 'yaml' unknown; choose "
                                         r"schema, json, text"):
        client.structured([{"role": "user", "content": "x"}], Extraction, source=SOURCE,
                          params={"answer_format": "yaml"}, prompt_version="p@1")


# An article that templating could upset: a literal "{{", Jinja block and comment marks,
# indented lines and a whitespace-only line (instructor's rendering dedents), a trailing newline.
AWKWARD = ("Judul {{ source }} {% if x %} {# bukan komentar #}\n    Jumlah kasus stunting tercatat "
           "242 kasus pada 2025.\n    \n    Baris kedua }} {{\n")
# One with no line opening with a blank, which the client's dedent passes through untouched.
FLUSH = "Judul\nJumlah kasus stunting tercatat 242 kasus pada 2025.\n\nBaris kedua.\n"


def tool_reply(request: httpx2.Request, arguments: str) -> httpx2.Response:
    """``arguments`` as a call of the tool the request offers (OpenAI's tool-call mode)."""
    name = json.loads(request.content)["tools"][0]["function"]["name"]
    reply = chat_reply("").json()
    reply["choices"][0]["message"] = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": name, "arguments": arguments}}]}
    return httpx2.Response(200, json=reply)


@pytest.mark.parametrize("source", [AWKWARD, FLUSH])
@pytest.mark.parametrize("mode", [instructor.Mode.MD_JSON, instructor.Mode.TOOLS])
def test_the_requests_are_the_bytes_instructors_own_create_sends(mode: instructor.Mode,
                                                                  source: str) -> None:
    """The client prepares instructor's request once and renders the templates itself; the bytes
    sent, the re-asks' too, must be what instructor's patched ``create`` sends, or the
    cassettes stop replaying."""
    answers = [record_json("241"), "not JSON", record_json("242")]
    messages = [{"role": "system", "content": "Baca artikel ini.\n  Sebutkan {{ numbers }}."},
                {"role": "user", "content": "Artikel:\n{{ source }}\n"}]
    params = {"temperature": 0, "max_tokens": 50}
    variables = {"numbers": "n1: {{ 242 }}"}

    def sent_by(ask: Callable[[httpx2.Client], object]) -> list[bytes]:
        seen: list[httpx2.Request] = []

        def handler(request: httpx2.Request) -> httpx2.Response:
            seen.append(request)
            answer = answers[len(seen) - 1]
            return tool_reply(request, answer) if "tools" in json.loads(request.content) \
                else chat_reply(answer)

        ask(httpx2.Client(transport=httpx2.MockTransport(handler)))
        return [request.content for request in seen]

    def ours(http: httpx2.Client) -> object:
        client = ModelClient(Endpoint(model="m", base_url="http://127.0.0.1:9/v1"), mode=mode,
                             http_client=http)
        return client.structured(messages, Extraction, source=source, params=params,
                                 prompt_version="p@1", context=variables)

    def instructors(http: httpx2.Client) -> object:
        sdk = openai.OpenAI(api_key="not-needed", base_url="http://127.0.0.1:9/v1",
                            max_retries=0, http_client=http)
        extra = ({"response_format": {"type": "json_object",
                                      "schema": Extraction.model_json_schema()}}
                 if mode == instructor.Mode.MD_JSON else {})
        return instructor.from_openai(sdk, mode=mode).chat.completions.create_with_completion(
            model="m", messages=messages, response_model=Extraction,  # type: ignore[arg-type]
            max_retries=2, context={**variables, "source": source}, **params, **extra)

    sent = sent_by(ours)
    assert len(sent) == 3  # the answer, a re-ask for the value, one for the JSON
    assert sent == sent_by(instructors)


def test_every_request_a_reask_too_waits_for_the_limiter() -> None:
    waited: list[int] = []
    client, seen = client_with([lambda: chat_reply(record_json("241"))])
    client.limiter = lambda: waited.append(len(seen))
    ask(client)
    assert waited == [0, 1, 2]  # before the first request and before each of the two re-asks
