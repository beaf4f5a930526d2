"""One error tree; the CLI turns each into a one-line message and an exit code.

    LLMExtractError
    ├── UsageError          bad arguments or settings (exit 2)
    ├── ArticleError        one input file cannot be read; the run goes on (counted as failed)
    ├── EndpointError       the model endpoint is unreachable, refuses the key or the model
    │                       (stops the run)
    ├── RequestError        the endpoint refused one article's request (that article fails)
    │   └── AnswerError     it answered, but nothing usable: cut at max_tokens, not JSON of
    │                       the schema after the re-asks, or absurdly large (that article fails)
    ├── LocalModelError     the embedded model cannot start (extra not installed, no GGUF)
    └── VocabularyError     a vocabulary file lacks a key the code reads, or holds the wrong type

Messages name the file or endpoint and say how to fix the problem. They never contain a key.
"""

from __future__ import annotations


class LLMExtractError(Exception):
    """Base of every expected failure."""


class UsageError(LLMExtractError):
    """Arguments or settings that cannot work."""


class ArticleError(LLMExtractError):
    """An input file that cannot become an article."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EndpointError(LLMExtractError):
    """The model endpoint failed in a way retrying will not fix (or retries ran out)."""


class RequestError(LLMExtractError):
    """The endpoint answered this one request with an error that retrying did not fix."""


class AnswerError(RequestError):
    """The endpoint answered this request, but with nothing usable (an empty success would hide
    it: the article is failed, with the reason, and retried on the next run)."""


class LocalModelError(LLMExtractError):
    """The embedded llama.cpp server could not be started."""


class VocabularyError(LLMExtractError):
    """A vocabulary file without a key the code reads (a typo must not read as an empty list)."""
