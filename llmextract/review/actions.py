"""What a reviewer can do to a run: accept, reject, correct, add a missed item.

The page and the CLI both call these functions, so a decision is validated the same way
wherever it is made. A correction or an added item is run through the same rule-based checks
as the extraction, in its article beside the other items as they stand
(``llmextract.dataset.reviewed.recheck``, the function the page uses to show its flags): if the
checks find an error-severity problem (the value is not in the article, the number does not
match its text...) the decision is refused unless the reviewer writes a note saying why it is
right anyway. The flags it does raise are recorded with the decision as seen, and shown on the
page beside the item.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import ValidationError

from llmextract.dataset.decisions import Action, Decision, DecisionStore
from llmextract.dataset.reviewed import ITEM_MODELS, Entry, Item, Review, item_dict, recheck
from llmextract.errors import UsageError
from llmextract.models import (
    ArticleRecord,
    Extraction,
    Flag,
    ItemType,
    Severity,
    Span,
    assign_item_ids,
)
from llmextract.text.alignment import locate
from llmextract.text.numbers import parse_value

LIST_NAMES = {"indicator": "indicators", "target": "targets", "program": "programs"}
READ_ONLY_FIELDS = frozenset({"id", "span"})


class CorrectionRefused(UsageError):
    """The checks found errors in a correction or added item and no note overrides them."""

    def __init__(self, flags: list[Flag]) -> None:
        reasons = "; ".join(f.message for f in flags)
        super().__init__(f"the checks found errors ({reasons}); write a note to keep it anyway")
        self.flags = flags


def find_entry(review: Review, ident: str) -> Entry:
    """The queue entry for an item id or a flag id (a flag about an item finds the item); an
    unflagged item has an entry too (browse all), so it can be decided as well."""
    entry = review.entry(ident) or review.entry_for_flag(ident)
    if entry is None:
        raise UsageError(f"{ident}: no such item or flag in this run")
    return entry


def _decidable(review: Review, ident: str, action: Action) -> Entry:
    if action not in (Action.accept, Action.reject):
        raise UsageError(f"{action.value}: use correct_item or add_item")
    entry = find_entry(review, ident)
    if entry.reviewed is None and action is Action.reject:
        raise UsageError(f"{entry.key} is about the whole article, not an item: dismiss it "
                         "(--dismiss), or add the missed item")
    return entry


def decide(store: DecisionStore, review: Review, ident: str, action: Action, reviewer: str,
           note: str = "") -> Decision:
    """Accept or reject an item, or dismiss a flag about the whole article (recorded as an
    accept of the flag: the checks were wrong to doubt the article)."""
    entry = _decidable(review, ident, action)
    if entry.reviewed is None:
        return store.record(key=entry.key, article_id=entry.record.id, action=action,
                            reviewer=reviewer, note=note, flag_ids=[entry.key])
    current = item_dict(entry.reviewed.item)
    return store.record(key=entry.key, article_id=entry.record.id, action=action,
                        reviewer=reviewer, item_type=entry.reviewed.item_type, before=current,
                        after=None, note=note, flag_ids=[f.id for f in entry.flags])


def _accepts_none(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation) or annotation is type(None)


def _is_number(annotation: Any) -> bool:
    args = set(typing.get_args(annotation)) or {annotation}
    return bool(args & {float, int})


def _clean_fields(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Form values as the model expects them: blank optional fields become None, numbers written
    the Indonesian way ('10,6', '30.980') are read as the article would be."""
    model = ITEM_MODELS[kind]
    out: dict[str, Any] = {}
    for name, value in fields.items():
        info = model.model_fields.get(name)
        if info is None or name in READ_ONLY_FIELDS:
            continue
        if isinstance(value, str):
            value = value.strip()
            if value == "" and _accepts_none(info.annotation):
                value = None
            elif value and _is_number(info.annotation):
                try:
                    float(value)
                except ValueError:
                    parsed = parse_value(value)
                    value = parsed if parsed is not None else value
        out[name] = value
    return out


def parse_assignments(pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` pairs from the command line as correction fields; true/false for the
    yes-or-no fields, the rest as the page's form would send them."""
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {pair}: write FIELD=VALUE, e.g. --set period=2024")
        lowered = value.strip().lower()
        out[name.strip()] = {"true": True, "false": False}.get(lowered, value)
    return out


def _validated(kind: str, data: dict[str, Any]) -> Item:
    try:
        return ITEM_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{where}: {first['msg']}") from None


def _placed(record: ArticleRecord, item: Item, near: int | None) -> Item:
    """The item with the span of its quote in the article (None when the quote is not there)."""
    match = locate(record.text, item.quote, near=near)
    return item.model_copy(update={"span": match.span})


def _alone(kind: str, item: Item) -> Extraction:
    return Extraction.model_validate({LIST_NAMES[kind]: [item]})


def flags_as_written(review: Review, record: ArticleRecord, kind: ItemType, item: Item,
                     replaces: str | None = None) -> list[Flag]:
    """The flags ``item`` would have in its article once written (replacing the item
    ``replaces``, or added after the others): the ones the page shows after saving."""
    items = [(ri.item_type, ri.item, ri.original) for ri in review.items
             if ri.record.id == record.id]
    if replaces is None:
        items.append((kind, item, None))
    else:
        items = [(k, item if i.id == replaces else i, o) for k, i, o in items]
    return recheck(record, items, review.domain).get(item.id, [])


def _checked(flags: list[Flag], note: str) -> None:
    errors = [f for f in flags if f.severity is Severity.error]
    if errors and not note.strip():
        raise CorrectionRefused(errors)


def correct_item(store: DecisionStore, review: Review, ident: str, changes: dict[str, Any],
                 reviewer: str, note: str = "") -> Decision:
    """Replace some fields of an item (value, unit, year, population, quote...); the item keeps
    its id so the decision stays attached to it."""
    entry = find_entry(review, ident)
    if entry.reviewed is None:
        raise UsageError(f"{entry.key} is about the whole article; add the missed item instead")
    kind, before = entry.reviewed.item_type, entry.reviewed.item
    unknown = sorted(set(changes) - set(ITEM_MODELS[kind].model_fields) - READ_ONLY_FIELDS)
    if unknown:
        names = ", ".join(n for n in ITEM_MODELS[kind].model_fields if n not in READ_ONLY_FIELDS)
        raise UsageError(f"{unknown[0]}: not a field of the {kind} (fields: {names})")
    item = _validated(kind, {**item_dict(before), **_clean_fields(kind, changes)})
    if not item.quote.strip():
        raise UsageError("quote: the item needs the words of the article it comes from")
    near = before.span.start if before.span else None
    item = _placed(entry.record, item, near)
    if item == before:
        raise UsageError("the correction changes nothing; accept the item instead")
    raised = flags_as_written(review, entry.record, kind, item, replaces=before.id)
    _checked(raised, note)
    seen = {f.id for f in (*entry.flags, *entry.reviewed.run_flags, *raised)}
    return store.record(key=entry.key, article_id=entry.record.id, action=Action.correct,
                        reviewer=reviewer, item_type=kind, before=item_dict(before),
                        after=item_dict(item), note=note, flag_ids=sorted(seen))


def add_item(store: DecisionStore, review: Review, article_id: str, kind: str,
             fields: dict[str, Any], reviewer: str, note: str = "", *,
             selection: Span | None = None, flag_id: str | None = None) -> Decision:
    """Create an item the extraction missed, from words the reviewer selected in the article.
    ``flag_id`` names the article-level flag (e.g. an unused number) this settles."""
    record = review.record(article_id)
    if record is None:
        raise UsageError(f"{article_id}: no such article in this run")
    if kind not in ITEM_MODELS:
        raise UsageError(f"{kind}: the item type is indicator, target or program")
    data = _clean_fields(kind, fields)
    if not str(data.get("quote") or "").strip():
        if selection is None:
            raise UsageError("quote: select the words of the article the item comes from")
        data["quote"] = record.text[selection.start:selection.end]
    item = _placed(record, _validated(kind, data), selection.start if selection else None)
    with_id = assign_item_ids(record.id, _alone(kind, item))
    created: Item = getattr(with_id, LIST_NAMES[kind])[0]
    if any(ri.item.id == created.id for ri in review.items):
        raise UsageError(f"{created.id}: this item is already in the run")
    raised = flags_as_written(review, record, kind, created)  # type: ignore[arg-type]
    _checked(raised, note)
    seen = [*([flag_id] if flag_id else []), *(f.id for f in raised)]
    return store.record(key=created.id, article_id=record.id, action=Action.add,
                        reviewer=reviewer, item_type=kind, before=None, after=item_dict(created),
                        note=note, flag_ids=seen)


def decide_many(store: DecisionStore, review: Review, choices: list[tuple[str, Action]],
                reviewer: str, note: str = "", *, dismiss: tuple[str, ...] = ()) -> list[Decision]:
    """Accept or reject several items or flags at once, and dismiss flags about whole articles
    (the CLI's ``--accept``/``--reject``/``--dismiss``). Every id is looked up before anything
    is written, so a typo decides nothing."""
    for ident in dismiss:
        if _decidable(review, ident, Action.accept).reviewed is not None:
            raise UsageError(f"{ident} is about an item, not the whole article: accept or reject "
                             "it instead of dismissing it")
    choices = [*choices, *((ident, Action.accept) for ident in dismiss)]
    for ident, action in choices:
        _decidable(review, ident, action)
    return [decide(store, review, ident, action, reviewer, note) for ident, action in choices]
