"""One way to talk to a model: the ``openai`` client wrapped by ``instructor``, with one retry
layer for the transport (tenacity) and one cache (diskcache).

Retries. The SDK's own retries are switched off (``max_retries=0``) so that tenacity is the
only transport retry layer: it retries connection errors, timeouts, 429 and 5xx with random
exponential backoff, honouring ``Retry-After``. Validation failures are instructor's business:
it re-asks the model up to ``validation_retries`` times, and what still fails is returned with
its problems (never dropped). 401/403/404 are permanent and raise ``EndpointError`` at once.

Unusable answers fail the article (``AnswerError``), never pass as an empty success: an answer
cut at ``max_tokens`` (``finish_reason: length``), one that is still not JSON of the schema
after the re-asks, and one larger than ``MAX_ANSWER_CHARS``. A server that accepted the
connection and then dropped it, or did not answer within the timeout, fails that article; a
server that refuses connections stops the run (it is down, every article would fail alike).
Failures are not cached, so a rerun asks again.

Cache keys. A call is cached under the sha256 of the canonical JSON of everything that can change
its answer: model, endpoint fingerprint (base URL, or the GGUF's sha256 for the embedded model,
because llama.cpp answers any model name with whatever it loaded), the rendered messages or
prompt, the article text, the response schema, the sampling parameters and the prompt version.
Keys never include the API key or a password of the base URL (the endpoint is named by its
public URL, without user info); cached values never include headers, and the problems they keep
are redacted (``credentials.redact``) like every message.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache
from textwrap import dedent
from typing import Any, TypeVar

import diskcache
import httpx2
import instructor
import jinja2
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.retry import retry_sync
from instructor.processing import handle_response_model
from instructor.utils import Provider
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from .credentials import endpoint_credentials, redact
from .errors import AnswerError, EndpointError, LLMExtractError, RequestError, UsageError
from .models import Usage, short_hash

M = TypeVar("M", bound=BaseModel)

TRANSIENT = (
    openai.APIConnectionError,  # includes APITimeoutError
    openai.RateLimitError,
    openai.InternalServerError,
)
PERMANENT = (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)
# No structured answer of this project comes near this (max_tokens is 1400 or less); a body
# this large is a broken server, not an answer worth validating.
MAX_ANSWER_CHARS = 1_000_000

class AnswerFormat(str, Enum):
    """How a JSON answer is asked of an endpoint that takes ``response_format`` (every mode but
    OpenAI's tool calls). ``schema``: a JSON object of the response schema, which llama.cpp,
    vLLM and Ollama enforce by a grammar built from it; ``json``: any JSON object (llama.cpp's
    generic JSON grammar), the schema only in the instructions; ``text``: no
    ``response_format``, the JSON read from the answer's text. A grammar of the schema made
    Qwen2.5-Coder-1.5B close every list of the ``direct`` record at once (docs/quality.md), so a
    prompt may ask for another (``params.answer_format``) and an endpoint's setting wins."""

    schema = "schema"
    json = "json"
    text = "text"


def answer_format(name: object, where: str) -> AnswerFormat:
    """``name`` as an ``AnswerFormat``; anything else is a usage error naming ``where``."""
    try:
        return AnswerFormat(name)
    except ValueError:
        choices = ", ".join(f.value for f in AnswerFormat)
        raise UsageError(f"{where}: answer format {name!r} unknown; choose {choices}") from None


def public_url(url: str | None) -> str | None:
    """A base URL safe to print and store: no user info, no query string."""
    if not url:
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass(frozen=True)
class Endpoint:
    """Where the model lives. ``fingerprint`` identifies the weights when the name cannot.

    ``start``: for a server started on demand (the embedded one), starts it (once, whoever
    asks) and returns its base URL. ``ModelClient`` calls it before its first request that the
    cache does not answer, so a fully cached re-run starts no server and does no network I/O."""

    model: str
    base_url: str | None = None
    api_key: str = field(default="", repr=False)
    fingerprint: str = ""
    embedded: bool = False
    start: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        if self.base_url is None and self.start is not None:
            return "embedded llama.cpp server (not started: every call was cached)"
        return public_url(self.base_url) or "https://api.openai.com/v1"


@dataclass
class Structured:
    """The result of one structured call: the object (possibly only leniently validated), the
    problems that survived the re-asks, and the usage."""

    value: BaseModel | None
    problems: list[str]
    usage: Usage


def _unwrap(exc: BaseException) -> BaseException:
    """instructor wraps transport errors in ``InstructorRetryException``: find the real one."""
    seen = exc
    while seen.__cause__ is not None and not isinstance(seen, openai.APIError):
        seen = seen.__cause__
    return seen


def _is_transient(exc: BaseException) -> bool:
    return isinstance(_unwrap(exc), TRANSIENT)


def _wait(state: RetryCallState) -> float:
    """Backoff, but never shorter than the server's ``Retry-After``."""
    base = wait_random_exponential(multiplier=0.5, max=20)(state)
    exc = state.outcome.exception() if state.outcome else None
    root = _unwrap(exc) if exc else None
    if isinstance(root, openai.APIStatusError):
        after = root.response.headers.get("retry-after")
        if after and after.replace(".", "", 1).isdigit():
            return max(base, min(float(after), 60.0))
    return base


def _endpoint_error(endpoint: Endpoint, exc: BaseException) -> LLMExtractError:
    """Endpoint-wide failures stop the run (``EndpointError``); a refusal of one request (400,
    422, a 5xx that persisted through the retries) fails only that article (``RequestError``)."""
    root = _unwrap(exc)
    where = f"{endpoint.label} (model {endpoint.model!r})"
    if isinstance(root, openai.APIStatusError) and not isinstance(root, PERMANENT):
        first = redact(str(root).splitlines()[0])[:300]
        return RequestError(f"model endpoint {where} refused the request: {first}")
    if isinstance(root, openai.APITimeoutError):
        return RequestError(f"model endpoint {where} gave no answer within the timeout, "
                            "after retries")
    if isinstance(root, openai.APIConnectionError) and not isinstance(
        root.__cause__, httpx2.ConnectError
    ):
        cause = redact(str(root.__cause__ or root).splitlines()[0])[:200]
        return RequestError(f"model endpoint {where} dropped the connection, after retries "
                            f"({cause})")
    if isinstance(root, openai.AuthenticationError):
        why = "the API key was refused (401); set OPENAI_API_KEY or pass the right key"
    elif isinstance(root, openai.NotFoundError):
        why = "not found (404): check --model and --base-url"
    elif isinstance(root, openai.PermissionDeniedError):
        why = "permission denied (403)"
    elif isinstance(root, openai.APIConnectionError):
        why = "unreachable after retries; is the server running and the URL right?"
    else:
        why = redact(str(root).splitlines()[0] if str(root) else type(root).__name__)
    return EndpointError(f"model endpoint {where}: {why}")


def _usage_of(completion: Any) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage(calls=1)
    return Usage(
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
        calls=1,
    )


def _unusable(err: ValidationError) -> str:
    """Why an answer cannot be used, in one line: not JSON at all, or JSON of another shape."""
    errors = err.errors(include_url=False, include_input=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return f"the answer is not valid JSON ({errors[0]['msg']})"
    where = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in errors[:3])
    return f"the answer is JSON but not of the schema asked for ({len(errors)} errors: {where})"


def _content(completion: Any) -> str | None:
    try:
        return completion.choices[0].message.content or None  # type: ignore[union-attr]
    except (AttributeError, IndexError):
        return None


@lru_cache(maxsize=64)
def _schema(response_model: type[BaseModel]) -> dict[str, Any]:
    """A response model's JSON schema, built once: pydantic builds it anew on every call, which
    was a third of a cached re-run's time. Callers must not change it."""
    return response_model.model_json_schema()


Messages = tuple[tuple[tuple[str, Any], ...], ...]


@lru_cache(maxsize=256)
def _request(mode: instructor.Mode, response_model: type[BaseModel], messages: Messages
             ) -> tuple[type[BaseModel], dict[str, Any]]:
    """instructor's request for ``messages`` (still templates) and its runtime model of
    ``response_model``, prepared once: instructor's patched ``create`` prepares both on every
    call (a new pydantic model by ``create_model``, its JSON schema built and printed into the
    messages, a quarter of a call's CPU), though they depend only on the model, the mode and
    the messages, which are the same for every article of a prompt. Callers copy before
    changing anything."""
    return handle_response_model(response_model, mode=mode, provider=Provider.OPENAI,
                                 messages=[dict(m) for m in messages])


# instructor renders each message with a new SandboxedEnvironment of the default options;
# the same options here render the same text.
_JINJA = SandboxedEnvironment()


@lru_cache(maxsize=256)
def _template(text: str) -> jinja2.Template:
    """A message's template, compiled once (instructor compiles it on every call)."""
    return _JINJA.from_string(text)


def _dedent(text: str) -> str:
    """``textwrap.dedent``, which returns a text none of whose lines opens with a blank as it
    is, without its two passes over the text (an article in every call)."""
    if text[:1] not in (" ", "\t") and "\n " not in text and "\n\t" not in text:
        return text
    return dedent(text)


def _rendered(messages: list[dict[str, Any]], variables: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages as instructor's templating renders them (``dedent`` of the rendered text,
    OpenAI-style string contents only), so the request bodies stay the same bytes."""
    return [{**m, "content": _dedent(_template(m["content"]).render(**variables))}
            if isinstance(m.get("content"), str) else dict(m) for m in messages]


class ModelClient:
    """A model endpoint with caching and retries; strategies receive one and never build their own."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        cache: diskcache.Cache | None = None,
        mode: instructor.Mode = instructor.Mode.MD_JSON,
        answer_format: AnswerFormat | None = None,
        validation_retries: int = 2,
        transport_attempts: int = 4,
        timeout: float = 300.0,
        http_client: httpx2.Client | None = None,
        limiter: Callable[[], object] | None = None,
    ) -> None:
        """``limiter``: called before every request that goes out (never for a cached answer),
        blocking until the request may go: a requests-per-minute limit (``--rpm``).
        ``answer_format``: how every answer is asked of this endpoint; None lets each prompt
        choose (its ``params.answer_format``, else ``schema``)."""
        # Credentials in the URL go as the Bearer key, never as Basic (credentials.py); the
        # endpoint kept (and shown, and pickled to workers) has a URL without them.
        base_url, api_key = endpoint_credentials(endpoint.base_url, endpoint.api_key)
        self.endpoint = endpoint = replace(endpoint, base_url=base_url, api_key=api_key)
        self._starting = threading.Lock()
        self.limiter = limiter
        self.cache = cache
        self.mode = mode
        self.answer_format = answer_format
        self.validation_retries = validation_retries
        self.transport_attempts = transport_attempts
        self.openai = openai.OpenAI(
            api_key=api_key or "not-needed",
            base_url=base_url,
            max_retries=0,
            timeout=timeout,
            http_client=http_client,
        )
        self._create: Callable[..., Any] | None = None

    def format_for(self, params: dict[str, Any], prompt_version: str) -> AnswerFormat:
        """How a request with a prompt's ``params`` is asked: this endpoint's setting, else the
        prompt's ``answer_format``, else ``schema``."""
        asked = params.get("answer_format", AnswerFormat.schema.value)
        return self.answer_format or answer_format(asked, f"prompt {prompt_version}")

    def started(self) -> Endpoint:
        """The endpoint with its server running: ``Endpoint.start`` called on the first need
        (threads asking at once wait for the one start)."""
        with self._starting:
            if self.endpoint.start is not None:
                url = self.endpoint.start()
                self.openai.base_url = url
                self.endpoint = replace(self.endpoint, base_url=url, start=None)
        return self.endpoint

    def _send(self, **request: Any) -> Any:
        """One chat request by the SDK, after the limiter. The SDK's ``create`` is looked up on
        the first request the cache does not answer: the lookup imports the SDK's resources,
        most of a second of CPU that a cached re-run does not need.

        The messages go as the body's own ``messages`` (``extra_body`` replaces the key in
        place, so the bytes are the same): the SDK otherwise walks every message against each
        of its message types, an identity for messages of plain string contents that costs
        about 1 ms a call, a fifth of the client's CPU at concurrency 32 (bench/RESULTS.md)."""
        with self._starting:
            if self._create is None:
                self._create = self.openai.chat.completions.create
        self._before_request()
        body = {"messages": request.pop("messages"), **request.pop("extra_body", {})}
        return self._create(messages=[], extra_body=body, **request)

    def _ask(self, messages: list[dict[str, str]], response_model: type[BaseModel],
             variables: dict[str, Any], kwargs: dict[str, Any]) -> tuple[BaseModel, Any]:
        """One structured call through instructor's retry loop, which validates the answer
        against the response model with ``variables`` as the validation context and re-asks on
        errors; every request it sends (a re-ask too) goes by ``_send``. What instructor's
        patched ``create`` does before that loop is done here, with what is the same for every
        article prepared once (``_request``) and the templates compiled once (``_template``):
        the same request bytes for about half the CPU of a call (bench/RESULTS.md)."""
        model, request = _request(self.mode, response_model,
                                  tuple(tuple(m.items()) for m in messages))
        value = retry_sync(
            func=self._send,
            response_model=model,
            args=(),
            kwargs={**kwargs, **request, "messages": _rendered(request["messages"], variables)},
            context=variables,
            max_retries=self.validation_retries,
            strict=True,
            mode=self.mode,
            provider=Provider.OPENAI,
        )
        return value, value._raw_response  # type: ignore[union-attr]

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.transport_attempts),
            wait=_wait,
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )

    def _before_request(self) -> None:
        if self.limiter is not None:
            self.limiter()

    def key(self, kind: str, payload: dict[str, Any]) -> str:
        """The cache key of ``payload`` asked of this model: with the model's name, the endpoint's
        fingerprint and the answer mode, never a secret."""
        return kind + ":" + short_hash(
            {"model": self.endpoint.model, "endpoint": self.endpoint.fingerprint
             or self.endpoint.label, "mode": self.mode.value, **payload}, 64)

    def _cached(self, key: str) -> Any | None:
        return self.cache.get(key) if self.cache is not None else None

    def _store(self, key: str, value: Any) -> None:
        if self.cache is not None:
            self.cache.set(key, value)

    def structured(
        self,
        messages: list[dict[str, str]],
        response_model: type[M],
        *,
        source: str,
        params: dict[str, Any],
        prompt_version: str,
        context: dict[str, str] | None = None,
    ) -> Structured:
        """Ask for ``response_model``; validators see the article as ``info.context['source']``.

        Messages may reference the article as ``{{ source }}`` (they are rendered as templates,
        as instructor renders them when given a context, so the article itself must not be
        pasted in: a ``{{`` inside it would break the rendering). ``context`` adds other such
        variables (text taken from the article, like the candidate list), rendered the same
        way."""
        schema = _schema(response_model)
        chosen = self.format_for(params, prompt_version)
        sent = {k: v for k, v in params.items() if k != "answer_format"}
        extra: dict[str, Any] = {}
        if self.mode == instructor.Mode.MD_JSON and chosen is not AnswerFormat.text:
            # llama.cpp's server (and vLLM, Ollama) turn the schema into a grammar; OpenAI's
            # json_schema form is refused by llama.cpp.
            extra["response_format"] = (
                {"type": "json_object", "schema": schema}
                if chosen is AnswerFormat.schema else {"type": "json_object"}
            )
        variables = {**(context or {}), "source": source}
        key = self.key("structured", {"messages": messages, "source": source, "schema": schema,
                                       "params": params, "prompt": prompt_version,
                                       **({"context": context} if context else {}),
                                       **({"answer_format": chosen.value}
                                          if self.answer_format else {})})
        hit = self._cached(key)
        if hit is not None:
            value = response_model.model_validate(hit["value"]) if hit["value"] is not None else None
            return Structured(value, hit["problems"], Usage(calls=0, cached_calls=1))

        self.started()
        usage = Usage()
        problems: list[str] = []
        value: BaseModel | None
        try:
            for attempt in self._retrying():
                with attempt:
                    value, completion = self._ask(
                        messages, response_model, variables,
                        {"model": self.endpoint.model, **sent, **extra},
                    )
            usage = usage.add(_usage_of(completion))
            self._check_size(_content(completion))
        except InstructorRetryException as exc:
            root = _unwrap(exc)
            if isinstance(root, openai.APIError):
                raise _endpoint_error(self.endpoint, exc) from None
            if isinstance(root, IncompleteOutputException):
                raise self._cut() from None
            usage = usage.add(Usage(calls=exc.n_attempts))
            self._check_size(_content(exc.last_completion))
            value, problems = self._salvage(exc, response_model)
            if value is None:
                reason = problems[-1].strip().splitlines()[0][:300] if problems else "no answer"
                tries = f"{exc.n_attempts} attempt{'s' if exc.n_attempts != 1 else ''}"
                raise AnswerError(
                    f"model endpoint {self._where()} gave no usable answer after {tries}: "
                    f"{reason}"
                ) from None
        except IncompleteOutputException:
            raise self._cut() from None
        except openai.APIError as exc:
            raise _endpoint_error(self.endpoint, exc) from None
        self._store(key, {"value": value.model_dump(mode="json") if value else None,
                          "problems": problems})
        return Structured(value, problems, usage)

    def _where(self) -> str:
        return f"{self.endpoint.label} (model {self.endpoint.model!r})"

    def _cut(self) -> AnswerError:
        return AnswerError(
            f"model endpoint {self._where()}: the answer was cut at max_tokens "
            "(finish_reason 'length'), so its JSON is incomplete; raise max_tokens in the "
            "prompt file or use a model with a longer output"
        )

    def _check_size(self, content: str | None) -> None:
        if content is not None and len(content) > MAX_ANSWER_CHARS:
            raise AnswerError(
                f"model endpoint {self._where()}: an answer of {len(content) / 1e6:.1f} million "
                f"characters, over the limit of {MAX_ANSWER_CHARS / 1e6:g} million; refused "
                "unread"
            )

    @staticmethod
    def _salvage(exc: InstructorRetryException, response_model: type[M]) -> tuple[M | None, list[str]]:
        """After the re-asks ran out, keep what the model said (validated without the grounding
        context, so only the shape is enforced) and record why it failed: the checks then flag
        every ungrounded value instead of the whole answer silently disappearing."""
        problems = [redact(str(e.exception)).strip()[:2000] for e in exc.failed_attempts[-1:]] or [
            redact(str(exc))[:2000]
        ]
        text = _content(exc.last_completion)
        if not text:
            return None, problems
        match = re.search(r"\{.*\}", text, re.DOTALL)
        try:
            return response_model.model_validate_json(match.group(0) if match else text), problems
        except ValidationError as err:
            return None, [*problems, _unusable(err)]

    def complete(self, prompt: str, *, params: dict[str, Any], prompt_version: str) -> tuple[str, Usage]:
        """A plain completion (``/v1/completions``): the right tool for a base model with no chat
        template; constrain the output with ``params['extra_body']`` (e.g. a grammar or schema)."""
        key = self.key("complete", {"prompt": prompt, "params": params, "version": prompt_version})
        hit = self._cached(key)
        if hit is not None:
            return hit, Usage(cached_calls=1)
        self.started()
        try:
            for attempt in self._retrying():
                with attempt:
                    self._before_request()
                    completion = self.openai.completions.create(
                        model=self.endpoint.model, prompt=prompt, **params
                    )
        except openai.APIError as exc:
            raise _endpoint_error(self.endpoint, exc) from None
        text = completion.choices[0].text
        self._store(key, text)
        return text, _usage_of(completion)
