"""An article read once: its text, the same text lower-cased (same offsets), its number
mentions and its sentences. The pipeline builds one per article and hands the same object to
the extraction strategy and to every check, so nothing parses the article twice."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from llmextract.text.alignment import lower_same_length
from llmextract.text.numbers import NumberMention, parse_numbers
from llmextract.text.sentences import Sentence, split_sentences


@dataclass(frozen=True)
class ParsedArticle:
    text: str
    lowered: str  # lower case, same offsets: the word lists run on it
    mentions: list[NumberMention]  # read-only: shared by the strategy and the checks
    sentences: tuple[Sentence, ...]

    @classmethod
    def of(cls, text: str) -> ParsedArticle:
        lowered = lower_same_length(text)
        return cls(text, lowered, parse_numbers(text, lowered=lowered), split_sentences(text))

    @property
    def sentence_ends(self) -> list[int]:
        return [s.end for s in self.sentences]


@lru_cache(maxsize=8)
def parse_article(text: str) -> ParsedArticle:
    """``ParsedArticle.of(text)``, kept for the few articles in flight: the pipeline parses an
    article here and the strategy it calls next finds the same parse."""
    return ParsedArticle.of(text)
