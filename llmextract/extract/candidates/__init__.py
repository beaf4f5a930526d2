"""The ``candidates`` strategy, wired: the parser proposes (``propose``), the model labels
(``label``), rules fill the record (``fields``) and the program names (``programs``). The
modules import downwards only: propose <- label <- fields, programs <- this wiring."""

from __future__ import annotations

from llmextract.client import Client
from llmextract.extract.base import StrategyResult
from llmextract.extract.candidates.fields import build_extraction
from llmextract.extract.candidates.label import LabelRules, label_candidates, on_topic
from llmextract.extract.candidates.programs import (
    about_topic,
    confirm_programs,
    propose_programs,
)
from llmextract.extract.candidates.propose import find_candidates
from llmextract.models import Extraction
from llmextract.prompts import Prompt
from llmextract.text.parsed import parse_article
from llmextract.text.sentences import split_sentences


class CandidatesStrategy:
    """Parser candidates labelled by the model; the default for the embedded model."""

    name = "candidates"

    def extract(self, text: str, client: Client, prompt: Prompt) -> StrategyResult:
        # The pipeline's parse, read by the candidates, the programs and the fields.
        mentions = parse_article(text).mentions
        candidates, _ = find_candidates(
            text, prompt.domain, mentions=mentions, language=prompt.language
        )
        topical = on_topic(split_sentences(text, prompt.language), LabelRules.load(prompt))
        labelled = label_candidates(candidates, client, prompt, topical=topical)
        proposals = (
            propose_programs(
                text,
                prompt.data.get("programs") or {},
                prompt.domain,
                mentions=mentions,
                language=prompt.language,
            )
            if about_topic(text, prompt.domain)
            else []
        )
        programs, problems, usage = confirm_programs(proposals, client, prompt)
        extraction: Extraction = build_extraction(
            text, labelled.labels, prompt, programs, mentions=mentions
        )
        return StrategyResult(
            extraction, [*labelled.problems, *problems], labelled.usage.add(usage)
        )
