"""Settings, resolved once: command-line flags, then environment variables, then defaults.

    LLMEXTRACT_MODEL      model name                      (--model)
    LLMEXTRACT_BASE_URL   OpenAI-compatible base URL      (--base-url)
    OPENAI_API_KEY        key for the endpoint            (never a flag: it would land in shell history)
    LLMEXTRACT_CACHE_DIR  cache folder (model calls, the assembled GGUF); default: the user cache dir
    LLMEXTRACT_STRATEGY   read | direct | candidates      (--strategy)
    LLMEXTRACT_PROMPT     prompt template name            (--prompt)
    LLMEXTRACT_TIMEOUT    seconds to wait for one answer  (--timeout; default 300)
    LLMEXTRACT_ANSWER_FORMAT  schema | json | text        (--answer-format; default: the prompt's)

The answer format says how a JSON answer is asked of an endpoint (``llm.AnswerFormat``): unset,
each prompt asks as it was measured to work best (``read``: a grammar of its schema; ``direct``:
any JSON object); set, it holds for every request, for an endpoint that refuses one or does
better with another. OpenAI itself (no base URL) answers by tool calls and ignores it.

Credentials in the base URL (``http://user:pass@host/v1``) are taken out of it at once: the URL
is kept, sent, shown and recorded without them, nothing is sent as Basic authentication, and
the key goes as the Bearer token: ``OPENAI_API_KEY`` when set, else the URL's password (else a
lone user name, as in ``http://TOKEN@host/v1``). The key and the password are redacted from
every message, log and file (``credentials.py``).

With no model, no base URL and no key, the default embedded local model is used;
``--model embedded:NAME`` picks one of the embedded models by name (``local_model.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .credentials import endpoint_credentials, redact
from .errors import UsageError
from .llm import AnswerFormat, answer_format

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_SERVER_MODEL = "default"
EMBEDDED_PREFIX = "embedded:"
STRATEGIES = ("read", "direct", "candidates")
# Measured on a blind set nobody had tuned on (docs/quality.md): the base Gemma model with the
# rule-heavy `candidates` strategy scored higher than Qwen2.5-Coder-1.5B with `read`, at a
# fifteenth of the time, so it stays the default; the base model cannot follow `read`'s
# instructions, instruct models (embedded Qwen, any endpoint) read with `read`.
DEFAULT_EMBEDDED_MODEL = "embedded:gemma-3-270m"
_BASE_MODELS = (DEFAULT_EMBEDDED_MODEL,)
# One answer of the embedded model on 2 CPU cores takes up to a few minutes; a request is tried
# 4 times, so an endpoint that never answers costs an article at most about 4 timeouts.
DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True)
class Settings:
    model: str | None
    base_url: str | None
    api_key: str = field(default="", repr=False)
    strategy: str | None = None
    prompt: str | None = None
    cache_dir: Path = Path(".")
    use_cache: bool = True
    timeout: float = DEFAULT_TIMEOUT
    answer_format: AnswerFormat | None = None

    @property
    def embedded(self) -> bool:
        return not self.base_url and (not (self.model or self.api_key)
                                      or (self.model or "").startswith(EMBEDDED_PREFIX))

    @property
    def embedded_name(self) -> str | None:
        """``embedded:NAME``, the default one when nothing is configured; None for an endpoint."""
        return (self.model or DEFAULT_EMBEDDED_MODEL) if self.embedded else None

    @property
    def strategy_name(self) -> str:
        """Every instruct model reads the parser's candidates (``read``); the embedded base model
        only labels them one by one (``candidates``)."""
        return self.strategy or ("candidates" if self.embedded_name in _BASE_MODELS else "read")

    @property
    def prompt_name(self) -> str:
        return self.prompt or self.strategy_name


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def resolve_settings(
    *,
    model: str | None = None,
    base_url: str | None = None,
    strategy: str | None = None,
    prompt: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    timeout: float | None = None,
    answer_format_name: str | None = None,
) -> Settings:
    model = model or _env("LLMEXTRACT_MODEL")
    base_url = base_url or _env("LLMEXTRACT_BASE_URL")
    # The URL's user info leaves the URL here, before anything can show or send it.
    base_url, api_key = endpoint_credentials(base_url, _env("OPENAI_API_KEY"))
    if base_url and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url {redact(base_url)!r} is not an http(s) URL")
    if model and not base_url and not api_key and not model.startswith(EMBEDDED_PREFIX):
        raise UsageError(
            f"--model {model} needs OPENAI_API_KEY in the environment (for OpenAI) or --base-url "
            "(for Ollama, vLLM, llama.cpp)"
        )
    if base_url and not model:
        model = DEFAULT_SERVER_MODEL
    if api_key and not model:
        model = DEFAULT_OPENAI_MODEL
    if strategy and strategy not in STRATEGIES:
        raise UsageError(f"--strategy {strategy!r}: choose {', '.join(STRATEGIES)}")
    timeout = timeout if timeout is not None else _seconds(_env("LLMEXTRACT_TIMEOUT"))
    if timeout <= 0:
        raise UsageError(f"--timeout {timeout:g}: give a number of seconds above 0")
    cache = cache_dir or (Path(d) if (d := _env("LLMEXTRACT_CACHE_DIR")) else None)
    cache = cache or Path(platformdirs.user_cache_dir("llmextract"))
    fmt_name = answer_format_name or _env("LLMEXTRACT_ANSWER_FORMAT")
    fmt = answer_format(fmt_name, "--answer-format") if fmt_name else None
    return Settings(model=model, base_url=base_url, api_key=api_key, strategy=strategy or _env("LLMEXTRACT_STRATEGY"),
                    prompt=prompt or _env("LLMEXTRACT_PROMPT"), cache_dir=cache, use_cache=use_cache,
                    timeout=timeout, answer_format=fmt)


def _seconds(value: str | None) -> float:
    if value is None:
        return DEFAULT_TIMEOUT
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"LLMEXTRACT_TIMEOUT={value!r} is not a number of seconds") from None
