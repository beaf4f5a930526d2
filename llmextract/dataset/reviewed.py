"""A run as a reviewer sees it: the extraction, the flags and the decisions merged.

``build_review`` is pure: given the records, flags and decisions it returns every item with its
current value and status, and the review queue (flagged items and article-level flags, most
severe first). The server, the CLI, export, report and gold all read this one view, so an item
has the same status everywhere.

Item status (``ItemStatus``, the one vocabulary of the page, the report and every export), from
the latest decision for the item:

    unreviewed  no flag and no decision: nobody has looked at it, nothing says it is right
    flagged     a check doubts it and nobody has decided yet, or it was decided before a warning
                or error flag it has now (a new rule): back in the queue, with its history
    accepted    a person said the extraction is right
    corrected   a person replaced its fields (accepting it later keeps it corrected)
    rejected    a person removed it (left out of exports and gold)
    added       a person created it from words of the article

Only the last four are decisions of a person (``ItemStatus.decided``). A flag about the whole
article (not an item) is ``flagged`` until a person dismisses it (``dismissed``) or adds the
item it points at (``added``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from llmextract.checks import check_article
from llmextract.dataset.decisions import Action, Decision, DecisionStore, latest
from llmextract.models import (
    SEVERITY_RANK,
    ArticleRecord,
    Flag,
    Indicator,
    Item,
    ItemType,
    Program,
    Severity,
    Target,
    item_type,
)
from llmextract.resources import DEFAULT_DOMAIN
from llmextract.store import load_flags, load_records, run_domain

ITEM_MODELS: dict[str, type[Item]] = {
    "indicator": Indicator,
    "target": Target,
    "program": Program,
}



class ItemStatus(str, Enum):
    """Where an item stands (see the module docstring); the value is the word every output
    shows."""

    unreviewed = "unreviewed"
    flagged = "flagged"
    accepted = "accepted"
    corrected = "corrected"
    rejected = "rejected"
    added = "added"

    def __str__(self) -> str:
        return self.value

    @property
    def decided(self) -> bool:
        """A person settled it (not merely: no check objected)."""
        return self not in (ItemStatus.unreviewed, ItemStatus.flagged)

    @property
    def kept(self) -> bool:
        """It belongs in the dataset (everything but a rejected item)."""
        return self is not ItemStatus.rejected


class FlagStatus(str, Enum):
    """Where a flag about the whole article stands: open, dismissed by a person, or settled by
    the item a person added for it."""

    flagged = "flagged"
    dismissed = "dismissed"
    added = "added"

    def __str__(self) -> str:
        return self.value


Status = ItemStatus | FlagStatus
DECIDED = frozenset(s for s in ItemStatus if s.decided)
STATUS_FILTERS = (
    "open", "settled", *(s.value for s in ItemStatus if s is not ItemStatus.unreviewed),
    FlagStatus.dismissed.value,
)


@dataclass(frozen=True)
class ReviewedItem:
    """An item with its current fields (after corrections), status, flags and latest decision.

    ``flags`` are the flags of the item as it stands: for a corrected or added item, those the
    checks raise on the corrected fields (re-checked at once); ``run_flags`` are those of the
    extraction, from ``flags.jsonl``."""

    record: ArticleRecord
    item_type: ItemType
    item: Item
    original: Item | None
    status: ItemStatus
    flags: tuple[Flag, ...]
    decision: Decision | None
    run_flags: tuple[Flag, ...] = ()

    @property
    def rechecked(self) -> bool:
        """The item a person wrote (corrected or added), checked again as it now stands."""
        return self.item != self.original


@dataclass(frozen=True)
class Entry:
    """One line of the queue: an item, or a flag about the whole article (then ``reviewed`` is
    None and ``key`` is the flag id). ``queued``: the checks flagged it in the run, so it counts
    in the progress (a decided or added item without such a flag is listed, not counted)."""

    key: str
    record: ArticleRecord
    reviewed: ReviewedItem | None
    flags: tuple[Flag, ...]
    status: Status
    decision: Decision | None
    queued: bool = True

    @property
    def severity(self) -> Severity | None:
        return min((f.severity for f in self.flags), key=SEVERITY_RANK.__getitem__, default=None)

    @property
    def settled(self) -> bool:
        return self.status not in (ItemStatus.flagged, FlagStatus.flagged, ItemStatus.unreviewed)

    @property
    def kinds(self) -> list[str]:
        return sorted({f.kind for f in self.flags})

    @property
    def value_text(self) -> str:
        """The number as the article writes it (the flagged words for a flag about the whole
        article); a program's name."""
        if self.reviewed is None:
            spans = [s for f in self.flags for s in f.spans]
            return self.record.text[spans[0].start:spans[0].end] if spans else ""
        item = self.reviewed.item
        return item.name if isinstance(item, Program) else item.value_text

    @property
    def subject(self) -> str:
        """What the item is about; for a flag about the whole article, nothing."""
        if self.reviewed is None:
            return ""
        item = self.reviewed.item
        if isinstance(item, Program):
            return item.run_by or ""
        return item.name if isinstance(item, Indicator) else item.indicator

    @property
    def reason(self) -> str:
        """The most severe flag's sentence, or the status when nothing is flagged."""
        if not self.flags:
            return "no flag"
        first = min(self.flags, key=lambda f: SEVERITY_RANK[f.severity])
        return first.message

    @property
    def label(self) -> str:
        if self.reviewed is None:
            return f"{self.value_text} · {self.flags[0].kind}" if self.flags else self.key
        item = self.reviewed.item
        if isinstance(item, Program):
            return item.name
        return f"{item.value_text} · {self.subject}"


@dataclass(frozen=True)
class Review:
    records: tuple[ArticleRecord, ...]
    items: tuple[ReviewedItem, ...]
    entries: tuple[Entry, ...]
    domain: str = DEFAULT_DOMAIN  # the vocabulary a correction is checked with, as the run was

    def record(self, article_id: str) -> ArticleRecord | None:
        return next((r for r in self.records if r.id == article_id), None)

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None) or next(
            (e for e in self.every_entry() if e.key == key), None
        )

    def entry_for_flag(self, flag_id: str) -> Entry | None:
        return next((e for e in self.entries if any(f.id == flag_id for f in e.flags)), None)

    def item(self, item_id: str) -> ReviewedItem | None:
        return next((ri for ri in self.items if ri.item.id == item_id), None)

    def written(self) -> list[ReviewedItem]:
        """The items a person wrote (corrected or added), as the checks see them now."""
        return [ri for ri in self.items if ri.rechecked]

    def every_entry(self) -> list[Entry]:
        """Browse all: the queue plus every item nobody flagged or decided, article by article
        in text order, so a person can look at the whole dataset, not only at the doubts."""
        listed = {e.key for e in self.entries}
        rest = [
            Entry(key=ri.item.id, record=ri.record, reviewed=ri, flags=ri.flags,
                  status=ri.status, decision=ri.decision, queued=False)
            for ri in self.items if ri.item.id not in listed
        ]
        order = {r.id: n for n, r in enumerate(self.records)}

        def place(e: Entry) -> tuple[int, int, str]:
            span = e.reviewed.item.span if e.reviewed else None
            start = span.start if span else min(
                (s.start for f in e.flags for s in f.spans), default=-1)
            return (order[e.record.id], start, e.key)

        return sorted([*self.entries, *rest], key=place)

    def counts(self) -> dict[str, int]:
        """Progress over what the run's checks flagged: the total moves only when the flags do
        (``llmextract check`` with new rules), never because a person decided or added."""
        queued = [e for e in self.entries if e.queued]
        settled = sum(e.settled for e in queued)
        return {"total": len(queued), "settled": settled, "open": len(queued) - settled}


def item_from_dict(kind: str, data: dict[str, Any]) -> Item:
    return ITEM_MODELS[kind].model_validate(data)


def item_dict(item: Item) -> dict[str, Any]:
    return item.model_dump(mode="json")


def _status(history: list[Decision], flags: tuple[Flag, ...]) -> ItemStatus:
    if not history:
        return ItemStatus.flagged if flags else ItemStatus.unreviewed
    last = history[-1].action
    seen = {fid for d in history for fid in d.flag_ids}
    if last is not Action.reject and any(
        f.id not in seen and f.severity is not Severity.info for f in flags
    ):
        # A doubt nobody has seen yet (a new rule, via ``llmextract check``): the item goes back
        # in the queue; its decisions stay in its history and its corrections stay applied.
        return ItemStatus.flagged
    if last is Action.accept:
        actions = {d.action for d in history}
        return (
            ItemStatus.added if Action.add in actions
            else ItemStatus.corrected if Action.correct in actions
            else ItemStatus.accepted
        )
    return {Action.reject: ItemStatus.rejected, Action.correct: ItemStatus.corrected,
            Action.add: ItemStatus.added}[last]


def _current(kind: str, original: Item | None, history: list[Decision]) -> Item | None:
    after = [d.after for d in history if d.after is not None]
    return item_from_dict(kind, after[-1]) if after else original


def current_items(
    record: ArticleRecord, history: dict[str, list[Decision]]
) -> list[tuple[ItemType, Item, Item | None]]:
    """(type, item as it stands, item as extracted) for every item of one article: the
    extraction's items in order with corrections applied (rejected ones too: they keep their
    place, so the flags of the others keep their ids), then the items people added."""
    base = [(item_type(i), i) for i in record.items()]
    known = {i.id for _, i in base}
    out: list[tuple[ItemType, Item, Item | None]] = []
    for kind, original in base:
        current = _current(kind, original, history.get(original.id, []))
        if current is not None:
            out.append((kind, current, original))
    for key, ds in history.items():
        if key not in known and ds[0].action is Action.add and ds[0].article_id == record.id:
            added = _current(ds[0].item_type or "indicator", None, ds)
            if added is not None:
                out.append((item_type(added), added, None))
    return out


def recheck(record: ArticleRecord, items: list[tuple[ItemType, Item, Item | None]],
            domain: str) -> dict[str, list[Flag]]:
    """The flags the checks raise on the items a person wrote (corrected or added), checked in
    their article with every other item as it stands, by item id. The page, the correction and
    ``llmextract check`` call this one function, so a flag has the same id everywhere."""
    written = {item.id for _, item, original in items if item != original}
    if not written:
        return {}
    lists: dict[str, list[Item]] = {"indicator": [], "target": [], "program": []}
    for kind, item, _ in items:
        lists[kind].append(item)
    as_reviewed = record.model_copy(update={
        "indicators": lists["indicator"], "targets": lists["target"], "programs": lists["program"],
    })
    out: dict[str, list[Flag]] = defaultdict(list)
    for flag in check_article(as_reviewed, domain).flags:
        if flag.item_id in written:
            out[flag.item_id].append(flag)
    return {key: out.get(key, []) for key in written}


def _reviewed_items(
    record: ArticleRecord,
    by_item: dict[str, list[Flag]],
    history: dict[str, list[Decision]],
    domain: str,
) -> list[ReviewedItem]:
    items = current_items(record, history)
    fresh = recheck(record, items, domain)
    out: list[ReviewedItem] = []
    for kind, current, original in items:
        key = current.id
        decisions = history.get(key, [])
        run_flags = tuple(by_item.get(key, ()))
        flags = tuple(fresh[key]) if key in fresh else run_flags
        out.append(
            ReviewedItem(
                record=record,
                item_type=kind,
                item=current,
                original=original,
                status=_status(decisions, flags),
                flags=flags,
                decision=decisions[-1] if decisions else None,
                run_flags=run_flags,
            )
        )
    return out


def build_review(
    records: list[ArticleRecord],
    flags: list[Flag],
    decisions: list[Decision],
    domain: str = DEFAULT_DOMAIN,
) -> Review:
    """Merge a run with its decisions (see the module docstring for the statuses)."""
    history: dict[str, list[Decision]] = defaultdict(list)
    for d in sorted(decisions, key=lambda d: d.seq):
        history[d.key].append(d)
    by_item: dict[str, list[Flag]] = defaultdict(list)
    for f in flags:
        if f.item_id:
            by_item[f.item_id].append(f)
    items = [ri for r in records for ri in _reviewed_items(r, by_item, history, domain)]
    last = latest(decisions)
    settled_by_add = {fid for d in decisions if d.action is Action.add for fid in d.flag_ids}
    order = {r.id: n for n, r in enumerate(records)}
    records_by_id = {r.id: r for r in records}

    entries = [
        Entry(
            key=ri.item.id,
            record=ri.record,
            reviewed=ri,
            flags=ri.flags,
            status=ri.status,
            decision=ri.decision,
            queued=bool(ri.run_flags),
        )
        for ri in items
        if ri.run_flags or ri.flags or ri.decision
    ]
    item_ids = {ri.item.id for ri in items}
    for f in flags:  # flags about the whole article, or about an item no longer in the run
        if f.item_id in item_ids or f.article_id not in records_by_id:
            continue
        decision = last.get(f.id)
        status = (
            FlagStatus.dismissed if decision
            else FlagStatus.added if f.id in settled_by_add
            else FlagStatus.flagged
        )
        entries.append(
            Entry(
                key=f.id,
                record=records_by_id[f.article_id],
                reviewed=None,
                flags=(f,),
                status=status,
                decision=decision,
            )
        )

    def rank(e: Entry) -> tuple[Any, ...]:
        start = min((s.start for f in e.flags for s in f.spans), default=-1)
        sev = SEVERITY_RANK[e.severity] if e.severity else len(SEVERITY_RANK)
        return (not e.queued, sev, order[e.record.id], start, e.key)

    return Review(
        records=tuple(records),
        items=tuple(items),
        entries=tuple(sorted(entries, key=rank)),
        domain=domain,
    )


def filter_entries(
    entries: tuple[Entry, ...] | list[Entry],
    *,
    article: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> list[Entry]:
    """The queue narrowed by article id, flag kind and status ('open', 'settled' or a decided
    status)."""

    def keep(e: Entry) -> bool:
        if article and e.record.id != article:
            return False
        if kind and kind not in e.kinds:
            return False
        if status in ("open", "settled"):
            return e.settled == (status == "settled")
        return not status or e.status == status

    return [e for e in entries if keep(e)]


class RunView:
    """A run folder under review: records and flags are re-read when their files change (e.g.
    ``llmextract check`` re-ran the rules), decisions are read fresh on every call."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.domain = run_domain(run_dir)  # run.json is written once, by the run
        self.store = DecisionStore(run_dir)
        self._stamp: tuple[int, ...] = ()
        self._records: list[ArticleRecord] = []
        self._flags: list[Flag] = []

    def _reload(self) -> None:
        files = [self.run_dir / "extractions.jsonl", self.run_dir / "flags.jsonl"]
        stamp = tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in files)
        if stamp != self._stamp:
            self._records = load_records(self.run_dir)
            self._flags = load_flags(self.run_dir)
            self._stamp = stamp

    def review(self) -> Review:
        self._reload()
        return build_review(self._records, self._flags, self.store.all(), self.domain)
