"""What a strategy needs of a model: the ``Client`` protocol. ``llm.ModelClient`` (an
OpenAI-compatible endpoint with caching and retries) is one; a test or a user may pass any
object with these members instead."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel

from llmextract.llm import Endpoint, Structured
from llmextract.models import Usage


class Client(Protocol):
    @property
    def endpoint(self) -> Endpoint:
        """Where the model lives; ``endpoint.model`` is written into every record."""
        ...

    def structured(self, messages: list[dict[str, str]], response_model: type[BaseModel], *,
                   source: str, params: dict[str, Any], prompt_version: str,
                   context: dict[str, str] | None = None) -> Structured:
        """An object of ``response_model``, validated against the article ``source``;
        ``context`` holds other template variables of the messages."""
        ...

    def complete(self, prompt: str, *, params: dict[str, Any],
                 prompt_version: str) -> tuple[str, Usage]:
        """The model's continuation of ``prompt``."""
        ...
