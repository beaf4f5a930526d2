"""The model's only job in the ``candidates`` strategy: choose a label for each candidate.

The label set is an enum, and each request allows only the labels the rules leave open for that
candidate (a zero-stunting slogan is a target or nothing; a number in a sentence without a word
of intent cannot be a target). Two paths reach the model, both through ``ModelClient`` so they
are cached and recorded alike, and both end in the same Pydantic validation:

- ``completion``: a plain few-shot prompt on ``/v1/completions`` whose answer is held to the
  allowed labels by a GBNF grammar. Suits a base model with no chat template.
- ``chat``: instructor on ``/v1/chat/completions`` with a response model whose field is a
  ``Literal`` of the allowed labels (llama.cpp turns the JSON schema into a grammar).

The few-shot prefix is the same for every request and the candidate comes last, so llama.cpp
reuses the prefix's evaluated state and only reads the new sentence each time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, create_model

from .candidates import Candidate, clause_bounds, table_row
from .extract import SOURCE_PLACEHOLDER
from .llm import ModelClient
from .models import Usage
from .numbers import ZERO_TARGET
from .prompts import Prompt
from .resources import load_vocab


class Label(str, Enum):
    indicator = "indicator"
    target = "target"
    other = "other"


@dataclass(frozen=True)
class Labelled:
    candidate: Candidate
    label: Label


@dataclass
class Labelling:
    labels: list[Labelled] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


@lru_cache(maxsize=8)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(r"\s+".join(map(re.escape, str(w).split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternation or '(?!)'})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class LabelRules:
    """What the rules know before the model is asked: the words of intent that allow a target
    (id.yaml ``target_words`` plus the prompt's ``intent_words``) and the topic and population
    words that make a number's clause certainly about the domain."""

    intent: re.Pattern[str]
    topical: re.Pattern[str]

    @classmethod
    def load(cls, prompt: Prompt) -> LabelRules:
        cfg = prompt.data.get("labelling") or {}
        domain = load_vocab(str(prompt.data.get("domain", "stunting")))
        intent = [*load_vocab("id").get("target_words", []), *cfg.get("intent_words", [])]
        topical = [*domain.get("topic_words", []), *domain.get("populations", [])]
        return cls(_words_pattern(tuple(intent)), _words_pattern(tuple(topical)))


def allowed_labels(candidate: Candidate, rules: LabelRules, trust_rules: bool = True) -> list[Label]:
    """The labels the rules leave open. A zero-stunting slogan is a goal; only a sentence with a
    word of intent can hold a target. With ``trust_rules``, the rules also settle what they are
    sure of: a goal in a sentence of intent, and a figure whose clause names the topic or a
    population; only the rest goes to the model."""
    if candidate.mention.kind == ZERO_TARGET:
        return [Label.target] if trust_rules else [Label.target, Label.other]
    sentence = candidate.sentence
    if rules.intent.search(sentence.text):
        return [Label.target] if trust_rules else [Label.indicator, Label.target, Label.other]
    start, end = clause_bounds(sentence, candidate.mention)
    clause = sentence.text[start - sentence.start:end - sentence.start]
    if trust_rules and rules.topical.search(f"{table_row(candidate) or ''} {clause}"):
        return [Label.indicator]
    return [Label.indicator, Label.other]


def marked_sentence(candidate: Candidate, mark: str, window: int = 0) -> str:
    """The sentence with the candidate wrapped in ``mark`` (e.g. ``[[ ]]``) so that the model
    knows which of several numbers is meant; with ``window`` > 0, only that many words either
    side (a tiny model reads the words next to a number, not the whole sentence)."""
    left, right = mark.split()
    s, m = candidate.sentence, candidate.mention
    a, b = m.start - s.start, m.end - s.start
    before, after = s.text[:a], s.text[b:]
    if window > 0:
        before = " ".join(before.split(" ")[-window - 1:]) if before.count(" ") > window else before
        after = " ".join(after.split(" ")[: window + 1]) if after.count(" ") > window else after
    return f"{before}{left}{s.text[a:b]}{right}{after}"


def _grammar(allowed: list[str]) -> str:
    return "root ::= " + " | ".join(f'" {label}"' for label in allowed)


def _response_model(allowed: list[str]) -> type[BaseModel]:
    choice = Literal[tuple(allowed)]  # type: ignore[valid-type]
    return create_model("Label", label=(choice, ...))


def ask_label(client: ModelClient, prompt: Prompt, shown: str, allowed: list[str], *,
              kind: str = "") -> tuple[str | None, list[str], Usage]:
    """One label from ``allowed`` for the text ``shown``, by the prompt's path: a completion held
    by a grammar, or a chat answer validated by a ``Literal`` response model. ``kind`` picks the
    templates and examples (``""`` for numbers, ``"program_"`` for program names). A reply
    outside the enum is returned as None with the validation message."""
    examples = prompt.data.get(f"{kind}examples", [])
    model = _response_model(allowed)
    if (prompt.data.get("labelling") or {}).get("path") == "chat":
        # The text reaches the model as {{ source }} (instructor renders messages as templates).
        messages = [
            {"role": "system", "content": prompt.render(f"{kind}system", examples=examples)},
            {"role": "user", "content": prompt.render(f"{kind}user", sentence=SOURCE_PLACEHOLDER)},
        ]
        got = client.structured(messages, model, source=shown, params=prompt.params,
                                prompt_version=prompt.id)
        if got.value is None:
            return None, got.problems or ["no answer"], got.usage
        return str(got.value.label), got.problems, got.usage  # type: ignore[attr-defined]
    params = prompt.params
    params["extra_body"] = {**params.get("extra_body", {}), "grammar": _grammar(allowed)}
    text = prompt.render(f"{kind}completion", sentence=shown, examples=examples)
    answer, usage = client.complete(text, params=params, prompt_version=prompt.id)
    try:
        return str(model.model_validate({"label": answer.strip()}).label), [], usage  # type: ignore[attr-defined]
    except ValidationError as exc:
        return None, [str(exc.errors()[0]["msg"])], usage


def label_candidates(candidates: list[Candidate], client: ModelClient, prompt: Prompt) -> Labelling:
    """Ask the model for one label per candidate the rules leave open (one request each; the
    few-shot prefix is the same for all, so llama.cpp reads only the new sentence)."""
    cfg: dict[str, Any] = prompt.data.get("labelling") or {}
    constrain = bool(cfg.get("constrain_by_rules", True))
    trust = bool(cfg.get("trust_rules", True))
    mark = str(cfg.get("mark", "[[ ]]"))
    window = int(cfg.get("window", 0))
    rules = LabelRules.load(prompt)
    out = Labelling()
    for candidate in candidates:
        allowed = allowed_labels(candidate, rules, trust) if constrain else list(Label)
        if cfg.get("path") == "rules":
            allowed = allowed[:1]
        if len(allowed) == 1:
            out.labels.append(Labelled(candidate, allowed[0]))
            continue
        answer, problems, usage = ask_label(client, prompt, marked_sentence(candidate, mark, window),
                                            [label.value for label in allowed])
        out.usage = out.usage.add(usage)
        out.problems.extend(f"label for {candidate.value_text!r}: {p}" for p in problems)
        out.labels.append(Labelled(candidate, Label(answer) if answer else Label.other))
    return out
