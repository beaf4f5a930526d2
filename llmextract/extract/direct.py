"""The ``direct`` strategy: the model writes the whole record (for capable chat models)."""

from __future__ import annotations

from llmextract.client import Client
from llmextract.extract.base import SOURCE_PLACEHOLDER, StrategyResult
from llmextract.models import Extraction
from llmextract.prompts import Prompt


class DirectStrategy:
    """The model writes the record; validators re-ask it when a value or quote is not verbatim."""

    name = "direct"

    def extract(self, text: str, client: Client, prompt: Prompt) -> StrategyResult:
        # The article reaches the model through instructor's context as {{ source }}: pasting it
        # into the message would break instructor's template rendering on a literal "{{".
        messages = [
            {"role": "system", "content": prompt.render("system")},
            {"role": "user", "content": prompt.render("user", source=SOURCE_PLACEHOLDER)},
        ]
        got = client.structured(messages, Extraction, source=text, params=prompt.params,
                                prompt_version=prompt.id)
        extraction = got.value if isinstance(got.value, Extraction) else Extraction()
        return StrategyResult(extraction, got.problems, got.usage)
