"""Program names proposed by rules for the ``candidates`` strategy.

A small model cannot be asked to find programs, but articles name them in a few regular ways:
a capitalised name after a program word ("gerakan program Bapak Asuh dan Ibu Asuh Anak
Stunting", "kampanye Cegah Stunting"), a capitalised name with its acronym in brackets in a
list of programs ("Gerakan Orang Tua Asuh Cegah Stunting (Genting), Satu Telur Satu Minggu (Sate
Sami)") or right after a verb of running it ("menjalankan Sekolah Lapang Ibu Balita (Selabi)",
"anggaran ... untuk Pemberian Makanan Tambahan (PMT)"), a place opened whose name says it serves
the topic ("membuka Rumah Pemulihan Gizi (RPG)"), an activity done for people after such
a verb ("menggencarkan pemberian tablet tambah darah bagi remaja putri", "memberikan tablet
tambah darah kepada 9.400 remaja putri"), the work of a counted team or what is done to people
counted ("186 Tim Pendamping Keluarga kini mendampingi 4.870 keluarga", "115 kader ... dilatih
ulang"), the giving of the topic's aid to people counted ("baru 198 orang yang menerima makanan
tambahan"), and the items of a bulleted or numbered list
introduced as programs (the bold name of a markdown item). Each proposal keeps its sentence (a
list item: its line) as the quote. The words are data: the prompt's ``programs`` section, the
language's verbs in ``id.yaml``, the domain's populations and non-programs in the domain file.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from llmextract.client import Client
from llmextract.extract.candidates.label import apart_from_topic, ask_label
from llmextract.extract.candidates.propose import Sentence, clause_bounds, split_sentences
from llmextract.models import Program, Usage
from llmextract.prompts import Prompt
from llmextract.resources import DEFAULT_DOMAIN, DEFAULT_LANGUAGE, load_vocab
from llmextract.text.numbers import MONEY, NumberMention, parse_numbers
from llmextract.text.words import any_case, phrases_alternation

_CAP = r"[A-Z][\w-]*"
_LINK = r"(?:dan|untuk|bagi|di|ke|&)"
_NAME = rf"{_CAP}(?:\s+(?:{_LINK}\s+)?{_CAP})*"
# A name right after a verb, without an acronym: no place joined to it ('menggelar Kelas Ibu Balita
# di Puskesmas Tanjung' is 'Kelas Ibu Balita').
_PLAIN_NAME = rf"{_CAP}(?:\s+(?:(?:dan|untuk|bagi|&)\s+)?{_CAP})*"
_ACRONYM_NAME = rf"(?P<name>{_NAME}\s+\([A-Z][\w ]{{1,20}}\))"
# Either order: 'Sekolah Lapang Ibu Balita (Selabi)', 'Dashat (Dapur Sehat Atasi Stunting)'.
_NAMED = rf"(?P<name>{_NAME}\s+\([A-Z][\w ]{{1,20}}\)|[A-Z][\w-]{{1,15}}\s+\({_NAME}\))"
# 'Program yang dirintis Dinas Kesehatan Halmahera Barat ini ...': the words between a sentence's
# opening program word and the demonstrative pointing back to the program.
_SUBJECT_WORDS = 8
# A count written in digits, not the tail of a larger one ('4.870'): people counted before a verb.
_COUNT = r"(?<![\w.,])[0-9][0-9.]*"
_QUOTE = "[\"“‘']?"  # a name may be quoted: 'program "Jumat Sehat"'
_BOLD = re.compile(r"\*\*(?P<name>[^*]+?)\*\*")
# A capitalised name after a word of prose, its acronym aside: 'Kami bentuk Sekaa Gizi di tiap
# banjar', 'Program ini kami namakan Noken Gizi': named for the topic's service, a program.
_SERVICE_NAME = re.compile(rf"(?<![\w-])(?P<name>{_PLAIN_NAME})")
# Words, bracketed acronyms, numbers and punctuation of an activity's description.
_TOKEN = re.compile(r"\([A-Z][\w-]*\)|[^\W\d_][\w-]*|[0-9][0-9.,]*|[^\w\s]")


def _alternation(words: list[str]) -> str:
    """Case-insensitive words inside an otherwise case-sensitive pattern (names are capitalised)."""
    return f"(?i:{phrases_alternation(words)})"


def _verb_nouns(lang: Mapping[str, Any], key: str) -> dict[str, str]:
    """A vocabulary map from a verb to the noun of its activity ('dilatih': 'pelatihan'), keyed
    lower-case because the verbs are matched case-insensitively."""
    return {k.lower(): str(v) for k, v in lang.get(key, {}).items()}


@dataclass(frozen=True)
class Proposal:
    """A program name found by a rule. ``sure`` proposals (a bracketed acronym in a list of
    programs or after a verb of running it, a place opened named for the topic, a bullet of a list
    introduced as programs) are kept
    as they are; the others (a capitalised name after a program word, an item of an
    enumeration, 'program ... adalah X', an activity) go to the model to confirm when the prompt
    asks for it."""

    program: Program
    rule: str
    sure: bool


@dataclass(frozen=True)
class ProgramRules:
    """The patterns and words the program rules read, built once for each settings (``load``)."""

    program_words: re.Pattern[str]
    list_heads: re.Pattern[str]  # 'Adapun kegiatan ... antara lain:': a list of programs follows
    after_word: re.Pattern[str]
    listed: re.Pattern[str]
    cued: re.Pattern[str]
    plain_cued: re.Pattern[str]  # 'menjalankan Jumat Berkah Gizi, yakni ...'
    opened: re.Pattern[str]  # 'membuka Rumah Pemulihan Gizi (RPG)'
    # 'menggelar posyandu keliling', 'menjalankan posyandu terapung': a service held at a place
    service_place: re.Pattern[str]
    service_words: re.Pattern[str]  # 'Gizi': an opened place named for the topic's service
    goal_names: re.Pattern[str]  # 'Zero Stunting': a goal, not a program named for the topic
    events: frozenset[
        str
    ]  # 'menggelar Rembuk Stunting ...' is a meeting (and 'melakukan Pengukuran Serentak' an aim)
    enumeration: re.Pattern[str]
    listed_activity: re.Pattern[str]  # 'program seperti pemberian vitamin melalui Posyandu'
    openers: str
    is_program: re.Pattern[str]
    bullet: re.Pattern[str]
    activity: re.Pattern[str]
    # An activity noun opening a sentence or clause, or after an active verb or a word of purpose
    # ('Pemberian makanan tambahan ... untuk balita', 'memperketat pemeriksaan ... calon pengantin')
    bare_activity: re.Pattern[str]
    named_before: re.Pattern[str]  # 'Pendampingan dilakukan oleh ...', 'pendaftaran itu ...'
    next_activity: re.Pattern[str]  # ', pemeriksaan kesehatan calon pengantin' after an activity
    joiners: frozenset[str]  # 'dan', 'serta'
    means: re.Pattern[str]
    through_name: re.Pattern[
        str
    ]  # 'Melalui Genting, ... menyalurkan paket pangan ...': the program's means
    named_by: re.Pattern[str]  # 'gerakan yang diberi nama "Noken Gizi"'
    # 'program Sambang Bocah, yaitu kunjungan rumah ...': what follows describes the name before
    describes: re.Pattern[str]
    # 'Program ini menyediakan kelas pengasuhan ...', 'Layanan yang diberi nama Sapo Gizi ...
    # melayani pemeriksaan balita': a sentence about a program named before or in it
    program_subject: re.Pattern[str]
    verb: re.Pattern[str]
    verb_nouns: dict[str, str]
    team_work: re.Pattern[str]  # '186 Tim Pendamping Keluarga kini mendampingi 4.870 keluarga'
    team_nouns: dict[str, str]  # 'mendampingi': 'pendampingan'
    team_passive: re.Pattern[str]  # 'keluarga ... didampingi oleh 318 tim pendamping keluarga'
    team_passive_nouns: dict[str, str]  # 'didampingi': 'pendampingan'
    passive: re.Pattern[str]  # '115 kader posyandu ... kini dilatih ulang'
    passive_nouns: dict[str, str]  # 'dilatih': 'pelatihan'
    received: re.Pattern[str]  # '198 orang yang menerima makanan tambahan'
    receiving_nouns: dict[str, str]  # 'menerima': 'pemberian'
    activity_noun: re.Pattern[str]
    not_activities: frozenset[str]
    stop_words: frozenset[str]
    beneficiary_words: frozenset[str]
    time_words: frozenset[
        str
    ]  # 'selama 56 hari kepada 4.300 balita': the people come after the time
    content_words: frozenset[str]  # 'berupa telur dan susu kepada balita': people after the things
    durations: frozenset[str]  # 'hari', 'pekan'
    hedge_words: frozenset[str]
    people: re.Pattern[str]  # whom an activity is for: the domain's counted nouns, not 'warga'
    serving: re.Pattern[str]  # 'pembangunan jamban sehat': an activity for the topic by its object
    budget: re.Pattern[str]
    budget_for: re.Pattern[str]  # 'anggaran ... untuk Pemberian Makanan Tambahan (PMT)'
    min_words: int
    max_words: int
    not_heads: frozenset[str]
    not_programs: frozenset[str]
    alias: re.Pattern[str]  # 'X, yang dalam bahasa Sasak disebut Y', 'X atau Y': one program
    outside_topic: re.Pattern[str]  # 'di luar urusan stunting', 'tapi untuk stunting'

    @classmethod
    def load(
        cls, config: dict[str, Any], domain: str = DEFAULT_DOMAIN, language: str = DEFAULT_LANGUAGE
    ) -> ProgramRules:
        """The rules for a prompt's ``programs:`` settings, built once for each (their
        patterns took 1.6 ms, more than the rest of the programs' reading of an article)."""
        return cls._built(int(config.get("min_name_words", 2)),
                          int(config.get("max_name_words", 12)), domain, language)

    @classmethod
    @lru_cache(maxsize=16)
    def _built(cls, min_words: int, max_words: int, domain: str, language: str) -> ProgramRules:
        lang, vocab = load_vocab(language), load_vocab(domain)
        words = _alternation(vocab.words("program_words"))
        openers = _alternation(lang.words("program_list_openers"))
        verb_nouns = _verb_nouns(lang, "activity_verbs")
        team_nouns = _verb_nouns(lang, "team_verbs")
        team_passive_nouns = _verb_nouns(lang, "team_passive_verbs")
        workforce = _alternation(list(vocab.words("workforce")))
        passive_nouns = _verb_nouns(lang, "passive_activity_verbs")
        again = _alternation(list(lang.words("again_words")))
        receiving = _verb_nouns(lang, "receiving_verbs")
        counted = _alternation(list(vocab.words("counted_nouns")))
        running = _alternation(list(lang.words("program_verbs")))
        verbs = _alternation([*lang.words("program_verbs"), *verb_nouns])
        copulas = phrases_alternation(lang.words("copulas"))
        joiners = _alternation(list(lang.words("list_words")))
        cues = _alternation(list(lang.words("activity_cues")))
        pointers = phrases_alternation([*lang.words("demonstratives"), *lang.words("naming_words")])
        beneficiary = _alternation(list(lang.words("beneficiary_words")))
        speech = phrases_alternation(lang.words("speech_verbs"))
        purpose = phrases_alternation(lang.words("activity_purpose_words"))
        markers = phrases_alternation(lang.words("list_bullets"))
        return cls(
            program_words=re.compile(rf"(?<!\w){words}(?!\w)"),
            list_heads=any_case(vocab.words("program_list_heads")),
            after_word=re.compile(
                rf"(?<!\w)(?P<word>{words})\s+{_QUOTE}"
                rf"(?P<name>{_NAME}(?:\s+\([A-Z][\w ]{{1,20}}\))?)"
            ),
            # A bracketed acronym in a list of programs ("Program CSR seperti Gerakan ...
            # (Genting), Satu Telur Satu Minggu (Sate Sami)"), or joined to one ("program Kampung
            # Keluarga Berkualitas (Kampung KB) dan Bina Keluarga Remaja (BKR)").
            listed=re.compile(
                rf"(?:(?<!\w){openers}\s+|,\s+|(?<=\))\s+{joiners}\s+){_ACRONYM_NAME}"
            ),
            cued=re.compile(rf"(?<!\w){verbs}\s+{_NAMED}"),
            # Only after a verb of running: 'mengunjungi Posyandu Melati' names a place.
            plain_cued=re.compile(rf"(?<!\w){running}\s+{_QUOTE}(?P<name>{_PLAIN_NAME})"),
            # A place opened is a program only when its name says it serves the topic: 'membuka
            # Rumah Pemulihan Gizi (RPG)', not 'meresmikan Rumah Sakit Umum Daerah (RSUD)'.
            opened=re.compile(
                rf"(?<!\w){_alternation(list(lang.get('opening_verbs', [])))}\s+{_QUOTE}"
                rf"(?P<name>{_PLAIN_NAME}(?:\s+\([A-Z][\w ]{{1,20}}\))?)"
            ),
            service_place=re.compile(
                rf"(?<!\w){running}\s+"
                rf"(?P<name>{_alternation(list(lang.words('place_heads')))}(?:\s+[a-z]+){{1,2}})(?!\w)"
            ),
            service_words=any_case(vocab.words("service_name_words")),
            goal_names=any_case(vocab.words("intent_words")),
            events=frozenset(w.lower() for w in lang.words("event_words")),
            enumeration=re.compile(rf"(?<!\w){openers}\s+(?P<items>[A-Z].*)"),
            listed_activity=re.compile(rf"(?<!\w){openers}\s+(?P<rest>[a-z])"),
            openers=openers,
            is_program=re.compile(
                rf"(?<!\w){words}\b[^.]*?\s(?i:{copulas or '(?!)'})\s+(?P<name>[^,.;]+)"
            ),
            bullet=re.compile(rf"\s*(?:{markers or '(?!)'}|[0-9]{{1,2}}[.)])\s+(?P<item>.+)"),
            activity=re.compile(rf"(?<!\w)(?:{verbs}|{cues})\s+(?P<rest>[a-z])"),
            bare_activity=re.compile(
                rf"(?:^|[,;:]\s+|(?<![\w-])(?!(?:{speech})\s)(?:{lang['active_verb']}|(?P<purpose>{purpose}))\s+)"
                rf"(?P<rest>{lang['activity_noun']})(?![\w-])",
                re.IGNORECASE,
            ),
            named_before=re.compile(
                rf"\s+(?:{lang['passive_verb']}|{phrases_alternation(lang.words('demonstratives'))})"
                rf"(?![\w-])"
            ),
            next_activity=re.compile(rf"(?:,\s+(?:{joiners}\s+)?|\s+{joiners}\s+)(?P<rest>[a-z])"),
            joiners=frozenset(w.lower() for w in lang.words("list_words")),
            means=re.compile(rf"(?<!\w){_alternation(list(lang.get('means_words', [])))}\s*$"),
            # ... or by one named before ('Melalui program ini, warga menyediakan menu ...').
            through_name=re.compile(
                rf"(?<!\w)(?:{cues}|{_alternation(list(lang.words('within_words')))})\s+"
                rf"(?:{_QUOTE}{_CAP}|{words}\s+"
                rf"(?i:{phrases_alternation(lang.words('demonstratives'))})(?!\w))"
            ),
            named_by=re.compile(
                rf"(?<!\w){_alternation(list(lang.words('naming_words')))}\s+"
                rf"(?:[\"“‘'](?P<quoted>[A-Z][^\"”’'\n]{{2,60}})[\"”’']|(?P<name>{_NAME}))"
                rf"(?:,?\s+{_alternation(list(lang.words('expansion_words')))}\s+"
                rf"(?P<long>{_NAME}))?"
            ),
            describes=re.compile(rf"[A-Z][\w-]*\)?[\"”’']?,?\s+(?i:{copulas or '(?!)'})\s+$"),
            program_subject=re.compile(
                rf"[\"“‘'\s]*(?i:{words})(?:\s+[^\s,.;:]+){{0,{_SUBJECT_WORDS}}}?\s+"
                rf"(?i:{pointers})(?!\w)"
            ),
            verb=re.compile(rf"{verbs}$"),
            verb_nouns=verb_nouns,
            # Only a counted team (a number before it) and at most two words before its verb:
            # 'mendampingi' alone also describes a single person's help ('pendampingan anak').
            team_work=re.compile(
                rf"{_COUNT}\s+(?P<team>{workforce}(?:\s+\([A-Z][\w ]{{1,20}}\))?)"
                rf"(?:\s+[a-z]+){{0,2}}\s+(?P<verb>{_alternation(list(team_nouns))})\s+(?P<rest>\S)"
            ),
            team_nouns=team_nouns,
            team_passive=re.compile(
                rf"(?<!\w)(?P<verb>{_alternation(list(team_passive_nouns))})(?:\s+(?i:oleh))?"
                rf"(?:\s+[\w.]+){{0,4}}?\s+(?P<team>{workforce})(?!\w)"
            ),
            team_passive_nouns=team_passive_nouns,
            # The workforce counted, then (words of one clause between) what is done to them:
            # '115 kader posyandu aktif di wilayahnya kini dilatih ulang' is 'Pelatihan ulang
            # kader'.
            passive=re.compile(
                rf"{_COUNT}\s+(?P<people>{workforce})(?!\w)(?:\s+[a-z]+){{0,5}}?"
                rf"\s+(?P<verb>{_alternation(list(passive_nouns))})(?:\s+(?P<again>{again}))?(?!\w)"
            ),
            passive_nouns=passive_nouns,
            # People counted who received the topic's aid: the giving of it is a program.
            received=re.compile(
                rf"(?:{_COUNT}(?:\s+[a-z]+){{1,3}}?|{counted}(?:\s+[A-Za-z]+){{0,3}}?)"
                rf"\s+(?P<verb>{_alternation(list(receiving))})(?:\s+[a-z]+){{0,2}}?"
                rf"\s+(?P<aid>{_alternation(list(vocab.get('aid_words', [])))})(?!\w)"
            ),
            receiving_nouns=receiving,
            activity_noun=re.compile(str(lang.get("activity_noun", "(?!)"))),
            not_activities=frozenset(
                w.lower()
                for w in [*vocab.words("not_program_activities"),
                          *lang.words("nouns_not_activities")]
            ),
            stop_words=frozenset(w.lower() for w in lang.words("activity_stop_words")),
            beneficiary_words=frozenset(w.lower() for w in lang.words("beneficiary_words")),
            time_words=frozenset(w.lower() for w in lang.words("activity_time_words")),
            content_words=frozenset(w.lower() for w in lang.words("activity_content_words")),
            durations=frozenset(w.lower() for w in lang.words("duration_words")),
            hedge_words=frozenset(w.lower() for h in lang.table("hedges") for w in h.split()),
            people=any_case(vocab.words("counted_nouns")),
            serving=any_case(vocab.words("serving_objects")),
            budget=any_case(lang.words("budget_words")),
            budget_for=re.compile(rf"(?<!\w){beneficiary}\s+{_ACRONYM_NAME}"),
            min_words=min_words,
            max_words=max_words,
            not_heads=frozenset(w.lower() for w in lang.words("not_program_heads")),
            alias=any_case(lang.words("alias_words")),
            outside_topic=apart_from_topic(lang, vocab),
            not_programs=frozenset(
                " ".join(w.lower().split()) for w in vocab.words("not_programs")
            ),
        )

    def keeps(self, name: str) -> bool:
        """A name of the right length that is not an office or team nor names a national policy
        nor is the proper name of a meeting ('Forum Rembuk Stunting': an event word among its
        first two words, every word capitalised; 'Kunjungan rumah ibu hamil' is an activity)."""
        words = name.split()
        said = " ".join(name.lower().split())
        meeting = all(w[:1].isupper() for w in words) and any(
            w.lower() in self.events for w in words[:2])
        return (
            self.min_words <= len(words) <= self.max_words
            and words[0].lower() not in self.not_heads
            and not meeting
            and not any(policy in said for policy in self.not_programs)
        )


def about_topic(text: str, domain: str = DEFAULT_DOMAIN) -> bool:
    """Whether an article names its topic often enough to be about it: in one about dengue or
    roads that mentions stunting once, a 'Gerakan Satu Rumah Satu Jumantik' is no program of the
    topic, however it is written."""
    vocab = load_vocab(domain)
    mentions = any_case(vocab.words("topic_words")).findall(text)
    return len(mentions) >= vocab.number("topic_min_mentions")


def propose_programs(
    text: str,
    config: dict[str, Any],
    domain: str = DEFAULT_DOMAIN,
    *,
    mentions: list[NumberMention] | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[Proposal]:
    """Program proposals in order of appearance, one per name (the first sentence naming it).
    A budget is part of what a program is (and a figure of its own, an indicator in rupiah): the
    clause of the money in the program's sentence, or the rest of a list item after its bold
    name, is its description."""
    rules = ProgramRules.load(config, domain, language)
    mentions = parse_numbers(text) if mentions is None else mentions
    money = [m for m in mentions if m.kind == MONEY]
    found: dict[str, Proposal] = {}
    list_open = activities = False
    sentences = split_sentences(text)
    for i, s in enumerate(sentences):
        if s.headline or _outside_topic(s, sentences[i + 1 : i + 2], rules):
            continue
        item = rules.bullet.match(s.line)
        if item:
            if list_open and s.start == s.line_start + len(s.line) - len(s.line.lstrip()):
                name, rest = _item_name(item["item"])
                if not activities or (name.split() or [""])[0].lower() not in rules.events:
                    _add(found, name, _line(s), "bullet", True, rules, rest)
            continue
        stripped = s.line.strip()
        # A list of programs, or of activities ('Adapun kegiatan ... antara lain:'), of which a
        # meeting or a visit is none.
        opens = stripped.endswith(":") or stripped.startswith("#")
        of_programs = opens and bool(rules.program_words.search(s.text))
        activities = opens and not of_programs and bool(rules.list_heads.search(s.text))
        list_open = of_programs or activities
        budget = next(
            (
                s.text[a - s.start : b - s.start].strip()
                for m in money
                if s.start <= m.start < s.end
                for a, b in [clause_bounds(s, m)]
            ),
            None,
        )
        numbers = [
            (m.start - s.start, m.end - s.start) for m in mentions if s.start <= m.start < s.end
        ]
        for name, rule, sure in _names_in(s, rules, numbers):
            _add(found, name, s, rule, sure, rules, budget)
    # A name inside a longer one (the name without its acronym, a cut-off repeat, the name after
    # its program word: 'Program Satu Desa Satu Ahli Gizi') is the same program.
    bare = [_bare(key, rules) for key in found]
    return _merge_aliases([
        p
        for i, p in enumerate(found.values())
        if not any(
            j != i and bare[i] in other and (bare[i] != other or j < i)
            for j, other in enumerate(bare)
        )
    ], rules)


def _outside_topic(s: Sentence, after: tuple[Sentence, ...], rules: ProgramRules) -> bool:
    """The sentence, or the next one pointing back to its program, sets what it names apart
    from the topic ('Di luar urusan stunting, Dinas Pendidikan memaparkan program beasiswa ...',
    '... Program Indonesia Pintar untuk anak sekolah, tapi untuk stunting fokus kita ...',
    'Program itu ... bukan bagian dari penanganan stunting'): none of its names is a program of
    the topic."""
    return bool(rules.outside_topic.search(s.text)) or any(
        rules.program_subject.match(n.text) and rules.outside_topic.search(n.text)
        for n in after)


_ALIAS_GAP_WORDS = 8  # 'X, yang dalam bahasa Sasak disebut Y': the words joining two names


def _merge_aliases(proposals: list[Proposal], rules: ProgramRules) -> list[Proposal]:
    """Two names of one sentence joined by a word of another name ('Gerakan Gizi Anak Sasak,
    yang dalam bahasa Sasak disebut Gerak Semeton', 'Samarinda Peduli Gizi Keluarga atau Sapu
    Gizi') are one program, named 'X (Y)' in the sentence's order, like a name with its acronym:
    measured on blind12, each such pair was counted as two programs."""
    out: list[Proposal] = []
    for p in proposals:
        at = next((i for i, q in enumerate(out) if _aliases(q.program, p.program, rules)), None)
        if at is None:
            out.append(p)
            continue
        q = out[at]
        first, later = sorted((q.program, p.program), key=lambda x: x.quote.find(x.name))
        name = first.name if "(" in first.name else f"{first.name} ({later.name})"
        out[at] = Proposal(q.program.model_copy(update={"name": name}), q.rule, q.sure or p.sure)
    return out


def _aliases(one: Program, other: Program, rules: ProgramRules) -> bool:
    """Both names capitalised and written in the same sentence, the gap between them a few
    words holding a word of another name."""
    quote = one.quote
    if quote != other.quote or not (one.name[:1].isupper() and other.name[:1].isupper()):
        return False
    (a, first), (b, _) = sorted((quote.find(x.name), x.name) for x in (one, other))
    if a < 0 or b < a + len(first):
        return False
    between = quote[a + len(first) : b]
    return len(between.split()) <= _ALIAS_GAP_WORDS and bool(rules.alias.search(between))


def _bare(key: str, rules: ProgramRules) -> str:
    """A lower-cased name without a leading program word ('program satu desa ...')."""
    word = rules.program_words.match(key)
    return key[word.end() :].lstrip() if word and word.end() < len(key) else key


def _add(
    found: dict[str, Proposal],
    name: str,
    sentence: Sentence,
    rule: str,
    sure: bool,
    rules: ProgramRules,
    description: str | None = None,
) -> None:
    name = name.strip(" .,;:")
    if rules.keeps(name) and name.lower() not in found:
        program = Program(
            name=name, description=description or None, quote=sentence.text, span=sentence.span
        )
        found[name.lower()] = Proposal(program, rule, sure)


def _line(s: Sentence) -> Sentence:
    """A list item's whole line (a numbered item 'Kelas ibu hamil. Setiap bulan.' is one item)."""
    lead = len(s.line) - len(s.line.lstrip())
    return Sentence(
        s.line_start + lead,
        s.line_start + len(s.line.rstrip()),
        s.line.strip(),
        s.line_start,
        s.line,
    )


def _item_name(item: str) -> tuple[str, str]:
    """A markdown item's bold name and the rest ('**PMT lokal** untuk balita'), else the whole
    item and nothing."""
    bold = _BOLD.match(item)
    return (bold["name"], item[bold.end() :].strip(" :,-–")) if bold else (item, "")


def _names_in(
    s: Sentence, rules: ProgramRules, numbers: list[tuple[int, int]]
) -> Iterator[tuple[str, str, bool]]:
    """(name, rule, sure) for every rule matching in a sentence of prose (``numbers``: the spans
    of its number mentions, in the sentence)."""
    named = False
    for m in rules.cued.finditer(s.text):
        named = True
        yield m["name"], "after_verb", True
    for m in rules.plain_cued.finditer(s.text):
        named = True
        if m["name"].split()[0].lower() not in rules.events | rules.not_activities:
            yield m["name"], "name_after_verb", False
    for m in rules.service_place.finditer(s.text):
        # the service's words end before a word that says where, when or how ('di', 'yang') or
        # joins another ('posyandu rutin dan kunjungan rumah')
        words = list(itertools.takewhile(
            lambda w: w.lower() not in rules.stop_words and w.lower() not in rules.joiners,
            m["name"].split()))
        if len(words) >= rules.min_words:
            named = True
            yield " ".join(words), "service_place", False
    for m in rules.opened.finditer(s.text):
        if (
            rules.service_words.search(m["name"])
            and m["name"].split()[0].lower() not in rules.events
        ):
            named = True
            yield m["name"], "opened", True
    budget = bool(rules.budget.search(s.text))
    listing = False  # a further activity after a comma or 'dan' only once one was found
    # A program named by a word of means before the activities ('Melalui Genting, orang tua asuh
    # menyalurkan paket pangan ...') is what they are done under, not a further program.
    through = rules.through_name.search(s.text) or rules.program_subject.match(s.text)

    def under_named(at: int) -> bool:
        return through is not None and through.start() < at

    for m in _activity_starts(s.text, rules):
        if (
            (m.re is rules.next_activity and not listing)
            or under_named(m.start())
            or rules.describes.search(s.text, 0, m.start("rest"))
        ):
            continue
        # What a budget is for ('Anggaran ini untuk pemberian makanan tambahan, pelatihan kader')
        # is a program, whoever it serves.
        for_people = not (m.re is rules.bare_activity and m["purpose"] and budget)
        activity = (
            None
            if named and rules.means.search(s.text, 0, m.start())
            else _activity(s.text, m, rules, numbers, for_people=for_people)
        )
        listing = listing or activity is not None
        if activity:
            yield activity, "activity", False
    for m in rules.team_work.finditer(s.text):
        work = _activity(s.text, m, rules, numbers, head=rules.team_nouns[m["verb"].lower()])
        if work:
            yield f"{work} oleh {m['team']}", "team_work", False
    for m in rules.team_passive.finditer(s.text):
        if under_named(m.start()):
            continue
        noun = rules.team_passive_nouns[m["verb"].lower()]
        yield f"{noun.capitalize()} oleh {m['team']}", "team_passive", False
    for m in rules.passive.finditer(s.text):
        yield (
            " ".join(
                filter(
                    None,
                    [rules.passive_nouns[m["verb"].lower()].capitalize(), m["again"], m["people"]],
                )
            ),
            "passive",
            False,
        )
    if rules.people.search(s.text):
        for m in rules.received.finditer(s.text):
            if under_named(m.start()):
                continue
            yield (
                f"{rules.receiving_nouns[m['verb'].lower()].capitalize()} {m['aid']}",
                "received",
                False,
            )
    if budget:
        for m in rules.budget_for.finditer(s.text):
            yield m["name"], "budget_for", True
    # A name introduced as one ('inovasi bernama DUSAK atau Dusun Sehat Anak Kuat'), in a sentence
    # about the topic's work or people.
    if any(r.search(s.text) for r in (rules.program_words, rules.service_words, rules.people)):
        for m in rules.named_by.finditer(s.text):
            short = m["quoted"] or m["name"]
            name = f"{m['long']} ({short})" if m["long"] else short
            if not rules.goal_names.search(name):
                yield name, "named", False
    if not rules.program_words.search(s.text):
        yield from _service_names(s, rules)
        return
    for m in rules.listed.finditer(s.text):
        yield m["name"], "acronym", True
    for m in rules.after_word.finditer(s.text):
        # A capitalised program word before a name of its own is the name's first word ('adalah
        # Gerakan Orang Tua Asuh ...'), not before a single word ('Program CSR seperti ...').
        whole = m["word"][0].isupper() and len(m["name"].split()) >= rules.min_words
        yield (f"{m['word']} {m['name']}" if whole else m["name"]), "after_program_word", False
    for m in rules.enumeration.finditer(s.text):
        for item in m["items"].split(", "):
            joiner, _, rest = item.partition(" ")
            item = rest if joiner.lower() in rules.joiners else item  # '..., dan Bank Telur'
            if item[:1].isupper() and not re.search(rules.openers, item) and "(" not in item:
                yield item, "enumeration", False
    for m in rules.is_program.finditer(s.text):
        if not rules.describes.search(s.text, 0, m.start("name")):
            yield _described(m["name"], rules), "copula", False
    # 'layanan ... seperti pemberian vitamin, imunisasi dasar, dan penyuluhan gizi'
    for opener in rules.listed_activity.finditer(s.text):
        if rules.describes.search(s.text, 0, opener.start("rest")) or under_named(opener.start()):
            continue
        for m in [opener, *rules.next_activity.finditer(s.text, opener.end())]:
            activity = _activity(s.text, m, rules, numbers, for_people=False)
            if not activity:
                break  # 'yakni tempat pemberian ..., konseling ...': a place's services, not a list
            yield activity, "listed_activity", False
    yield from _service_names(s, rules)


def _service_names(s: Sentence, rules: ProgramRules) -> Iterator[tuple[str, str, bool]]:
    """The last rule, for names no other rule gave: a capitalised name right after a word of
    prose, named for the topic's service ('kami bentuk Sekaa Gizi'), and not an event, a goal
    ('Zero Stunting') or an aim's work ('upaya Konkret Penurunan Stunting')."""
    for m in _SERVICE_NAME.finditer(s.text):
        name = m["name"]
        before = s.text[:m.start()].split()
        if (before and before[-1].isalpha() and before[-1].islower()
                and len(name.split()) >= rules.min_words
                and rules.service_words.search(name)
                and name.split()[0].lower() not in rules.events
                and not rules.not_activities & set(name.lower().split())
                and not rules.goal_names.search(name)):
            yield name, "service_name", False


def _activity_starts(text: str, rules: ProgramRules) -> list[re.Match[str]]:
    """Where activities may start, in order: after a verb of running or of the activity itself
    (or a word of means, 'melalui'), and after a comma or 'dan' that lists a further one
    ('melanjutkan pemberian tablet tambah darah bagi remaja putri, pemeriksaan kesehatan calon
    pengantin, serta ...')."""
    verbs = list(rules.activity.finditer(text))
    further = list(rules.next_activity.finditer(text, verbs[0].end())) if verbs else []
    bare = [
        m
        for m in (
            rules.bare_activity.finditer(text)
            if any(r.search(text) for r in (rules.people, rules.budget, rules.serving))
            else []
        )
        if (m.start("rest") == 0 or m["rest"][0].islower())  # mid-sentence capitals: a name
        and not rules.named_before.match(text, m.end())
    ]
    return sorted([*verbs, *further, *bare], key=lambda m: m.start())


def _described(name: str, rules: ProgramRules) -> str:
    """'program andalan adalah pemberian makanan tambahan (PMT) lokal berbahan ikan patin dan telur
    selama 90 hari bagi 640 balita': the name ends before the first word saying where, how long,
    why or for how many (``activity_stop_words``, a number)."""
    cut = next(
        (
            t.start()
            for t in _TOKEN.finditer(name)
            if t.group()[0].isdigit() or t.group().lower() in rules.stop_words
        ),
        len(name),
    )
    return name[:cut]


def _activity(
    text: str,
    verb: re.Match[str],
    rules: ProgramRules,
    numbers: list[tuple[int, int]],
    for_people: bool = True,
    head: str | None = None,
) -> str | None:
    """'menggencarkan pemberian tablet tambah darah bagi remaja putri di sekolah' -> 'Pemberian
    tablet tambah darah bagi remaja putri': an activity noun (or a verb naming the activity,
    turned into its noun) and its object, up to a word ending it, kept only when it is done for
    people of the topic (unless ``for_people`` is off: the sentence already says it lists
    programs); the name ends with them. Numbers (``numbers``: their spans in ``text``, number
    words too) and their hedges are left out ('kepada sekitar 9.400 remaja putri', 'satu sampai
    dua anak'). ``head``: the noun of a verb found by another rule (a counted team's work)."""
    head = head or rules.verb_nouns.get(verb.group().split()[0].lower())
    tokens = list(_TOKEN.finditer(text, verb.start("rest")))
    first = tokens[0].group() if tokens else ""
    if head is None and not (
        rules.activity_noun.fullmatch(first.lower()) and first.lower() not in rules.not_activities
    ):
        return None
    words: list[re.Match[str]] = []
    people_later = False  # 'menyalurkan makanan tambahan selama 56 hari kepada 4.300 balita'
    for i, token in enumerate(tokens):
        word = token.group().lower()
        if _is_number(token, numbers):
            while words and words[-1].group().lower() in rules.hedge_words:
                words.pop()
            continue
        people_next = _people_next(text, tokens[i + 1 :], rules, numbers)
        if word == "," and people_next:  # 'kepada balita, ibu hamil dan ibu menyusui': one list
            words.append(token)
            continue
        if (
            not (word[0].isalpha() or word.startswith("("))
            or len(words) == rules.max_words
            or (word in rules.stop_words and not (word in rules.beneficiary_words and people_next))
            or (words and _next_activity_starts(word, tokens[i + 1 :], words, text, rules))
        ):
            people_later = (word in rules.time_words and _people_after_time(
                text, tokens[i + 1 :], rules, numbers
            )) or (word in rules.content_words and _people_after_content(
                text, tokens[i + 1 :], rules, numbers
            ))
            break
        words.append(token)
    people = [
        found.end() for w in words for found in [rules.people.match(text, w.start())] if found
    ]
    serves = any(rules.serving.match(text, w.start()) for w in words)
    if not people and for_people and not people_later and not serves:
        return None
    kept = [w for w in words if w.start() < people[-1]] if people else words
    if len(kept) < len(words) and words[len(kept)].group().startswith("("):
        kept.append(words[len(kept)])  # its acronym: 'Tim Pendamping Keluarga (TPK)'
    name = " ".join([*([head] if head else []), *(w.group() for w in kept)]).replace(" ,", ",")
    return name[:1].upper() + name[1:]


def _is_number(token: re.Match[str], numbers: list[tuple[int, int]]) -> bool:
    return any(a <= token.start() < b for a, b in numbers)


def _people_next(
    text: str, tokens: list[re.Match[str]], rules: ProgramRules, numbers: list[tuple[int, int]]
) -> bool:
    """People of the topic come next, past a number and its hedge ('untuk 500 balita', 'bagi
    sekitar 8.500 remaja putri'): the word before them says whom the activity is for."""
    for token in tokens:
        if not (_is_number(token, numbers) or token.group().lower() in rules.hedge_words):
            return bool(rules.people.match(text, token.start()))
    return False


def _people_after_time(
    text: str, tokens: list[re.Match[str]], rules: ProgramRules, numbers: list[tuple[int, int]]
) -> bool:
    """A short phrase of time ('selama 56 hari', 'setiap pekan') then a word saying whom for and
    people of the topic: the activity before the time is done for them, though its name ends
    before the time ('menyalurkan makanan tambahan ... selama 56 hari kepada 4.300 balita');
    or the people right after the word of time ('ke setiap balita stunting')."""
    for i, token in enumerate(tokens[:4]):
        word = token.group().lower()
        if i == 0 and rules.people.match(text, token.start()):
            return True  # 'kunjungan rumah ke setiap balita stunting': each of them
        if word in rules.beneficiary_words:
            return _people_next(text, tokens[i + 1 :], rules, numbers)
        if not (_is_number(token, numbers) or word in rules.durations):
            return False  # 'membagikan hadiah selama acara kepada 30 anak': not a time
    return False


def _people_after_content(
    text: str, tokens: list[re.Match[str]], rules: ProgramRules, numbers: list[tuple[int, int]]
) -> bool:
    """The things an activity gives, then whom for, in the same clause ('memberikan makanan
    tambahan berupa telur dan kacang hijau tiga kali seminggu kepada balita stunting')."""
    for i, token in enumerate(tokens):
        word = token.group().lower()
        if word in {".", ";"} or rules.verb.match(word):
            return False
        if word in rules.beneficiary_words:
            return _people_next(text, tokens[i + 1 :], rules, numbers)
    return False


def _next_activity_starts(
    word: str, rest: list[re.Match[str]], words: list[re.Match[str]], text: str, rules: ProgramRules
) -> bool:
    """'... dan melakukan pemeriksaan ...': a verb of running starts the next activity; so does a
    joining word before an activity noun once this one has its people ('penyuluhan gizi bagi
    calon pengantin dan pemeriksaan kehamilan ...'; but 'pendampingan dan pemberdayaan keluarga'
    is one, sharing its people)."""
    following = rest[0].group().lower() if rest else ""
    complete = any(rules.people.match(text, w.start()) for w in words)
    starts_activity = (
        bool(rules.activity_noun.fullmatch(following)) and following not in rules.not_activities
    )
    return bool(rules.verb.match(word)) or (complete and word in rules.joiners and starts_activity)


def confirm_programs(
    proposals: list[Proposal], client: Client, prompt: Prompt
) -> tuple[list[Program], list[str], Usage]:
    """Keep the sure proposals; ask the model (labels ``program`` / ``other``) about the rest when
    the prompt's ``programs.confirm`` is on."""
    confirm = bool((prompt.data.get("programs") or {}).get("confirm", False))
    kept: list[Program] = []
    problems: list[str] = []
    usage = Usage()
    for proposal in proposals:
        if proposal.sure or not confirm:
            kept.append(proposal.program)
            continue
        shown = proposal.program.quote.replace(
            proposal.program.name, f"[[{proposal.program.name}]]", 1
        )
        answer, why, used = ask_label(client, prompt, shown, ["program", "other"], kind="program_")
        usage = usage.add(used)
        problems.extend(f"program {proposal.program.name!r}: {w}" for w in why)
        if answer == "program":
            kept.append(proposal.program)
    return kept, problems, usage
