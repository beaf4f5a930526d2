"""An article read once: its text, the same text lower-cased (same offsets), its number
mentions and its sentences. The pipeline builds one per article and hands the same object to
the extraction strategy and to every check, so nothing parses the article twice."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from llmextract.text.casing import lower_same_length
from llmextract.text.numbers import NumberMention, parse_numbers
from llmextract.text.sentences import Sentence, sentence_ends, split_sentences


@dataclass(frozen=True)
class ParsedArticle:
    text: str
    lowered: str  # lower case, same offsets: the word lists run on it
    mentions: list[NumberMention]  # read-only: shared by the strategy and the checks

    @classmethod
    def of(cls, text: str) -> ParsedArticle:
        lowered = lower_same_length(text)
        return cls(text, lowered, parse_numbers(text, lowered=lowered))

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """Read when first asked for (the checks need only where they end)."""
        return split_sentences(self.text)

    @cached_property
    def sentence_ends(self) -> list[int]:
        return sentence_ends(self.text)


@lru_cache(maxsize=8)
def parse_article(text: str) -> ParsedArticle:
    """``ParsedArticle.of(text)``, kept for the few articles in flight: the pipeline parses an
    article here and the strategy it calls next finds the same parse."""
    return ParsedArticle.of(text)
