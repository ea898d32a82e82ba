"""Extract: sentences -> claims about elite factions.

The extractor is rules all the way down, in four steps:

1. **Prefilter.** The faction lexicon and the anaphora rules are matched on
   the tokenizer's output alone; only sentences with a faction term (or a
   pronoun right after one) are parsed, so the tagger and parser never run on
   the rest of the article.
2. **Mentions.** On the parsed sentence the strict rules (with POS and
   dependency constraints) find faction mentions. A pronoun or a definite
   description (``they``, ``these agencies``) takes the factions of the
   sentence before. Mentions only in a background clause (a cause or a time:
   ``due to ...``, ``because ...``, ``after the mutiny``) are dropped, as the
   guidelines ask, and so are mentions of who says it (``according to a
   Kremlin insider``, ``Kremlin insiders say ...``) when the claim is about
   another faction. The people of a body are that body's faction
   (``officers of the Fifth Service``).
3. **Scope.** Which clauses speak about the faction: the clause of each
   mention, the clauses that govern it, its relative clauses, what it has
   (no) reason or intention to do, and a clause after ``but``. Cues outside
   that scope (an ``although`` clause, a relative clause about something
   else) do not count.
4. **Labels.** Stance cues in scope, with negation and reversal (``resisted
   coups`` is loyal), patient roles (``those ousted`` is targeted) and the
   clause after ``but`` deciding; hedges in scope; the source from a reporting
   verb, ``according to``, or a quotation that runs on over paragraphs.

Every decision records the ids of the rules that made it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Token

from argmap.clean import GlueSplitter
from argmap.fastpipe import FastPipe, one_blas_thread
from argmap.models import Block, Claim, Mention, Sentence
from argmap.rules import Match, RuleSet, longest

CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "acl", "conj", "parataxis", "csubj", "pcomp"}
BACKGROUND_MARKS = {"because", "since", "when", "whenever", "after", "before", "until", "once"}
BACKGROUND_PREPS = {"due", "owing", "because", "thanks"}
CONCESSIVE_MARKS = {"although", "though", "if", "unless", "despite", "whereas", "even"}
TIME_PREPS = {"after", "before", "since", "during", "following", "until", "throughout"}
#: Occasions: 'in a meeting of the Security Council' says where, not whom a claim is about.
OCCASIONS = {
    "meeting", "session", "speech", "interview", "conference", "ceremony", "summit", "address",
    "parade", "briefing", "hearing", "gathering",
}  # fmt: skip
ADJUNCT_PREPS = TIME_PREPS | {"amid", "despite"}
CONCESSIVE_PREPS = {"despite", "notwithstanding"}
#: Fights: what a loyal word backs in one is not the other side ('in a clash with rebels').
CONFLICTS = {
    "confrontation", "clash", "fight", "battle", "struggle", "showdown", "standoff", "conflict",
    "war", "campaign", "crackdown",
}  # fmt: skip
#: Words that open a concession before the main clause: 'Whatever misgivings they
#: harbour, ...', 'For all the talk of a coup, ...'.
CONCESSIVE_OPENERS = CONCESSIVE_PREPS | {"whatever", "whichever", "beneath"}
CONCESSIVE_OPENERS_2 = {("for", "all"), ("regardless", "of"), ("in", "spite")}
#: Nouns that make 'in the ... of' a time: 'in the aftermath of the mutiny'.
TIME_NOUNS = {"aftermath", "wake", "run-up"}
#: Stretches of time that make 'within' or 'in the ... of' a time: 'within hours of the mutiny'.
SPANS = {"hour", "day", "week", "month", "minute", "moment"}
CONTRAST_CC = {"but", "yet", "however", "still", "though"}
CAUSATIVE = {
    "lead",
    "cause",
    "drive",
    "push",
    "spur",
    "fuel",
    "prompt",
    "force",
    "trigger",
    "provoke",
}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "expl", "csubj"}
ANONYMOUS = {"source", "insider", "person", "people", "official", "aide", "diplomat"}
#: What a faction writes or says: a participle on one of these gives its content.
MESSAGES = {
    "letter", "statement", "appeal", "petition", "manifesto", "message", "video", "post",
    "declaration", "address", "article", "speech", "interview", "ultimatum", "plea",
}  # fmt: skip
#: Verbs whose object befalls their subject: 'they face a purge' (the faction is no actor).
UNDERGO = {
    "face", "fear", "suffer", "endure", "escape", "survive", "avoid", "undergo", "risk",
    "expect", "dread", "weather", "await", "have", "get", "see", "experience", "receive",
    "incur", "draw", "earn", "provoke", "lose",
}  # fmt: skip
#: Verbs whose clause is what the subject wants, not what it predicts (as written: the
#: lemmatizer reads 'hoped' as 'hop').
WISH = {
    "wish", "wishes", "wished", "wishing", "hope", "hopes", "hoped", "hoping", "want",
    "wants", "wanted", "wanting", "prefer", "prefers", "preferred", "preferring", "demand",
    "demands", "demanded", "demanding",
}  # fmt: skip
#: Hedge verbs that guess only with a complement: 'appear to waver', not 'cracks appeared'.
LINKING = {"seem", "appear"}
#: Hedge verbs of belief: a guess of the source's, but what a faction believes is stated
#: ('Kremlin insiders believe the war was a mistake').
BELIEF = {
    "believe", "expect", "assume", "suspect", "guess", "predict", "speculate", "surmise",
    "forecast", "think",
}  # fmt: skip
#: Verbs and adjectives whose clause is what the subject fears: no guess of the author's
#: when the faction fears it ('the generals fear that a deal would ...'), but a possibility
#: when the faction is in it ('the Kremlin fears that the elites could split').
FEAR = {
    "fear", "fears", "feared", "fearing", "worry", "worries", "worried", "worrying", "dread",
    "dreads", "dreaded", "afraid", "concerned", "anxious", "fearful",
}  # fmt: skip
#: Names of bodies that go on with 'of' or 'for': 'the Ministry of Defence'.
BODIES = {
    "institute", "center", "centre", "ministry", "council", "endowment", "foundation",
    "committee", "service", "agency", "department", "school", "university", "office",
    "academy", "bank", "fund", "commission", "union", "directorate", "administration",
}  # fmt: skip
#: Subjects of 'suggest', 'show' that name no one: 'a trickle of resignations suggests ...'.
NOT_SOURCES = {
    "trickle", "wave", "spate", "string", "series", "flurry", "stream", "evidence", "data",
    "figure", "statistic", "sign", "event", "fact", "history", "experience", "record",
    "pattern", "development", "trend", "number", "rise", "fall", "increase", "decline",
}  # fmt: skip
#: What an outlet is called beside its name: 'the Kommersant newspaper' is Kommersant.
OUTLETS = {
    "newspaper", "paper", "daily", "weekly", "agency", "site", "website", "outlet", "channel",
    "broadcaster", "magazine", "tabloid", "portal", "publication", "station", "network",
}  # fmt: skip
#: Words that stand for a part of a group: 'one of the sources', 'many of his aides'.
QUANTIFIERS = {
    "one", "some", "many", "most", "all", "none", "few", "several", "both", "each", "any",
    "half", "majority", "minority", "others",
}  # fmt: skip
#: Prepositions that say where a group of sources sits: 'analysts at the Carnegie Center'.
AFFILIATIONS = {"at", "from", "in", "inside", "within", "with"}
#: Documents whose author is the source: 'according to a report by X'.
DOCUMENTS = {
    "report", "study", "survey", "analysis", "assessment", "statement", "article", "document",
    "memo", "poll", "estimate", "investigation", "paper", "briefing", "dossier", "leak",
    "letter", "cable", "recording", "reporting", "research", "count", "tally", "data",
    "figures", "book", "calculation", "calculations", "reckoning", "findings",
}  # fmt: skip
#: Verbs of knowing and telling: what their subject knows or warns 'about' is a topic.
KNOW = {
    "know", "learn", "hear", "warn", "inform", "tell", "brief", "alert", "forewarn", "report",
    "ask", "worry", "care", "complain",
}  # fmt: skip
#: Verbs whose 'from' is the one who acts: the country that expels, deports or bans.
EXPEL = {"expel", "deport", "ban", "bar", "banish", "exclude"}
#: Fighting units: 'elite' on one of these is no political elite ('elite paratroopers').
UNITS = {
    "troop", "troops", "unit", "force", "forces", "soldier", "paratrooper", "regiment",
    "division", "brigade", "battalion", "squad", "commando", "guard", "guards", "fighter",
    "corps", "formation", "sniper", "marine", "pilot", "spetsnaz", "infantry", "airborne",
}  # fmt: skip
#: Verbs that relay what someone says, not what they think: a faction that only says
#: something neutral is no claim ('drones struck a refinery, the regional governor said').
RELAY = {
    "say", "tell", "report", "announce", "add", "state", "confirm", "note", "write",
    "declare", "explain", "reveal", "disclose", "brief",
}  # fmt: skip
#: Words for the regime as the one who acts: 'the Kremlin pinned the blame on ...'.
REGIME = {
    "kremlin", "putin", "president", "government", "authorities", "state", "regime",
    "moscow", "prosecutors", "investigators", "court", "courts",
}  # fmt: skip
#: The rule id of a person the article introduced with a faction word.
PERSON_RULE = "person.introduced"
#: Capitalised words that are no one's surname.
HONORIFICS = {"Mr", "Mrs", "Ms"}
NOT_NAMES = {"Putin", "Russia", "Moscow", "Kremlin", "Ukraine", "Kyiv", "The", *HONORIFICS}
#: The rule of military ranks before a name ('General Surovikin').
TITLE_RULE = "military.general-title"
#: The rules of ranks before a name, spelt out or abbreviated ('Maj Gen Ivan Popov').
RANK_RULES = {TITLE_RULE, "military.rank-abbrev"}
#: Words for the people of any body: 'officers of the Fifth Service' are the service's.
MEMBERS = {"officers", "officer", "officials", "official", "agents", "staff", "personnel"}
#: Deeds and fates that a faction's name before 's can own ('Prigozhin's mutiny').
EVENTS = {
    "mutiny", "rebellion", "revolt", "uprising", "insurrection", "putsch", "coup", "march",
    "death", "murder", "killing", "arrest", "dismissal", "removal", "sacking", "fall",
    "downfall", "demise", "ouster", "resignation", "trial", "conviction", "jailing",
}  # fmt: skip
#: Pronouns that take up a faction named earlier in the sentence.
PLURAL_PRONOUNS = {"they", "them", "their", "themselves"}
_QUESTION = re.compile(r"\?[\"'”’)\]]*$")
_NAME = re.compile(r"\b([A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+)+)")
#: A line that opens with a speaker's name and a colon, as interviews set answers.
_LABEL = re.compile(r"([A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+){0,2}):\s")
_ASIDE = re.compile(r"\b(?:rather|instead|whatever|whichever|however)\b", re.IGNORECASE)
_OPEN_QUOTES = '“"«'
_CLOSE_QUOTES = '”"»'
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Words that open an adjunct between a reporting verb and its quotation ('said on Friday:').
_QUOTE_ADJUNCTS = (
    "on", "in", "at", "to", "during", "after", "before", "via", "last", "this", "earlier",
    "later", "recently", "yesterday", "today", "late", "once", "privately", "publicly", *_DAYS,
)  # fmt: skip


MentionT = tuple[Token, Token, str, str]


@dataclass(frozen=True)
class Antecedent:
    """A faction a pronoun in the next sentence may refer to."""

    faction: str
    number: str
    person: bool


@dataclass
class Found:
    """A labelled cue in a parsed sentence."""

    rule: str
    label: str
    tokens: list[Token]

    @property
    def head(self) -> Token:
        """The syntactic head of the cue's words."""
        doc = self.tokens[0].doc
        return doc[self.tokens[0].i : self.tokens[-1].i + 1].root

    @property
    def text(self) -> str:
        doc = self.tokens[0].doc
        return doc[self.tokens[0].i : self.tokens[-1].i + 1].text


class Attribution(NamedTuple):
    """Who a claim is attributed to, by which rule, and the words that say so."""

    name: str | None
    rule: str | None
    cue: list[Token]


@dataclass
class Draft:
    """A claim being built from one sentence (or one part of it)."""

    start: int
    end: int
    mentions: list[tuple[Token, Token, str, str]] = field(default_factory=list)


#: Candidate sentences per batch of the tagger and parser: on sentence-sized docs,
#: 128 parsed about 20% faster than batches of one document's (~20) sentences and
#: than spaCy's default of 1,000.
BATCH_SIZE = 128

#: Rule types matched on parsed sentences (all in one matcher).
MATCHED_TYPES = (
    "faction", "anaphor", "foreign", "stance", "pseudo", "reverse", "external", "hedge", "reporting"
)  # fmt: skip
_MATCHES = "argmap.matches"
_FACTION = frozenset({"faction"})
_ANAPHOR = frozenset({"anaphor"})

#: What :meth:`Extractor.extract_many` takes of each document: (doc_id, text, blocks, sentences).
DocumentInput = tuple[str, str, Sequence[Block], Sequence[Sentence]]


class Extractor:
    """Finds claims in a document's sentences with the rules in force.

    Args:
        nlp: the spaCy pipeline (tokenizer, tagger, parser, lemmatizer).
        rules: the rules in force.
    """

    def __init__(self, nlp: Language, rules: RuleSet) -> None:
        self.nlp = nlp
        self.rules = rules
        # the prefilter: faction terms and anaphors without parse constraints
        self.loose = rules.matcher(nlp, "faction", "anaphor", loose=True)
        # every rule a parsed sentence is matched against, in one pass per sentence
        self.matcher = rules.matcher(nlp, *MATCHED_TYPES)
        self.negators = {
            x.lower()
            for r in rules.of("negation")
            if r.label != "predicate"
            for x in r.lemmas + r.terms
        }
        self.negating = {
            x.lower()
            for r in rules.of("negation")
            if r.label == "predicate"
            for x in r.lemmas + r.terms
        }
        self.order = {label: i for i, label in enumerate(rules.factions)}
        self.glue = GlueSplitter(nlp, rules)
        strings = nlp.vocab.strings
        self.parse_as = {
            strings.add(t.lower()): r.label for r in rules.of("parse_as") for t in r.terms
        }
        # the pipeline, with table look-ups for its attribute ruler and lemmatizer
        self.parser = FastPipe(nlp)

    def familiar(self, doc: Doc) -> Doc:
        """The doc with each word of a ``parse_as`` rule normalised to a word the tagger
        and parser know ('siloviki' is read as 'people': the model, which has hardly seen
        the word, takes it for an adjective in 'the siloviki fear that ...'). The text,
        and so every offset and match, is unchanged; only the models' input is."""
        if self.parse_as:
            for i, lower in enumerate(doc.to_array("LOWER").tolist()):
                if lower in self.parse_as:
                    doc[i].norm_ = self.parse_as[lower]
        return doc

    def _matches(self, doc: Doc, *types: str) -> list[Match]:
        """The matches of rules of these types in a parsed sentence (matched once per sentence)."""
        found: list[Match] | None = doc.user_data.get(_MATCHES)
        if found is None:
            found = doc.user_data[_MATCHES] = self.matcher(doc)
        return [m for m in found if m.rule.type in types]

    # -- step 1: which sentences to parse -------------------------------------------------

    def candidates(
        self, sentences: Sequence[Sentence], people: dict[str, str] | None = None
    ) -> list[Doc | None]:
        """Sentences that may hold a claim (a faction term, or a pronoun right after one,
        or the surname of someone introduced earlier with a faction word).

        A question is never a claim, nor an antecedent for the sentence after it,
        so it is not parsed either.

        Args:
            sentences: the document's sentences.
            people: filled with the people the document introduces with a faction word,
                surname -> faction (see :meth:`introductions`).

        Returns:
            For each sentence, its tokens when it is a candidate, else None.
        """
        out: list[Doc | None] = []
        previous = False
        known: dict[str, str] = {} if people is None else people
        texts = (s.text for s in sentences)
        for sentence, doc in zip(sentences, self.nlp.tokenizer.pipe(texts), strict=True):  # type: ignore[union-attr]
            if _QUESTION.search(sentence.text):
                out.append(None)
                previous = False
                continue
            faction = self.loose.finds(doc, _FACTION)
            named = bool(known) and any(t.text in known for t in doc)
            if faction:
                self.introductions(doc, known)
            flag = faction or named or (previous and self.loose.finds(doc, _ANAPHOR))
            out.append(doc if flag else None)
            previous = flag
        return out

    def introductions(self, doc: Doc, people: dict[str, str]) -> None:
        """Add to ``people`` the surnames a sentence introduces with a faction word: a rank
        or a title before the name ('General Ivan Popov', 'billionaire Oleg Tinkov') or a
        description after it ('Ivan Egorov, the former governor of Tambov'), so that
        'Popov was dismissed' later in the article speaks of the military."""
        for m in self.loose(doc):
            if m.rule.type != "faction":
                continue
            last = doc[m.end - 1]
            after = _name_at(doc, m.end)
            rank = m.rule.id in RANK_RULES
            if rank:  # 'General Ivan' + 'Popov'
                after = [t for t in doc[m.start + 1 : m.end] if _name_word(t)] + after
            elif last.is_title:
                after = []  # a named term ('Oleg Deripaska') is known already
            if len(after) >= (1 if rank else 2) and after[-1].text not in NOT_NAMES:
                people.setdefault(after[-1].text, m.rule.label)
                continue
            k = m.start - 1
            while k >= 0 and m.start - k <= 4 and doc[k].text != "," and doc[k].is_lower:
                k -= 1
            if k >= 1 and doc[k].text == ",":
                before = _name_before_comma(doc, k)
                if before:
                    people.setdefault(before[-1].text, m.rule.label)

    # -- the whole document ---------------------------------------------------------------

    def extract(
        self, doc_id: str, text: str, blocks: Sequence[Block], sentences: Sequence[Sentence]
    ) -> list[Claim]:
        """All claims of one document, in text order.

        Args:
            doc_id: the document id (part of every claim id).
            text: the document text (offsets refer to it).
            blocks: its blocks, for paragraph structure (quotations).
            sentences: its sentences.
        """
        return self.extract_many([(doc_id, text, blocks, sentences)])[0]

    def extract_many(self, documents: Sequence[DocumentInput]) -> list[list[Claim]]:
        """The claims of several documents, whose candidate sentences are parsed together.

        Args:
            documents: (doc_id, text, blocks, sentences) of each document, as for
                :meth:`extract`.

        Returns:
            Each document's claims, in text order: the same as :meth:`extract` on
            each, but the tagger and parser see full batches of sentences, which
            is faster than one short batch per document.
        """
        wanted: list[list[tuple[int, Doc]]] = []
        people: list[dict[str, str]] = []
        for _doc_id, _text, _blocks, sentences in documents:
            people.append({})
            tokens = self.candidates(sentences, people[-1])
            wanted.append(
                [
                    (s.index, doc)
                    for s, doc in zip(sentences, tokens, strict=True)
                    if doc is not None
                ]
            )
        docs = (self.familiar(self.glue(doc)) for found in wanted for _, doc in found)
        out = []
        with one_blas_thread():
            stream = iter(self.parser.pipe(docs, batch_size=BATCH_SIZE))
            for document, found, known in zip(documents, wanted, people, strict=True):
                parsed = {index: next(stream) for index, _ in found}
                out.append(self._claims(*document, parsed, known))
        return out

    def _claims(
        self,
        doc_id: str,
        text: str,
        blocks: Sequence[Block],
        sentences: Sequence[Sentence],
        parsed: dict[int, Doc],
        people: dict[str, str] | None = None,
    ) -> list[Claim]:
        """The claims of one document, given its parsed candidate sentences by index and
        the people it introduces with a faction word (surname -> faction)."""
        speakers = quote_speakers(sentences, blocks, self.glue.known)
        claims: list[Claim] = []
        antecedent: list[Antecedent] = []
        for sentence in sentences:
            doc = parsed.get(sentence.index)
            if doc is None:
                antecedent = []
                continue
            mentions, inherited = self.mentions(doc, antecedent, people)
            # (questions are never parsed: see candidates)
            antecedent = self.antecedent(doc, mentions, inherited)
            if not mentions or not _is_clause(doc):
                continue
            speaking: set[int] | None = None
            for draft in self.split(doc, mentions):
                claim = self.label(doc_id, text, sentence, doc, draft, speakers, sentences)
                if claim.stance == "neutral":
                    speaking = self._relayers(doc) if speaking is None else speaking
                    if all(_noun_of(m[1]).i in speaking for m in draft.mentions):
                        continue  # 'drones struck a refinery, the regional governor said'
                claims.append(claim)
        return claims

    # -- step 2: mentions ---------------------------------------------------------------

    def mentions(
        self, doc: Doc, antecedent: list[Antecedent], people: dict[str, str] | None = None
    ) -> tuple[list[MentionT], bool]:
        """Faction mentions as (first token, last token, faction, rule id).

        Args:
            doc: the parsed sentence.
            antecedent: the factions pronouns may take up.
            people: people introduced earlier with a faction word, surname -> faction:
                their surname is a mention ('Popov was dismissed').

        Returns:
            The mentions, and whether they were inherited through an anaphor.
        """
        found = self._matches(doc, "faction")
        kept = longest(found)
        spans = {(m.start, m.end) for m in kept}
        out = []
        for m in found:
            if (m.start, m.end) in spans:
                end = max(m.start + 1, m.end - m.rule.trim)
                out.append((doc[m.start], doc[end - 1], m.rule.label, m.rule.id))
        if people:
            near = {i for m in kept for i in range(m.start - 4, m.end + 4)}
            out.extend(
                (t, t, people[t.text], PERSON_RULE)
                for t in doc
                if t.text in people and t.is_title and t.i not in near
            )
        out = self._drop_foreign(
            doc,
            self._drop_background(_members_of_others(_appositions(_elite_units(_dedupe(out))))),
        )
        # 'closed ranks around the Kremlin': a place (a mention opening with a preposition)
        # inside a stance cue is whom the cue is toward, not a faction of the claim
        cues = [
            (m.start, m.end)
            for m in self._matches(doc, "stance")
            if m.end - m.start > 2 and m.rule.pattern
        ]
        out = [
            m
            for m in out
            if not (m[0].pos_ == "ADP" and any(a <= m[0].i and m[1].i < b for a, b in cues))
        ]
        heads = {m[1].i for m in out}
        out = _dedupe([_members_of_antecedent(m, antecedent, heads) for m in out])
        if out:
            return _dedupe(out + self._taken_up(doc, out)), False
        if not antecedent:
            return out, False
        for m in longest(self._matches(doc, "anaphor")):
            token = doc[m.end - 1]
            if (
                m.rule.deps
                and token.dep_ not in m.rule.deps
                and doc[m.start].dep_ not in m.rule.deps
            ):
                continue
            clause = doc[_tree(doc).clause_of[token.i]]
            if clause.dep_ in {"advcl", "relcl", "acl"} or _bound_locally(token):
                continue
            targets = [a for a in antecedent if _agrees(m.rule.label, a)]
            for a in targets:
                out.append((doc[m.start], token, a.faction, m.rule.id))
        return _dedupe(out), True

    def _taken_up(self, doc: Doc, mentions: list[MentionT]) -> list[MentionT]:
        """Plural pronouns that take up the sentence's own faction as the subject of a later
        clause: 'Its commanders have suffered losses, and some of them blame the Kremlin'."""
        factions = {m[2] for m in mentions}
        if len(factions) != 1:
            return []
        (faction,) = factions
        first = min(m[0].i for m in mentions)
        out = []
        for m in longest(self._matches(doc, "anaphor")):
            token = doc[m.end - 1]
            subject = next(
                (t for t in (doc[m.start], token) if t.dep_ in {"nsubj", "nsubjpass"}), None
            )
            if (
                m.start > first
                and m.rule.label == "plural"
                and subject is not None
                and subject.head.dep_ == "conj"
            ):
                out.append((doc[m.start], token, faction, m.rule.id))
        return out

    def _drop_foreign(self, doc: Doc, mentions: list[MentionT]) -> list[MentionT]:
        """Drop mentions of another country's forces or services ('Ukrainian troops', 'US intelligence')."""
        foreign = {i for m in self._matches(doc, "foreign") for i in range(m.start, m.end)}
        if not foreign:
            return mentions
        kept = []
        for m in mentions:
            first, last = m[0], m[1]
            modifiers = {
                c.i
                for t in doc[first.i : last.i + 1]
                for c in t.children
                if c.dep_ in {"amod", "compound", "poss", "nmod"}
            }
            modifiers |= {
                c.i
                for c in last.head.children
                if last.dep_ in {"compound", "amod"} and c.dep_ in {"amod", "compound", "poss"}
            }
            before = (
                {first.i - 1, first.i - 2}
                if first.i >= 1 and (first.i < 2 or doc[first.i - 1].pos_ != "PUNCT")
                else set()
            )
            span_words = set(range(first.i, last.i + 1))
            # 'the General Staff in Kyiv', 'the intelligence services of Ukraine'
            modifiers |= {
                g.i
                for c in last.children
                if c.dep_ == "prep" and c.lower_ in {"in", "of", "from"}
                for g in c.children
                if g.dep_ == "pobj"
            }
            if foreign & (modifiers | span_words | ({first.i - 1} & before)):
                continue
            kept.append(m)
        return kept

    def _drop_background(self, mentions: list[MentionT]) -> list[MentionT]:
        kept = [m for m in mentions if not _in_background(m[1])]
        factions = {m[2] for m in kept}
        if len(factions) > 1:
            # 'According to a Kremlin insider, the generals ...', 'Kremlin insiders say the
            # generals ...': who says it, not what it is about
            speakers = self._speakers(kept[0][1].doc)
            said_by = [m for m in kept if m[1].i in speakers]
            if said_by and {m[2] for m in kept if m not in said_by}:
                kept = [m for m in kept if m not in said_by]
                factions = {m[2] for m in kept}
        if len(factions) > 1:
            # A faction only inside the subject of a causative verb is the cause, not the topic.
            causes = [m for m in kept if _causative_subject(m[1]) is not None]
            others = {m[2] for m in kept if m not in causes}
            if causes and others:
                kept = [m for m in kept if m not in causes or m[2] in others]
                factions = {m[2] for m in kept}
        if len(factions) > 1:
            # 'Prigozhin's mutiny came as a shock to the Russian elite': a faction named only
            # as the one whose deed or fate it was is the event, not what the claim is about
            owners = [m for m in kept if m[1].dep_ == "poss" and m[1].head.lemma_.lower() in EVENTS]
            others = {m[2] for m in kept if m not in owners}
            if owners and others:
                kept = [m for m in kept if m not in owners or m[2] in others]
        return kept

    def _relayers(self, doc: Doc) -> set[int]:
        """The head words of the subjects of verbs that relay a clause (``RELAY``): 'governor'
        of 'the regional governor said ...', not 'Surovikin' of 'Surovikin's daughter said'."""
        return {
            c.i
            for m in self._matches(doc, "reporting")
            if doc[m.start].lemma_ in RELAY
            and any(c.dep_ == "ccomp" for c in doc[m.start].children)
            for c in doc[m.start].children
            if c.dep_ == "nsubj"
        }

    def _speakers(self, doc: Doc) -> set[int]:
        """The tokens that name who says something: after 'according to', and the subject
        of a reporting verb with a clause of what was said."""
        found: set[int] = set()
        for m in self._matches(doc, "reporting"):
            token = doc[m.start]
            if m.rule.label == "possessive":
                found.update(range(m.start + 1, m.end - 2))
                continue
            if m.rule.label == "according":
                heads = [t for t in doc[m.end - 1].children if t.dep_ == "pobj"]
            elif m.rule.label == "speech" and any(c.dep_ == "ccomp" for c in token.children):
                heads = [c for c in token.children if c.dep_ == "nsubj"]
            else:
                continue
            found.update(t.i for h in heads for t in h.subtree)
        return found

    def antecedent(self, doc: Doc, mentions: list[MentionT], inherited: bool) -> list[Antecedent]:
        """What a pronoun in the next sentence may refer to.

        Named mentions: the last one and the list it closes (``economic leaders,
        the military or the security services``), nominal heads only (``elite`` in
        ``an elite coup`` is no antecedent, ``super-rich`` in ``the super-rich
        beneficiaries`` is). Inherited factions pass on (``They ... They ... some of them``).
        """
        if not mentions:
            return []
        if inherited:
            person = all(m[3] == "anaphor.he" for m in mentions)
            # 'the agency' and 'it' pass on a body: 'Its officers' can take it up next
            singular = all(_label(self.rules, m[3]) == "singular" for m in mentions)
            number = "singular" if singular else "plural"
            return [Antecedent(f, number, person) for f in dict.fromkeys(m[2] for m in mentions)]
        heads = [
            m
            for m in mentions
            if m[1].dep_ not in {"amod", "compound", "poss"} or m[1].head.tag_ in {"NNS", "NNPS"}
        ]
        # 'the silovarchs, ... such as Igor Sechin and Sergei Chemezov': the examples are
        # no antecedent of their own, the group they illustrate is
        heads = [m for m in heads if not any(_example_of(m[1], o[1]) for o in heads)]
        if not heads:
            return []
        ordered = sorted(heads, key=lambda m: m[0].i)
        group = [ordered[-1]]
        for m in reversed(ordered[:-1]):
            gap = doc[m[1].i + 1 : group[0][0].i]
            if len(gap) > 4 or not all(
                t.is_punct
                or t.lower_ in {"and", "or", "nor", "the", "as", "well"}
                or t.pos_ in {"ADJ", "PROPN", "DET"}
                for t in gap
            ):
                break
            group.insert(0, m)
        return [
            Antecedent(
                m[2],
                _number(m[1]) if len(group) == 1 else "plural",
                m[1].pos_ == "PROPN" and not m[1].is_upper,  # 'the FSB ... It' is no person
            )
            for m in group
        ]

    # -- step 3: claim units ------------------------------------------------------------

    def split(self, doc: Doc, mentions: list[MentionT]) -> list[Draft]:
        """One draft per sentence, or one per part where parts say opposite things.

        A sentence is split in two where two mentions each carry a relative clause
        with opposite stance (``hardliners who will defend ... and softliners who
        doubt``), or where a subordinate or coordinate clause says the opposite
        about another faction (``While the FSB stays loyal, the army is restless``).
        """
        for cut in self._relcl_cut(doc, mentions), self._clause_cut(doc, mentions):
            if cut is None:
                continue
            start2, end1 = cut
            while end1 > 0 and (doc[end1 - 1].is_punct or doc[end1 - 1].dep_ == "cc"):
                end1 -= 1
            while start2 < len(doc) - 1 and (doc[start2].is_punct or doc[start2].dep_ == "cc"):
                start2 += 1
            first = Draft(0, end1, [m for m in mentions if m[1].i < end1])
            second = Draft(start2, len(doc), [m for m in mentions if m[1].i >= start2])
            if first.mentions and second.mentions and end1 > 0:
                return [first, second]
        return [Draft(0, len(doc), list(mentions))]

    def _local_stance(self, doc: Doc, tokens: list[Token], mentions: list[MentionT]) -> str:
        if not mentions:
            return "neutral"
        return self._decide(self._cues(doc, tokens, mentions), mentions[0])[0]

    def _relcl_cut(self, doc: Doc, mentions: list[MentionT]) -> tuple[int, int] | None:
        with_relcl = []
        for m in sorted(mentions, key=lambda m: m[0].i):
            rel = [c for c in m[1].children if c.dep_ in {"relcl", "acl"}]
            if rel:
                label = self._local_stance(doc, list(rel[0].subtree), [m])
                if label != "neutral":
                    with_relcl.append((m, label))
        for (m1, s1), (m2, s2) in zip(with_relcl, with_relcl[1:], strict=False):
            if s1 != s2 and m1[1].i < m2[0].i:
                cut = m2[1].left_edge.i
                return cut, cut
        return None

    def _clause_cut(self, doc: Doc, mentions: list[MentionT]) -> tuple[int, int] | None:
        roots = _tree(doc).roots
        if len(roots) != 1:
            return None
        for clause in doc[roots[0]].children:
            if clause.dep_ not in {"advcl", "conj"} or clause.pos_ not in {"VERB", "AUX"}:
                continue
            if not any(c.dep_ in SUBJECT_DEPS for c in clause.children):
                continue
            lo, hi = clause.left_edge.i, clause.right_edge.i + 1
            if lo != 0 and hi < len(doc) - 1:
                continue  # only a clause at either end of the sentence
            inside = [m for m in mentions if lo <= m[1].i < hi]
            outside = [m for m in mentions if not lo <= m[1].i < hi]
            if not inside or not outside or {m[2] for m in inside} == {m[2] for m in outside}:
                continue
            rest = [t for t in doc if not lo <= t.i < hi]
            s_in = self._local_stance(doc, list(doc[lo:hi]), inside)
            s_out = self._local_stance(doc, rest, outside)
            # a neutral side counts where the text sets the clauses against each other
            # ('the army is exhausted, but the FSB remains loyal')
            contrasted = _contrasted(clause)
            if s_in != s_out and ("neutral" not in (s_in, s_out) or contrasted):
                return (hi, hi) if lo == 0 else (lo, lo)
        return None

    # -- step 4: labels -----------------------------------------------------------------

    def label(
        self,
        doc_id: str,
        text: str,
        sentence: Sentence,
        doc: Doc,
        draft: Draft,
        speakers: dict[int, str],
        sentences: Sequence[Sentence],
    ) -> Claim:
        """Turn a draft into a validated claim."""
        span = doc[draft.start : draft.end]
        start = sentence.start + span.start_char
        end = sentence.start + span.end_char
        scope = Scope.of(doc, draft.mentions, span.start, span.end)
        cues = [
            c
            for c in self._cues(doc, [doc[i] for i in sorted(scope.stance)], draft.mentions)
            if c.label != "neutral"
        ]
        stance, stance_cues = self._decide_scoped(cues, draft.mentions, scope)
        holders = {i for m in draft.mentions for i in range(m[0].i, m[1].i + 1)}
        hedges = self._hedges(doc, scope.hedge, span.start, span.end, holders)
        if stance_cues and not any(c.head.i in scope.side for c in stance_cues):
            # 'commanders who were suspected of disloyalty were purged': the hedge of a
            # relative clause on the faction is a side clause's, when the stance is not
            hedges = [h for h in hedges if not all(t.i in scope.side for t in h.tokens)]
        attribution = self._source(doc, scope.hedge, sentence, speakers, sentences, draft.mentions)
        source, source_rule = attribution.name, attribution.rule
        reported = self.rules.by_id(source_rule) if source_rule else None
        if (
            reported is not None
            and reported.certainty == "hedged"
            and not hedges
            and not _quoted(doc, draft.mentions)
            and not _first_hand(attribution.cue, holders)
            and not _on_the_record(attribution.cue)
        ):
            # 'The generals are furious, officials said', 'according to sources close to
            # the Kremlin': reported second-hand, by no one named
            hedges = [Found(reported.id, "evidential", attribution.cue)]
        mentions = []
        for first, last, faction, rule in sorted(
            draft.mentions, key=lambda m: (m[0].i, self.order.get(m[2], 99))
        ):
            m_start = sentence.start + first.idx
            m_end = sentence.start + last.idx + len(last.text)
            mentions.append(
                Mention(
                    start=m_start, end=m_end, text=text[m_start:m_end], faction=faction, rule=rule
                )
            )
        factions = sorted({m.faction for m in mentions}, key=lambda f: self.order.get(f, 99))
        rules = sorted(
            {m.rule for m in mentions} | {c.rule for c in stance_cues} | {h.rule for h in hedges}
        )
        if source_rule and source_rule not in rules:
            rules.append(source_rule)
        return Claim(
            id=f"{doc_id}:{start}-{end}",
            doc_id=doc_id,
            start=start,
            end=end,
            text=text[start:end],
            factions=factions,
            mentions=mentions,
            stance=stance,  # type: ignore[arg-type]
            certainty="hedged" if hedges else "asserted",
            cues=[c.text for c in stance_cues] + [h.text for h in hedges],
            source=source,
            rules=rules,
            sentence=sentence.index,
        )

    def _cues(
        self, doc: Doc, tokens: Iterable[Token], mentions: Sequence[MentionT] = ()
    ) -> list[Found]:
        """Stance cues among ``tokens`` with negation, reversal and pseudo-cues applied."""
        allowed = {t.i for t in tokens}
        matches = self._matches(doc, "stance", "pseudo", "reverse", "external")
        pseudos = _pseudo_spans(matches)
        external = any(
            m.rule.type == "external"
            and (m.rule.label == "frame" or (m.start in allowed and _is_actor(doc[m.end - 1])))
            for m in matches
        )
        reversers = [m for m in matches if m.rule.type == "reverse"]
        foreign_words = {
            i for m in self._matches(doc, "foreign") for i in range(m.start, m.end)
        } | {i for m in matches if m.rule.type == "external" for i in range(m.start, m.end)}
        found: list[Found] = []
        for m in longest(x for x in matches if x.rule.type == "stance"):
            if m.start not in allowed or _inside(m, pseudos):
                continue
            tokens_ = list(doc[m.start : m.end])
            found.append(Found(m.rule.id, m.rule.label, tokens_))
        loyal_verbs = [f for f in found if f.label == "loyal"]
        disloyal = [f for f in found if f.label == "disloyal"]
        reversing: set[int] = set()  # the reversers that turned a cue
        turning = [r for r in reversers if r.rule.label != "loyal"]  # 'crush', 'resist'...
        for f in found:
            head = f.head
            rule = self.rules.by_id(f.rule)
            if (
                rule is not None
                and rule.patient
                and _is_patient(head, mentions)
                and not _acts(head, mentions)
            ):  # 'the generals blame the Kremlin for the army's failures' blames nobody of theirs
                f.label = rule.patient
            elif (
                rule is not None
                and rule.patient
                and f.label == "disloyal"
                and _aimed_abroad(head, foreign_words)
            ):  # 'Bortnikov blamed Ukraine and Western intelligence': no turn against the regime
                f.label, f.rule = "neutral", f.rule + "+foreign-target"
            turned_by: set[int] = set()
            if f.label == "disloyal":
                for r in turning:
                    if _acted_on(head, doc[r.start]):
                        f.label, f.rule = "loyal", f"{f.rule}+{r.rule.id}"
                        reversing.add(r.start)
                        turned_by = set(range(r.start, r.end))
                        break
            elif f.label == "loyal":
                for r in reversers:
                    if r.rule.label == "loyal" and _worn(head, doc[r.start]):
                        f.label, f.rule = "disloyal", f"{f.rule}+{r.rule.id}"
                        break
            if f in loyal_verbs and any(
                d is not f
                and _supported(d.head, f.head)
                and not any(_acted_on(d.head, doc[r.start]) for r in turning)
                for d in disloyal
            ):
                # 'backed the mutiny', 'support for the coup' (not 'powers to monitor dissent')
                f.label = "disloyal"
            # ('stopped short of criticism': the verb that turned it negates no more)
            if _negated(
                head, self.negators, self.negating, skip={t.i for t in f.tokens} | turned_by
            ):
                f.label = {"loyal": "disloyal", "disloyal": "loyal"}.get(f.label, "neutral")
                f.rule += "+negation"
            if f.label == "targeted" and (
                (_acts(head, mentions) and not _suffers(head, mentions))
                or _other_patient(head, mentions)
            ):
                f.label, f.rule = "neutral", f.rule + "+not-the-faction"
            if f.label == "targeted" and external:
                f.label, f.rule = "neutral", f.rule + "+external-actor"
            if f.label == "disloyal" and _topic(head, mentions):
                f.label, f.rule = "neutral", f.rule + "+topic"
        loyal_heads = {f.head.i for f in found if f.label == "loyal"}
        found = [
            f
            for f in found
            if not (
                f.label == "disloyal"
                and f.head.lemma_ in CONFLICTS
                and loyal_heads.intersection(a.i for a in f.head.ancestors)
            )
        ]  # 'side with Putin in any showdown with the FSB': the fight they would take his side in
        # 'denounced the mutiny': the verb that turned the mutiny is no cue of its own
        return [f for f in found if not reversing.intersection(t.i for t in f.tokens)]

    def _decide(
        self, cues: list[Found], mention: tuple[Token, Token, str, str]
    ) -> tuple[str, list[Found]]:
        votes = Counter(c.label for c in cues if c.label != "neutral")
        if not votes:
            return "neutral", []
        best = max(
            votes.items(),
            key=lambda kv: (
                kv[1],
                -min(abs(c.head.i - mention[1].i) for c in cues if c.label == kv[0]),
            ),
        )[0]
        return best, [c for c in cues if c.label == best]

    def _decide_scoped(
        self, cues: list[Found], mentions: list[MentionT], scope: Scope
    ) -> tuple[str, list[Found]]:
        """The stance: the clause after ``but`` first, then the mention's own clauses, then the rest."""
        if not cues:
            return "neutral", []
        # a cue that is part of how a faction is named ('Putin's closest allies', 'a loyal
        # general', 'the oligarch, a close ally of Putin,') speaks only when the sentence
        # says nothing else of them
        named = {i for m in mentions for i in range(m[0].i, m[1].i + 1)}
        named |= {
            t.i
            for m in mentions
            for c in _noun_of(m[1]).children
            if c.dep_ == "appos"
            for t in c.subtree
        }
        said = [c for c in cues if c.label != "neutral" and c.head.i not in named]
        if said:
            cues = [c for c in cues if c.head.i not in named]
        anchor = mentions[0]
        for tier in (scope.contrast, scope.own, scope.relative):
            picked = [c for c in cues if c.head.i in tier]
            if picked:
                return self._decide(picked, anchor)
        return self._decide(cues, anchor)

    def _hedges(
        self, doc: Doc, scope: set[int], lo: int, hi: int, holders: set[int]
    ) -> list[Found]:
        matches = self._matches(doc, "hedge", "pseudo")
        pseudos = _pseudo_spans(matches)
        found = []
        for m in longest(x for x in matches if x.rule.type == "hedge"):
            if not lo <= m.start < hi or _inside(m, pseudos):
                continue
            if m.rule.requires:
                token = doc[m.end - 1]  # the conjunction: 'if', the last 'as' of 'as long as'
                if not _conditional_prediction(token, m.rule.requires, scope):
                    continue
            elif not any(i in scope for i in range(m.start, m.end)):
                continue
            token = doc[m.start]
            if token.pos_ == "NOUN" and _author(token) is not token:
                continue  # 'a report by the Carnegie Endowment': its author's word, no rumour
            if token.dep_ == "aux" and _wished(token.head, holders):
                continue  # 'they wish he would step down': what they want, not a guess
            if token.lemma_ in LINKING and token.pos_ in {"VERB", "AUX"} and not _linking(token):
                continue  # 'cracks began to appear in the ranks': they came, no one guesses
            if token.lemma_ in BELIEF and _held_by(token, holders):
                continue  # 'Kremlin insiders believe ...': what the faction thinks, stated
            if token.dep_ == "amod" and token.head.dep_ not in {
                "nsubj",
                "nsubjpass",
                "attr",
                "ROOT",
                "expl",
            }:
                continue
            found.append(Found(m.rule.id, m.rule.label, list(doc[m.start : m.end])))
        return found

    def _source(
        self,
        doc: Doc,
        scope: set[int],
        sentence: Sentence,
        speakers: dict[int, str],
        sentences: Sequence[Sentence],
        mentions: Sequence[MentionT] = (),
    ) -> Attribution:
        quoted = speakers.get(sentence.index)
        own = {m[1].i for m in mentions}
        for m in self._matches(doc, "reporting"):
            token = doc[m.start]
            if m.rule.label == "according":
                objs = [t for t in doc[m.end - 1].children if t.dep_ == "pobj"]
                if objs and not (objs[0].lemma_.lower() in DOCUMENTS and _bare(objs[0])):
                    return Attribution(
                        _name(_author(objs[0])), m.rule.id, list(doc[m.start : m.end])
                    )
                continue  # 'according to reports': no one in particular
            if m.rule.label == "possessive":  # 'in Stanovaya's view': the name before 's
                return Attribution(
                    doc[m.start + 1 : m.end - 2].text, m.rule.id, list(doc[m.start : m.end])
                )
            if m.rule.label != "speech" or token.pos_ not in {"VERB", "AUX"}:
                continue
            if token.lemma_ == "add" and any(c.dep_ == "dobj" for c in token.children):
                continue  # 'the EU added ten billionaires to its list': no report
            governs = (
                token.i in scope
                or token.dep_ == "ROOT"
                or (
                    token.dep_ in {"parataxis", "ccomp", "advcl", "conj"}
                    and token.head.dep_ == "ROOT"
                    and (
                        any(c.dep_ in {"nsubj"} and c.i > token.i for c in token.children)
                        or _trailing(token)
                    )
                )
                or _after_quote(token)
                # 'and it worked, as Gleb Pavlovsky later admitted'
                or (
                    token.dep_ == "advcl"
                    and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children)
                )
            )
            if not governs:
                continue
            if _free_relative(token):
                continue  # 'what the state expects from big business is ...': no one's report
            subjects = [c for c in token.children if c.dep_ in {"nsubj"}]
            if not subjects and any(c.dep_ == "ccomp" and c.i < token.i for c in token.children):
                # '"...," claimed a former officer': the parser makes the speaker an object;
                # '..., Tatiana Stanovaya, founder of R.Politik, told Reuters': a name before
                # the verb that the parser hung on the claim
                before = _name_before(token)
                subjects = (
                    [before]
                    if before is not None
                    else [c for c in token.children if c.dep_ == "dobj" and c.i > token.i]
                )
            if not subjects or any(c.dep_ == "aux" and c.tag_ == "MD" for c in token.children):
                continue  # 'the elites may conclude that ...': a prediction, nobody said it
            # 'Bortnikov's FSB, writes the journalist Yulia Krasnova, has ...': a subject after
            # the verb is the one who says it
            subject = next((c for c in subjects if c.i > token.i), subjects[0])
            if _no_one(subject):
                continue  # 'few in the elite believe ...': nobody in particular says it
            if own.intersection(t.i for t in subject.subtree) and not any(
                c.dep_ in {"ccomp", "parataxis"} for c in token.children
            ):
                continue  # 'technocrats argued against the invasion': what they did, not said
            low = subject.lower_
            if low in {"it", "there", "this", "that", "which", "who", "they", "them", "you"}:
                continue
            if low in {"i", "we"}:
                if quoted:
                    return Attribution(quoted, "source.quotation", [])
                continue
            if low in {"he", "she"}:
                who = quoted or _last_name(sentences, sentence.index)
                if who:
                    return Attribution(who, m.rule.id, list(doc[m.start : m.end]))
                continue
            if subject.lemma_.lower() in NOT_SOURCES:
                continue  # 'a steady trickle of resignations suggests ...': no one says it
            if subject.lemma_.lower() in DOCUMENTS:
                author = _author(subject)
                if author is subject and _bare(subject):
                    continue  # 'Reports suggest ...': no one in particular
                return Attribution(_name(author), m.rule.id, list(doc[m.start : m.end]))
            if subject.lemma_ in ANONYMOUS:
                # 'Sources told Meduza ...': the outlet that relays them is the source
                outlets = [
                    c for c in token.children if c.dep_ in {"dobj", "dative"} and c.pos_ == "PROPN"
                ]
                if outlets:
                    return Attribution(_name(outlets[0]), m.rule.id, list(doc[m.start : m.end]))
            return Attribution(_name(subject, subjects), m.rule.id, list(doc[m.start : m.end]))
        if quoted:
            return Attribution(quoted, "source.quotation", [])
        return Attribution(None, None, [])


# -- helpers on the parse -----------------------------------------------------------------


def _example_of(token: Token, group: Token) -> bool:
    """The token names an example of the group ('silovarchs ..., such as Igor Sechin',
    'oligarchs, including Deripaska', 'tycoons like Deripaska')."""
    if token.i == group.i:
        return False
    for anc in token.ancestors:
        if anc.i == group.i:
            return False
        if anc.dep_ == "prep" and anc.lower_ in {"as", "including", "like"}:
            return anc.head.i == group.i or any(a.i == group.i for a in anc.ancestors)
    return False


def _members_of_others(mentions: list[MentionT]) -> list[MentionT]:
    """Without a one-word mention of people ('officers') that belong to another faction's
    body named right after it ('officers of its Fifth Service', 'officials from the FSB'),
    before it as their owner ('the FSB's officers'), or as the subject whose they are
    ('the FSB arrested its own officers'), nor a
    rank held in a body named right before it ('FSB Colonel Kirill Cherkalin')."""
    by_head = {m[1].i: m[2] for m in mentions}
    kept = []
    for m in mentions:
        first, last, faction, rule = m
        before = by_head.get(first.i - 1)
        if rule == TITLE_RULE and before is not None and before != faction:
            continue  # 'FSB Colonel Kirill Cherkalin': a rank of the FSB's
        if _members(m):
            owners = {
                by_head[g.i]
                for c in last.children
                if c.dep_ == "prep" and c.lower_ in {"of", "from", "in", "at", "within"}
                for g in c.children
                if g.dep_ == "pobj" and g.i in by_head
            }
            if _its(last):  # 'the FSB arrested its own officers': the body the clause is about
                owners |= {by_head[c.i] for c in _clause_subjects(last) if c.i in by_head}
            # 'the FSB's officers'
            owners |= {by_head[c.i] for c in last.children if c.dep_ == "poss" and c.i in by_head}
            if owners and faction not in owners:
                continue
        kept.append(m)
    return kept


def _appositions(mentions: list[MentionT]) -> list[MentionT]:
    """Without the mentions inside an apposition that describes another faction's mention:
    'the Russian elites—senior officials and businessmen—', 'the siloviki, the security
    men around him, many of whom served in the KGB' are the elites and the siloviki (a named
    person keeps what describes them: 'Belousov, a civilian technocrat')."""
    heads = {_noun_of(m[1]).i: m[2] for m in mentions}
    kept = []
    for m in mentions:
        owner = None
        for a in m[1].ancestors:
            if a.dep_ == "appos" and a.head.i in heads and a.head.pos_ != "PROPN":
                owner = heads[a.head.i]  # a group described ('Belousov, a technocrat' is both)
                break
            if a.i in heads and a.i != _noun_of(m[1]).i:
                break
        if owner is not None and owner != m[2]:
            continue
        kept.append(m)
    return kept


def _elite_units(mentions: list[MentionT]) -> list[MentionT]:
    """Without 'elite' as the mark of a fighting unit ('elite paratroopers', 'elite units
    of the National Guard'): no mention of the political elite."""
    return [
        m
        for m in mentions
        if not (
            m[0].i == m[1].i
            and m[1].lower_ == "elite"
            and m[1].dep_ in {"amod", "compound"}
            and m[1].head.lemma_.lower() in UNITS
        )
    ]


def _members_of_antecedent(
    mention: MentionT, antecedent: list[Antecedent], heads: set[int]
) -> MentionT:
    """'its officers' after a sentence about one body ('The FSB ... Its officers act with
    impunity') are that body's, unless the clause names its own ('the army promoted its
    officers')."""
    first, last, _faction, rule = mention
    if not _members(mention) or not _its(last):
        return mention
    if any(c.i in heads - {last.i} for c in _clause_subjects(last)):
        return mention
    bodies = [a for a in antecedent if _agrees("singular", a)]
    if len(bodies) != 1:
        return mention
    return (first, last, bodies[0].faction, rule)


def _members(mention: MentionT) -> bool:
    """A mention of a body's people: the word alone ('officers', 'officials') or after
    words that only rank or describe them ('senior officials', 'high-ranking officers')."""
    first, last = mention[0], mention[1]
    return last.lower_ in MEMBERS and all(
        t.pos_ in {"ADJ", "ADV", "PUNCT", "NUM"} or t.dep_ in {"amod", "advmod"}
        for t in last.doc[first.i : last.i]
    )


def _its(token: Token) -> bool:
    """The word has 'its' as possessive ('its officers')."""
    return any(c.dep_ == "poss" and c.lower_ == "its" for c in token.children)


def _clause_subjects(token: Token) -> list[Token]:
    """The subjects of the nearest verb above a token."""
    verb = next((a for a in token.ancestors if a.pos_ in {"VERB", "AUX"}), None)
    if verb is None:
        return []
    return [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]


def _dedupe(mentions: list[tuple[Token, Token, str, str]]) -> list[tuple[Token, Token, str, str]]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for m in mentions:
        key = (m[0].i, m[1].i, m[2])
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _is_clause(doc: Doc) -> bool:
    """A sentence with a finite verb (not a caption fragment such as 'About the planning ...')."""
    return any(
        (
            t.tag_ in {"VBZ", "VBP", "VBD", "MD"}
            and not any(a.dep_ in {"relcl", "acl"} for a in (t, *t.ancestors))
        )
        or (
            t.dep_ == "ROOT"
            and (t.pos_ in {"VERB", "AUX"} or any(c.dep_ in SUBJECT_DEPS for c in t.children))
        )
        # 'Ivashov, who heads the Assembly, called on Putin to resign': the parser hangs
        # the main verb on the name as if it were a clause on it
        or (t.dep_ == "acl" and t.tag_ in {"VBZ", "VBP", "VBD"} and t.head.dep_ == "ROOT")
        for t in doc
    )


_TREE = "argmap.tree"


class _Tree(NamedTuple):
    """A parsed sentence's tree as integers, for loops that would otherwise make a
    ``Token`` of every word (made once per doc)."""

    clause_of: list[int]
    """The clause head of every token, as its index: the token itself or the first
    of its heads whose dependency opens a clause (``CLAUSE_DEPS``; a ``conj`` only
    when verbal), else the root."""
    scoping: list[bool]
    """Whether the token's dependency is one of ``_SCOPING_DEPS``."""
    roots: list[int]
    """The tokens whose dependency is ``ROOT``."""


def _tree(doc: Doc) -> _Tree:
    tree: _Tree | None = doc.user_data.get(_TREE)
    if tree is not None:
        return tree
    from spacy.attrs import DEP, HEAD, POS

    strings = doc.vocab.strings
    clause_deps = {strings[d] for d in CLAUSE_DEPS}
    scoping_deps = {strings[d] for d in _SCOPING_DEPS}
    conj = strings["conj"]
    verbal = {strings["VERB"], strings["AUX"]}
    n = len(doc)
    array = doc.to_array([HEAD, DEP, POS]) if n else None
    # HEAD is the offset to the head, stored unsigned
    offsets = array[:, 0].view("int64").tolist() if array is not None else []
    rows = array[:, 1:].tolist() if array is not None else []
    # a token stops the climb when its dependency opens a clause (a 'conj' only if verbal)
    stops = [dep in clause_deps and (dep != conj or pos in verbal) for dep, pos in rows]
    clause_of = [-1] * n
    for i in range(n):
        path = []
        t = i
        while clause_of[t] < 0 and not stops[t]:
            head = t + offsets[t]
            if head == t:
                break
            path.append(t)
            t = head
        found = clause_of[t] if clause_of[t] >= 0 else t
        clause_of[t] = found
        for x in path:
            clause_of[x] = found
    root = strings["ROOT"]
    tree = doc.user_data[_TREE] = _Tree(
        clause_of,
        [dep in scoping_deps for dep, _pos in rows],
        [i for i, (dep, _pos) in enumerate(rows) if dep == root],
    )
    return tree


def _dummy_main(clause: Token) -> bool:
    """'This is because ...', 'This is why ...': a main clause that only frames its subordinate."""
    if clause.lemma_ != "be" or clause.dep_ != "ROOT":
        return False
    subjects = [c for c in clause.children if c.dep_ in SUBJECT_DEPS]
    return bool(subjects) and all(c.lower_ in {"this", "that", "it"} for c in subjects)


def _in_background(token: Token) -> bool:
    """Inside a 'because' or 'when' clause, or a 'due to' phrase."""
    for anc in [token, *token.ancestors]:
        if (
            anc.dep_ == "advcl"
            and not _dummy_main(anc.head)
            and any(c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS for c in anc.children)
        ):
            return True
        if anc.lower_ in BACKGROUND_PREPS and any(c.lower_ in {"to", "of"} for c in anc.children):
            return True
        if (
            anc.dep_ == "prep"
            and anc.lower_ in TIME_PREPS
            and anc.i < token.i
            and not any(t.is_punct for t in token.doc[anc.i : token.i])
        ):
            return True  # 'after the Wagner mutiny, Putin purged ...' (not past a comma)
        if (
            anc.dep_ == "prep"
            and anc.lower_ in {"in", "at"}
            and anc.i < token.i
            and any(c.dep_ == "pobj" and c.lemma_.lower() in OCCASIONS for c in anc.children)
        ):
            return True  # 'in a meeting of the Security Council, Putin asked ...': a place
        if anc.dep_ == "ROOT":
            break
    return False


def _supported(cue: Token, loyal: Token) -> bool:
    """Whether a disloyal cue is what a loyal word backs ('backed the mutiny', 'support
    for the coup'), not what it is kept from ('nothing to gain from a coup'), nor what its
    subject once did ('the elites who might have deserted him have drawn closer to him')."""
    if cue.i == loyal.i or cue not in loyal.subtree:
        return False
    for anc in cue.ancestors:
        if anc.i == loyal.i:
            return True
        if anc.dep_ == "prep" and anc.lower_ in {"from", "against"}:
            return False
        if anc.pos_ == "NOUN" and anc.lemma_ in CONFLICTS:
            return False  # 'side with the Kremlin in any confrontation with rebels'
        if anc.dep_ in {"nsubj", "nsubjpass"} and anc.head.i == loyal.i:
            return False
    return True


def _acted_on(cue: Token, verb: Token) -> bool:
    """Whether a cue is what a verb acts on: in its subtree, outside its subject ('crushed
    the mutiny', 'the plot was foiled'; not 'the mutiny exposed ...')."""
    if cue.i == verb.i or cue not in verb.subtree:
        return False
    for t in (cue, *cue.ancestors):
        if t.i == verb.i:
            break
        if t.dep_ in {"advcl", "conj", "parataxis", "relcl"}:
            return False  # 'denounced the war, becoming the first to break ranks': another act
        if (
            t.dep_ == "prep"
            and t.lower_ in {"for", "over"}
            and t.head.i == verb.i
            and any(c.dep_ in {"dobj", "nsubjpass", "auxpass"} for c in verb.children)
        ):
            # 'punished for calling for peace', 'punished them for it': the reason, not what
            # is crushed ('hunt for traitors' is)
            return False
    return not any(c.dep_ in {"nsubj", "csubj"} and cue in c.subtree for c in verb.children)


def _worn(cue: Token, verb: Token) -> bool:
    """Whether a loyal cue is what a verb wears away, as its object or its subject
    ('erode the loyalty of the army', 'their support is waning')."""
    if cue.i == verb.i:
        return False
    if cue in verb.subtree:
        return True
    if verb.dep_ in {"acomp", "attr", "xcomp"}:
        # 'their loyalty is hollow', 'their acquiescence has started to fray'
        subjects = [c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if any(cue in s.subtree for s in subjects):
            return True
    if verb.dep_ == "conj" and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children):
        # 'their loyalty is transactional and could evaporate': the first verb's subject
        subjects = [c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        return any(cue in s.subtree for s in subjects)
    return verb.dep_ in {"amod", "acl"} and verb.head.i == cue.i  # 'waning support'


def _name_at(doc: Doc, k: int) -> list[Token]:
    """The capitalised words of a name starting at token ``k`` (up to three)."""
    name: list[Token] = []
    while k < len(doc) and len(name) < 3 and _name_word(doc[k]):
        name.append(doc[k])
        k += 1
    return name if name and name[-1].text not in NOT_NAMES else []


def _name_before_comma(doc: Doc, comma: int) -> list[Token]:
    """A name of two or three capitalised words, or 'Mr X', right before a comma."""
    k = comma - 1
    name: list[Token] = []
    while k >= 0 and len(name) < 3 and (_name_word(doc[k]) or doc[k].text in HONORIFICS):
        name.insert(0, doc[k])
        k -= 1
    words = [t for t in name if t.text not in HONORIFICS]
    if not words or words[-1].text in NOT_NAMES:
        return []
    return name if len(name) >= 2 else []


def _name_word(token: Token) -> bool:
    return token.is_alpha and token.is_title and len(token.text) > 1


def _aimed_abroad(head: Token, foreign_words: set[int]) -> bool:
    """The cue's object is another country or the West ('blamed Ukraine and Western
    intelligence for the attack', 'criticised the West')."""
    objects = [c for c in head.children if c.dep_ == "dobj"]
    return bool(objects) and all(
        foreign_words.intersection(t.i for t in o.subtree) for o in objects
    )


def _causative_subject(token: Token) -> Token | None:
    for anc in token.ancestors:
        if anc.dep_ in {"nsubj", "csubj"} and anc.head.lemma_ in CAUSATIVE:
            return anc.head
    return None


def _is_patient(head: Token, mentions: Sequence[MentionT]) -> bool:
    """The cue is done to the faction: passive, 'those ousted', or the faction is its object."""
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in head.children):
        return True
    if head.tag_ == "VBN" and not any(
        c.dep_ == "aux" and c.lemma_ == "have" for c in head.children
    ):
        return True
    # 'the Kremlin pinned the blame on regional officials': the noun's verb puts it on the
    # faction, when the regime does ('Prigozhin laid the blame on the top brass' is his attack)
    carrier = head.head if head.dep_ == "dobj" and head.pos_ == "NOUN" else None
    if carrier is not None and not any(
        c.dep_ == "nsubj" and c.lower_ in REGIME for c in carrier.children
    ):
        carrier = None
    for _first, last, _faction, _rule in mentions:
        for t in (last, *last.ancestors):
            if t.i == head.i:
                break
            if t.dep_ in {"dobj", "nsubjpass"} and t.head.i == head.i:
                return True
            if t.dep_ == "pobj" and t.head.head.i == head.i and t.head.lower_ not in {"with", "by"}:
                return True
            if (
                carrier is not None
                and t.dep_ == "pobj"
                and t.head.lower_ in {"on", "onto"}
                and t.head.head.i == carrier.i
            ):
                return True
    return (
        head.dep_ in {"pobj", "dobj"}
        and head.pos_ == "NOUN"
        and head.head.lemma_ in {"under", "face"}
    )


def _acts(head: Token, mentions: Sequence[MentionT]) -> bool:
    """The faction is the active subject of the cue verb with an object ('the fighters
    seized a city'), or of the verb whose object the cue noun is ('they pushed for harsher
    repression', 'the FSB led the purge'; not 'they face a purge')."""
    if head.pos_ == "NOUN" and any(
        c.dep_ == "prep" and c.lower_ in {"on", "of", "against"} for c in head.children
    ):
        # 'the FSB's crackdown on dissent': with its object named, the owner acts ('Shoigu's
        # dismissal', with none, befalls its owner)
        if any(m[1].dep_ == "poss" and m[1].head.i == head.i for m in mentions):
            return True
    verb: Token | None = None
    if (
        head.pos_ in {"VERB", "AUX"}
        and head.lemma_ not in UNDERGO
        and any(c.dep_ == "dobj" for c in head.children)
    ):
        # intransitive fates befall their subject: 'six tycoons have died ...'; and so do
        # the objects of 'lose', 'face': 'he lost Putin's trust'
        verb = head
    elif head.pos_ == "NOUN":
        governor = head.head.head if head.dep_ == "pobj" else head.head
        if head.dep_ in {"dobj", "pobj"} and governor.pos_ == "VERB":
            if governor.lemma_ not in UNDERGO and (
                head.dep_ == "dobj" or head.head.lower_ in {"for", "in"}
            ):
                verb = governor
    if verb is None or any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children):
        return False
    holder, deps = verb, {"nsubj"}
    while (holder.dep_ == "xcomp" or (holder.dep_ == "advcl" and holder.tag_ == "VBG")) and not any(
        c.dep_ in SUBJECT_DEPS for c in holder.children
    ):
        # the subject of the verb it depends on: 'the FSB is rumoured to be preparing a
        # purge', 'the bloggers attacked the ministry, accusing its generals of lying'
        holder, deps = holder.head, {"nsubj", "nsubjpass"}
    return _subject_among(holder, mentions, deps)


def _subject_among(verb: Token, mentions: Sequence[MentionT], deps: set[str]) -> bool:
    """A mention is (in) the subject of the verb, not inside a relative clause on it ('a
    leader who looked to his KGB colleagues ...' is not the colleagues)."""
    for m in mentions:
        for a in (m[1], *m[1].ancestors):
            if a.dep_ in deps and a.head.i == verb.i:
                return True
            if a.dep_ in {"relcl", "acl"}:
                break
    return False


def _suffers(head: Token, mentions: Sequence[MentionT]) -> bool:
    """A mention is what the repression falls on, in the cue's object: 'the FSB raided the
    homes of several defence officials', 'the FSB led the purge of the generals'."""
    inside = {t.i for c in _objects(head) for t in c.subtree}
    return any(m[1].i in inside for m in mentions)


def _objects(head: Token) -> list[Token]:
    """What a cue acts on: a verb's object (or passive subject), a noun's 'of' phrase."""
    if head.pos_ == "NOUN":
        return [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
    return [c for c in head.children if c.dep_ in {"dobj", "nsubjpass"}]


def _label(rules: RuleSet, rule_id: str) -> str | None:
    rule = rules.by_id(rule_id)
    return rule.label if rule is not None else None


def _topic(head: Token, mentions: Sequence[MentionT]) -> bool:
    """The cue is what the faction knows, hears or warns about, not what it does ('the FSB
    knew about the mutiny in advance', 'they warned Putin of a coup')."""
    prep = head.head
    if head.pos_ != "NOUN" or head.dep_ != "pobj" or prep.lower_ not in {"about", "of"}:
        return False
    verb = prep.head
    inside = {t.i for t in head.subtree}
    return (
        verb.pos_ == "VERB"
        and verb.lemma_ in KNOW
        and not any(m[1].i in inside for m in mentions)  # 'warned of a coup by the generals'
        and _subject_among(verb, mentions, {"nsubj"})
    )


def _other_patient(head: Token, mentions: Sequence[MentionT]) -> bool:
    """The repression falls on someone named who is not the faction ('disloyalty is punished');
    not what the subject undergoes ('he lost Putin's trust')."""
    if head.pos_ not in {"VERB", "AUX"} or head.lemma_ in UNDERGO:
        return False
    patients = _objects(head)
    if not patients:
        return False
    inside = {t.i for m in mentions for t in (m[0], m[1])}
    for p in patients:
        if p.pos_ in {"PRON", "DET", "NUM"} or any(t.i in inside for t in p.subtree):
            return False
    return True


def _concessive_opening(doc: Doc, lo: int, hi: int) -> range | None:
    """The tokens of a concession that opens the claim, up to its comma ('For all the talk
    of a coup,', 'Whatever misgivings they harbour,', 'Beneath its surface obedience,'),
    read from the words, since the parser often attaches it wrongly."""
    start = lo
    while start < hi and (doc[start].is_punct or doc[start].is_space):
        start += 1
    words = tuple(t.lower_ for t in doc[start : min(start + 2, hi)])
    if not words or not (words[0] in CONCESSIVE_OPENERS or words in CONCESSIVE_OPENERS_2):
        return None
    for k in range(start + 1, hi - 1):
        if doc[k].lower_ == ",":
            return range(start, k + 1)
        if doc[k].lower_ in {";", ":", "—"}:
            return None
    return None


def _asides(doc: Doc, lo: int, hi: int) -> list[range]:
    """What a claim sets aside: the alternative it rejects ('rather than resenting the war',
    'instead of plotting', 'a crusade rather than a miscalculation'), and a concession
    between commas ('most generals, whatever their frustrations, will ...', 'however
    often he reshuffles them')."""
    found: list[range] = []
    if not _ASIDE.search(doc.text):
        return found
    for k in range(lo, hi - 1):
        t = doc[k]
        pair = (t.lower_, doc[k + 1].lower_)
        if pair in {("rather", "than"), ("instead", "of")}:
            other = doc[k + 1]
            if other.dep_ == "cc":  # 'a crusade rather than a miscalculation'
                conj = [c for c in other.head.children if c.dep_ == "conj" and c.i > other.i]
                if conj:
                    found.append(range(k, conj[0].right_edge.i + 1))
            else:
                found.append(range(k, max(other.right_edge.i, k + 1) + 1))
        elif (
            k > lo
            and doc[k - 1].text == ","
            and (
                t.lower_ in {"whatever", "whichever"}
                or (t.lower_ == "however" and doc[k + 1].pos_ in {"ADJ", "ADV"})
            )
        ):
            end = next((j for j in range(k + 1, hi) if doc[j].text in {",", ";", "—"}), hi)
            found.append(range(k, end))
    return found


def _free_relative(verb: Token) -> bool:
    """Whether a verb heads a clause that opens with 'what' or 'which' as its own subject
    or object, or that of a verb it takes ('what the state expects from big business',
    'does what the Kremlin tells it to do'); not a 'what' in what it reports ('What the
    state expects is loyalty, Stanovaya says') or a 'who' on its subject."""
    for c in verb.subtree:
        if c.tag_ not in {"WP", "WDT"} or c.dep_ not in {"dobj", "nsubj"} or c.i > verb.i:
            continue
        step = c.head  # the verb itself, or through the verbs it takes ('tells it to do')
        while step.i != verb.i and step.dep_ == "xcomp":
            step = step.head
        if step.i == verb.i:
            return True
    return False


def _set_against(doc: Doc, lo: int) -> range | None:
    """What a claim opening with 'Unlike' sets itself against, up to the comma before its
    subject: the past or the others ('Unlike in 1991, when the KGB chief joined the coup,
    today's security services ...'), whose disposition is not the claim's."""
    if doc[lo].lower_ != "unlike":
        return None
    root = doc[lo]
    while root.head.i != root.i:
        root = root.head
    subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"} and c.i > lo]
    if subjects and doc[subjects[0].left_edge.i - 1].text == ",":
        return range(lo, subjects[0].left_edge.i)
    return None


def _negated(head: Token, negators: set[str], predicates: set[str], *, skip: set[int]) -> bool:
    """An odd number of negations of the cue (not, never, neither ... nor, no longer,
    refused to, unlikely to, no sign that, no sign of, without).

    Args:
        head: the cue's head word.
        negators: negating words (``not``, ``never``, ``no``).
        predicates: negating verbs and adjectives (``refuse``, ``unlikely``).
        skip: token indices of the cue itself.
    """
    count = 0
    t = head
    path = [t]
    while t.dep_ not in CLAUSE_DEPS and t.head.i != t.i:
        if t.dep_ == "pobj" and t.head.lower_ in ADJUNCT_PREPS:
            break  # 'not seen since the mutiny': the negation does not reach the adjunct
        t = t.head
        path.append(t)
    clause = path[-1]
    if clause.dep_ == "pcomp" and clause.head.dep_ == "prep":
        path.append(clause.head)  # 'without breaking ranks', 'no sign of breaking with him'
    comparative = any(
        n.tag_ in {"JJR", "RBR"}
        or any(
            c.lower_ in {"more", "less"} or (c.tag_ in {"JJR", "RBR"} and c.dep_ == "acomp")
            for c in n.children
        )
        for n in path
    )  # 'never more loyal', 'its grip has never been tighter'
    for node in path:
        if node.i not in skip and node.i != head.i and node.lemma_.lower() in predicates:
            count += 1  # 'refused to back', 'unlikely to turn against'
        if node.i != head.i and node.dep_ in {"prep", "conj"} and node.lower_ == "without":
            count += 1  # 'stayed without breaking ranks', 'without breaking with him'
        if (
            node.dep_ == "prep"
            and node.lower_ == "from"
            and (node.head.lower_ == "far" or any(c.lower_ == "far" for c in node.children))
        ):
            count += 1  # 'far from united', 'far from being a threat'
        if (
            node.dep_ == "xcomp"
            and (node.head.pos_ == "ADJ" or node.head.tag_ == "VBN")
            and any(c.dep_ == "advmod" and c.lower_ == "too" for c in node.head.children)
        ):
            count += 1  # 'too frightened to move against him', 'too compromised to revolt'
        if (
            node.dep_ == "conj"
            and node.head.lower_ == "anything"
            and any(c.dep_ == "cc" and c.lower_ == "but" for c in node.head.children)
        ):
            count += 1  # 'anything but loyal'
        for c in node.children:
            if c.i in skip:
                continue
            if c.dep_ == "neg" or (c.dep_ in {"det", "advmod", "preconj"} and c.lower_ in negators):
                if not (comparative and c.lower_ in {"never", "hardly", "scarcely"}):
                    # 'never more loyal', 'could hardly be more loyal'
                    count += 1
            elif _scant(c):
                count += 1  # 'little appetite for a coup', 'little discontent'
            elif (
                c.dep_ == "attr"
                and c not in path
                and any(g.dep_ == "expl" for g in node.children)
                and any((g.dep_ == "det" and g.lower_ in negators) or _scant(g) for g in c.children)
            ):
                count += 1  # 'there is little appetite among them for a coup'
            elif (
                c.dep_ == "advmod"
                and c.lower_ in {"longer", "more"}
                and any(g.lower_ == "no" for g in c.children)
            ):
                count += 1  # 'no longer'
            elif c.dep_ == "advmod" and c.lower_ == "yet" and node.lemma_ in {"have", "be"}:
                count += 1  # 'has yet to show'
            elif c.dep_ == "acomp" and c.lemma_.lower() in predicates and c not in path:
                count += 1  # 'a coup is unlikely'
            if c.dep_ in {"nsubj", "nsubjpass"} and _no_one(c):
                count += 1
    # The clause's governor: 'there is no sign that ...', 'no sign of breaking ...', 'it is
    # not true that ...', 'nobody expects them to ...', 'few believe that ...'; and what
    # it says of the clause: 'doubt that ...', 'it is unlikely that ...'
    top = path[-1]
    governor = top.head
    disposition = _disposition(clause)
    if (
        clause.dep_ in {"acl", "ccomp", "pcomp"} or disposition or _purpose(clause)
    ) and governor.i != top.i:
        if any(
            c.dep_ == "neg" or (c.dep_ in {"det", "preconj"} and c.lower_ in negators) or _scant(c)
            for c in governor.children
        ) or (
            governor.dep_ == "conj"
            and any(c.dep_ == "preconj" and c.lower_ in negators for c in governor.head.children)
        ):
            # 'no sign that', 'little evidence that', 'neither the will nor the means to'
            count += 1
        if any(c.dep_ in {"nsubj", "nsubjpass"} and _no_one(c) for c in governor.children):
            count += 1
        if clause.dep_ in {"ccomp", "pcomp"} and (
            governor.lemma_.lower() in predicates
            or any(c.dep_ == "acomp" and c.lemma_.lower() in predicates for c in governor.children)
        ):
            count += 1
        if disposition and governor.head.lemma_.lower() in predicates:
            count += 1  # 'lack the will to stage a coup'
    if _dismissed(clause, predicates):
        count += 1  # 'the idea that they could topple him is fanciful'
    return count % 2 == 1


def _pseudo_spans(matches: Iterable[Match]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in matches if m.rule.type == "pseudo"]


def _inside(match: Match, spans: Sequence[tuple[int, int]]) -> bool:
    """The match lies inside a pseudo-cue ('doubt' in 'no doubt', 'would' in 'would
    rather'); a cue that reaches past one ('funding opposition' over 'opposition
    groups') is not."""
    return any(a <= match.start and match.end <= b for a, b in spans)


def _contrasted(clause: Token) -> bool:
    """A clause set against its main one: 'but', 'yet' or 'whereas' join them."""
    marks = {c.lower_ for c in clause.children if c.dep_ in {"mark", "cc"}}
    if clause.dep_ == "conj":
        marks |= {c.lower_ for c in clause.head.children if c.dep_ == "cc" and c.i < clause.i}
    return bool(marks & {"but", "yet", "whereas"})


def _dismissed(clause: Token, predicates: set[str]) -> bool:
    """The clause says what a noun says, and a negating predicate dismisses that noun:
    'the idea that they could topple him is fanciful', 'reports that the generals are
    plotting are exaggerated' (the parser may attach the clause as a relative one: its
    'that' is then a marker, not a relative pronoun)."""
    noun = clause.head
    return (
        clause.dep_ in {"acl", "ccomp", "relcl"}
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)
        and noun.pos_ == "NOUN"
        and noun.dep_ in {"nsubj", "nsubjpass"}
        and any(c.dep_ == "acomp" and c.lemma_.lower() in predicates for c in noun.head.children)
    )


def _scant(modifier: Token) -> bool:
    """'little', 'scant' or 'few' on a noun, which says there is hardly any ('little
    evidence', 'little appetite', 'few signs'); not 'a little', 'a few'."""
    noun = modifier.head
    return (
        modifier.dep_ == "amod"
        and modifier.lower_ in {"little", "scant", "few"}
        and noun.pos_ == "NOUN"
        and not any(t.lower_ in {"a", "an"} for t in (*modifier.children, *noun.children))
    )


def _linking(verb: Token) -> bool:
    """'seem' or 'appear' as a guess: with what it seems to be ('appear to waver', 'seem
    loyal', 'it appears that ...'), not 'cracks appeared in the ranks'."""
    return any(
        c.dep_ in {"xcomp", "ccomp", "acomp", "attr", "oprd", "expl"}
        or (c.dep_ == "nsubj" and c.lower_ == "it")
        or (c.dep_ == "prep" and c.lower_ in {"as", "like"})
        for c in verb.children
    )


def _first_hand(cue: Sequence[Token], holders: set[int]) -> bool:
    """Who says it is the faction itself ('the generals fear that ...', 'Kremlin insiders
    believe ...': what they say or think, stated) or a document ('a report by the Carnegie
    Endowment concluded ...': its authors' published finding)."""
    return any(
        holders.intersection(t.i for t in who.subtree) or who.lemma_.lower() in DOCUMENTS
        for who in _sayers(cue)
    )


def _sayers(cue: Sequence[Token]) -> list[Token]:
    """Who a reporting cue names: the subject of its verb, or the object after 'according
    to' or 'in the view of'."""
    if not cue:
        return []
    said_by = [c for c in cue[0].children if c.dep_ in {"nsubj", "nsubjpass"}]
    return said_by + [o for t in cue for o in t.children if o.dep_ == "pobj"]


def _on_the_record(cue: Sequence[Token]) -> bool:
    """Who says it is named: a person, an outlet or a body ('Gallyamov said', 'according
    to Meduza', 'The Pentagon revealed'), not a vague or anonymous group ('analysts say',
    'according to people familiar with the matter')."""
    if any(t.text in {"'s", "\u2019s"} for t in cue):
        return True  # 'in Stanovaya's view'
    return any(
        who.pos_ == "PROPN"
        or any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in who.children)
        or who.lower_ in {"he", "she"}
        for who in _sayers(cue)
    )


def _quoted(doc: Doc, mentions: Sequence[MentionT]) -> bool:
    """A mention stands inside a quotation: the speaker's own words ('"The siloviki are
    putting distance between themselves and the president," Soldatov said')."""
    text = doc.text
    for first, _last, _faction, _rule in mentions:
        before = text[: first.idx]
        if before.count("\u201c") > before.count("\u201d") or before.count('"') % 2 == 1:
            return True
    return False


def _held_by(verb: Token, holders: set[int]) -> bool:
    """The verb's subject holds the faction (one of the ``holders`` tokens), not only in a
    clause on it: 'Kremlin insiders believe', 'a growing number of insiders believe'."""
    for subject in (c for c in verb.children if c.dep_ == "nsubj"):
        clauses = [c for c in subject.subtree if c.dep_ in {"relcl", "acl"}]
        side = {t.i for c in clauses for t in c.subtree}
        if holders.intersection(t.i for t in subject.subtree if t.i not in side):
            return True
    return False


def _wished(verb: Token, holders: set[int]) -> bool:
    """The clause is what someone wishes or hopes for ('wish Putin would step down'), or
    what the faction (one of the ``holders`` tokens) fears ('fear that a deal would ...')."""
    if verb.dep_ != "ccomp":
        return False
    governor = verb.head
    if governor.lower_ in WISH:
        return True
    if governor.lower_ not in FEAR:
        return False
    if governor.dep_ == "acomp":
        governor = governor.head  # 'they are worried that ...'
    return any(
        c.dep_ == "nsubj" and holders.intersection(t.i for t in c.subtree)
        for c in governor.children
    )


def _no_one(subject: Token) -> bool:
    """A subject that says nobody: 'nobody', 'none of them', 'no analyst', 'neither side',
    'few (analysts)'; not 'a few'."""
    if subject.lower_ in {"none", "nobody", "neither", "nothing", "few", "little"}:
        return not any(g.lower_ == "a" for g in subject.children)
    if subject.lower_ in {"anyone", "anybody", "any"} and any(
        g.lower_ in {"hardly", "scarcely", "barely"} for g in subject.children
    ):
        return True  # 'hardly anyone shares his goals'
    a_few = any(t.lower_ == "a" for g in subject.children for t in (g, *g.children))
    return any(
        (g.dep_ in {"preconj", "det"} and g.lower_ in {"neither", "no", "none"})
        or (g.dep_ == "amod" and g.lower_ == "few" and not a_few)
        or g.dep_ == "neg"  # 'not a single oligarch', 'not one general'
        or (  # 'hardly any oligarch'
            g.dep_ == "det"
            and g.lower_ == "any"
            and any(h.lower_ in {"hardly", "scarcely", "barely"} for h in g.children)
        )
        for g in subject.children
    )


def _conditional_prediction(token: Token, modal: str, scope: set[int]) -> bool:
    """'If X, they will ...': a 'will' clause in scope with an 'if' clause attached
    (through 'long' in 'as long as X')."""
    clause = token.head.head if token.dep_ == "mark" else None
    if clause is None or token.head.dep_ != "advcl":
        return False
    if clause.dep_ == "advmod" and clause.lower_ == "long":
        clause = clause.head
    return clause.i in scope and any(c.lower_ == modal and c.dep_ == "aux" for c in clause.children)


_SCOPING_DEPS = {"advcl", "prep", "relcl", "acl", "conj"}
"""The dependencies of the tokens that can take their subtree out of a claim's scope."""


@dataclass
class Scope:
    """Which tokens of a claim speak about its factions.

    ``stance`` holds the tokens whose cues count for the stance, ``hedge`` those
    whose hedges count for certainty. Stance is decided by the first of these
    that holds a cue: ``contrast`` (a clause after ``but``), ``own`` (the clause
    the mention is in), ``relative`` (its relative clause), then the rest.
    ``side`` holds the ``who``/``that`` clauses on the faction, whose hedges are a
    side clause's unless the stance comes from them.
    """

    stance: set[int]
    hedge: set[int]
    contrast: set[int]
    own: set[int]
    relative: set[int]
    side: set[int]

    @classmethod
    def of(cls, doc: Doc, mentions: Sequence[MentionT], lo: int, hi: int) -> Scope:
        """The scope of a claim spanning tokens ``lo:hi`` with these mentions."""
        mention_tokens = {
            t.i for first, last, _f, _r in mentions for t in doc[first.i : last.i + 1]
        }
        heads = {_noun_of(last).i for _first, last, _f, _r in mentions}
        # tokens whose subtree holds a mention: the mention tokens and their ancestors, and
        # those of a 'they' or 'them' after a mention ('businessmen have known that ..., and
        # the war has only made them more dependent on the Kremlin')
        first_mention = min(mention_tokens, default=hi)
        taken_up = {
            t.i for t in doc[first_mention:hi] if t.lower_ in PLURAL_PRONOUNS and t.pos_ == "PRON"
        }
        holders = mention_tokens | taken_up
        for i in mention_tokens | taken_up:
            holders.update(a.i for a in doc[i].ancestors)
        stance_out: set[int] = set()
        hedge_out: set[int] = set()
        contrast: set[int] = set()
        tree = _tree(doc)
        last_word = hi - 1
        while last_word > lo and doc[last_word].is_punct:
            last_word -= 1  # the full stop is the sentence's, not the clause's
        for k in range(lo, hi):
            if not tree.scoping[k]:
                continue
            t = doc[k]
            if t.left_edge.i <= lo and t.right_edge.i >= last_word:
                continue  # the claim is this very clause
            holds_mention = t.i in holders
            if (
                t.dep_ == "advcl"
                and not _dummy_main(t.head)
                and {c.lower_ for c in t.children if c.dep_ == "mark"}
                & (CONCESSIVE_MARKS | BACKGROUND_MARKS)
            ):
                # a condition, concession or background: never the claim itself
                stance_out.update(x.i for x in t.subtree)
                hedge_out.update(x.i for x in t.subtree if x.i not in mention_tokens)
            elif (
                t.dep_ == "prep"
                and (
                    t.lower_ in ADJUNCT_PREPS - CONCESSIVE_PREPS
                    or (t.lower_ == "from" and t.head.lemma_ in {"emerge", "recover"})
                    or (  # 'in the aftermath of the mutiny', 'within hours of the mutiny'
                        t.lower_ in {"in", "within"}
                        and any(
                            c.dep_ == "pobj" and c.lemma_ in TIME_NOUNS | SPANS for c in t.children
                        )
                    )
                )
                and not holds_mention
            ):
                # a time: 'since the mutiny', 'emerged from the mutiny as ...'; a hedge in
                # it is the event's ('after reportedly being questioned')
                stance_out.update(x.i for x in t.subtree)
                hedge_out.update(x.i for x in t.subtree)
            elif t.dep_ == "prep" and t.lower_ in CONCESSIVE_PREPS:
                if not holds_mention:
                    stance_out.update(x.i for x in t.subtree)
                hedge_out.update(x.i for x in t.subtree if x.i not in mention_tokens)
            elif (
                t.dep_ in {"relcl", "acl"}
                and t.head.i not in heads
                and not _in_subject(t.head)
                and not _predicated(t.head, holders)
                and not _small_clause(t, holders)
                and not _disposition(t)
                and not _message(t)
            ):
                if not holds_mention:
                    stance_out.update(x.i for x in t.subtree)
                hedge_out.update(x.i for x in t.subtree)
            elif t.dep_ == "conj" and t.pos_ in {"VERB", "AUX"}:
                ccs = {c.lower_ for c in t.children if c.dep_ == "cc"} | {
                    c.lower_ for c in t.head.children if c.dep_ == "cc" and c.i < t.i
                }
                subjects = [c for c in t.children if c.dep_ in SUBJECT_DEPS]
                if ccs & CONTRAST_CC:
                    contrast.update(x.i for x in t.subtree)
                elif subjects and not holds_mention:
                    stance_out.update(x.i for x in t.subtree)
                    hedge_out.update(x.i for x in t.subtree)
        for _first, last, _faction, _rule in mentions:
            for c in _noun_of(last).children:
                if c.dep_ == "appos" and c.i > last.i:
                    # 'Chemezov, perhaps the archetypal silovarch, ...': a hedge on the
                    # description is none on the claim
                    hedge_out.update(x.i for x in c.subtree)
        opening = _concessive_opening(doc, lo, hi)
        if opening is not None and not mention_tokens.intersection(opening):
            # 'For all the talk of a coup, ...', 'Whatever misgivings they harbour, ...'
            stance_out.update(opening)
            hedge_out.update(opening)
        against = _set_against(doc, lo)
        if against is not None:
            stance_out.update(against)
            hedge_out.update(against)
        for aside in _asides(doc, lo, hi):
            if not mention_tokens.intersection(aside):
                # 'rather than resenting the war', 'most generals, whatever their
                # frustrations, ...': what the claim sets aside
                stance_out.update(aside)
                hedge_out.update(aside)
        relative: set[int] = set()
        side: set[int] = set()
        for _first, last, _faction, _rule in mentions:
            last = _noun_of(last)
            for c in [*last.children, *(g for conj in last.conjuncts for g in conj.children)]:
                if c.dep_ in {"relcl", "acl"}:
                    relative.update(x.i for x in c.subtree)
                if c.dep_ == "relcl":
                    side.update(x.i for x in c.subtree)
        own: set[int] = set()
        for _first, last, _faction, _rule in mentions:
            if last.i in relative:
                continue  # 'oligarchs who ..., such as Tinkov, were forced': Tinkov's clause is not the claim's
            clause = doc[tree.clause_of[last.i]]
            clauses = {clause.i} | {
                c.i
                for c in clause.children
                if c.dep_ == "conj"
                and c.pos_ in {"VERB", "AUX"}
                and not any(g.dep_ in SUBJECT_DEPS for g in c.children)
            }
            own.update(k for k in range(lo, hi) if tree.clause_of[k] in clauses)
        every = set(range(lo, hi))
        stance = every - stance_out
        return cls(
            stance=stance,
            hedge=every - hedge_out,
            contrast=contrast & stance,
            own=own & stance,
            relative=relative & stance,
            side=side,
        )


def _noun_of(head: Token) -> Token:
    """The noun a mention modifies ('former KGB colleagues'), else the mention's own head."""
    if head.dep_ in {"compound", "amod"} and head.head.pos_ in {"NOUN", "PROPN"}:
        return head.head
    return head


def _disposition(clause: Token) -> bool:
    """An infinitive on the object of its clause's verb: what the subject is disposed to
    do ('have no reason to move against him', 'show no intention to break ranks'), or on
    what the subject is ('the third is a move by the siloviki to replace Putin')."""
    noun = clause.head
    return (
        clause.dep_ in {"acl", "relcl"}
        and (
            noun.dep_ in {"dobj", "attr"}
            or (noun.dep_ == "conj" and noun.head.dep_ in {"dobj", "attr"})
        )
        and _infinitive(clause)
    )


def _purpose(clause: Token) -> bool:
    """An infinitive of purpose: what the subject would do it for ('few would risk their
    careers to challenge him')."""
    return clause.dep_ == "advcl" and _infinitive(clause)


def _infinitive(clause: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _predicated(noun: Token, holders: set[int]) -> bool:
    """The noun is what a copula says a mention is: 'the FSB is the one institution that
    could remove him' (its relative clause speaks of the FSB)."""
    verb = noun.head
    return (
        noun.dep_ == "attr"
        and verb.lemma_ == "be"
        and any(c.dep_ == "nsubj" and c.i in holders for c in verb.children)
    )


def _small_clause(clause: Token, holders: set[int]) -> bool:
    """A participle that says what befalls the object of the faction's 'find', 'see' or
    'have': 'businessmen find their assets nationalised', 'they had their assets seized'."""
    noun = clause.head
    verb = noun.head
    return (
        clause.dep_ == "acl"
        and clause.tag_ == "VBN"
        and noun.dep_ == "dobj"
        and verb.lemma_ in {"find", "see", "have", "get", "watch"}
        and any(c.dep_ == "nsubj" and c.i in holders for c in verb.children)
    )


def _message(clause: Token) -> bool:
    """A participle that says what a message says: the faction's own words ('published a
    letter demanding his resignation', 'issued a statement calling for ...')."""
    return clause.dep_ == "acl" and clause.tag_ == "VBG" and clause.head.lemma_ in MESSAGES


def _in_subject(token: Token) -> bool:
    """The token is a subject, or inside one ('those' in 'All of those ousted were ...')."""
    for t in (token, *token.ancestors):
        if t.dep_ in {"nsubj", "nsubjpass"}:
            return True
        if t.dep_ in CLAUSE_DEPS:
            return False
    return False


def _is_actor(token: Token) -> bool:
    """The token is (inside) a subject or a 'by' agent: the one who acts."""
    for t in (token, *token.ancestors):
        if t.dep_ in {"nsubj", "agent"} or (t.dep_ == "pobj" and t.head.dep_ == "agent"):
            return True
        if t.dep_ == "pobj" and t.head.lower_ == "from" and t.head.head.lemma_ in EXPEL:
            return True  # 'expelled from European capitals': the country that expels
        if t.dep_ in CLAUSE_DEPS:
            return False
    return False


def _number(token: Token) -> str:
    return "plural" if token.tag_ in {"NNS", "NNPS"} else "singular"


def _agrees(kind: str, antecedent: Antecedent) -> bool:
    """A pronoun agrees with its antecedent: 'it' a singular, 'he' a named person."""
    if kind == "singular":
        return antecedent.number == "singular" and not antecedent.person
    if kind == "person":
        return antecedent.person
    return not antecedent.person or antecedent.number == "plural"


def _bound_locally(pronoun: Token) -> bool:
    """'These processes would take time, and they ...': the pronoun has a plural subject before
    it. Not the subject of the pronoun's own verb, nor of the verb a subjectless clause of it
    hangs on: an object pronoun refers past them ('Sanctions have cut them off ..., leaving
    them more dependent' is about someone else)."""
    verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head
    own = {verb.i}
    if verb.dep_ in {"advcl", "xcomp", "conj"} and not any(
        c.dep_ in SUBJECT_DEPS for c in verb.children
    ):
        own.add(verb.head.i)
    for t in pronoun.doc[: pronoun.i]:
        if t.dep_ in {"nsubj", "nsubjpass"} and t.tag_ in {"NNS", "NNPS"} and t.pos_ != "PRON":
            if pronoun.dep_ not in SUBJECT_DEPS and t.head.i in own:
                continue
            return True
    return False


def _trailing(verb: Token) -> bool:
    """A reporting clause that closes the sentence after a comma, with nothing said after
    it: '..., the political scientist Kirill Rogov said in an interview.'"""
    doc = verb.doc
    lo = verb.left_edge.i
    if lo == 0 or doc[lo - 1].text not in {",", "—", "--"}:
        return False
    if any(c.dep_ in {"ccomp", "xcomp"} or c.lower_ == "that" for c in verb.children):
        return False
    end = len(doc)
    while end > 0 and doc[end - 1].is_punct:
        end -= 1
    return verb.right_edge.i >= end - 1 and any(
        c.dep_ == "nsubj" and c.i < verb.i for c in verb.children
    )


def _after_quote(verb: Token) -> bool:
    """The verb's subject follows a closing quotation: '"...," Kremlin spokesman Dmitry
    Peskov told reporters', however the parser hung the verb on the quotation."""
    doc = verb.doc
    for subject in (c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i):
        k = subject.left_edge.i
        if (
            k >= 2
            and doc[k - 1].text in (*_CLOSE_QUOTES, "''")
            and doc[k - 2].text in {",", "?", "!"}
        ):
            return True
    return False


def _name_before(verb: Token) -> Token | None:
    """A name right before the verb, after a comma, that the parser made an apposition of
    something earlier ('..., Tatiana Stanovaya, founder of R.Politik, told Reuters')."""
    doc = verb.doc
    k = verb.i - 1
    while k >= 0 and doc[k].is_punct:
        k -= 1
    if k < 0:
        return None
    found = None
    for t in (doc[k], *doc[k].ancestors):
        if t.right_edge.i >= verb.i:
            break
        if t.dep_ == "appos" and t.pos_ == "PROPN":
            found = t
    return found


def _bare(noun: Token) -> bool:
    """A noun with nothing to say whose it is ('reports', 'the report'; not 'Russian media
    reports', 'an explosive report', 'a report by X')."""
    return all(c.dep_ == "det" and c.lower_ in {"the", "a", "an"} for c in noun.children)


def _author(source: Token) -> Token:
    """Who wrote a document named as the source: 'a report by the Institute for the Study
    of War' is the institute's, 'Meduza's reporting' Meduza's."""
    if source.lemma_.lower() not in DOCUMENTS:
        return source
    for prep in source.children:
        if prep.dep_ == "prep" and prep.lower_ in {"by", "from"}:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return obj
        if prep.dep_ == "acl" and prep.tag_ == "VBN":  # 'letters published by the outlet X'
            for agent in prep.children:
                if agent.dep_ == "agent":
                    for obj in agent.children:
                        if obj.dep_ == "pobj":
                            return obj
    for owner in source.children:  # 'Olga Kryshtanovskaya's classic study', 'Meduza's reporting'
        if owner.dep_ == "poss" and owner.pos_ == "PROPN":
            return owner
    return source


def _name(token: Token, subjects: Sequence[Token] = ()) -> str:
    """The name a subject stands for: a proper-noun chain, else the noun phrase as written,
    with the name that follows a title ('the analyst Irina Sokolova', also when the parser
    makes the name a second subject: 'the political scientist Kirill Demin')."""
    doc = token.doc
    names = [c for c in token.children if c.dep_ == "appos" and c.left_edge.i == token.i + 1]
    names += [c for c in subjects if c.left_edge.i == token.right_edge.i + 1]
    names = [c for c in names if c.pos_ == "PROPN"]
    if names:  # up to the name's last word: not a clause on it
        return doc[token.left_edge.i : names[0].i + 1].text
    # 'the Head of the Center ..., Oleksandr Musiienko,', 'the Kremlin's spokesman, Dmitry
    # Peskov,': the person's name set off after their title
    people = [
        c
        for c in token.children
        if c.dep_ == "appos"
        and c.i > token.i
        and c.left_edge.i < c.right_edge.i
        and all(t.pos_ == "PROPN" for t in c.subtree)
    ]
    if people:
        return doc[people[0].left_edge.i : people[0].right_edge.i + 1].text
    if token.lemma_.lower() in OUTLETS and token.is_lower:
        # 'the Kommersant newspaper', 'the TASS news agency' (not 'Kommersant Daily')
        own = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if own:
            return doc[own[0].left_edge.i : own[-1].i + 1].text
    if token.pos_ == "PROPN":
        parts = [c for c in token.children if c.dep_ in {"compound", "det"} and c.i < token.i]
        parts = [c for c in parts if c.pos_ == "PROPN" or c.dep_ == "det"]
        start = min((c.i for c in parts), default=token.i)
        end = token.i + 1
        for c in token.children:  # 'the Institute for the Study of War', not 'X of Carnegie'
            if (
                token.lower_ in BODIES
                and c.dep_ == "prep"
                and c.lower_ in {"of", "for"}
                and c.i == end
                and any(g.dep_ == "pobj" and g.pos_ == "PROPN" for g in c.children)
            ):
                end = c.right_edge.i + 1
        return token.doc[start:end].text
    cut = [
        c
        for c in token.children
        if c.dep_ in {"relcl", "acl", "appos", "prep", "punct"}
        and c.i > token.i
        and not _part_of_group(token, c)
    ]
    end = min((c.left_edge.i for c in cut), default=token.right_edge.i + 1)
    start = token.left_edge.i
    while start < token.i and doc[start].is_punct:
        start += 1  # the quotation mark the parser hung on it
    return doc[start : max(end, token.i + 1)].text


def _part_of_group(head: Token, child: Token) -> bool:
    """What a vague group as written keeps after its noun: 'one of the sources', 'analysts
    at the Carnegie Center', 'people who know him' (not a clause after a comma, nor one on
    a single person: 'a former officer who fought in Ukraine')."""
    doc = head.doc
    if child.dep_ == "prep":
        if child.lower_ == "of":
            return head.pos_ == "NUM" or head.lower_ in QUANTIFIERS
        return child.lower_ in AFFILIATIONS and child.i == head.i + 1
    if child.dep_ == "relcl":  # a plural group the clause says who they are
        return (
            not doc[child.left_edge.i - 1].is_punct
            and child.right_edge.i - child.left_edge.i < 8
            and (head.tag_ == "NNS" or head.lower_ in QUANTIFIERS)
        )
    return False


def _last_name(sentences: Sequence[Sentence], index: int) -> str | None:
    """The last person named (two capitalised words) in the few sentences before ``index``;
    not a body ('Mikhail Orlov, who works at the Kingsway Institute, said ...' names Orlov)."""
    for s in reversed(sentences[max(0, index - 3) : index]):
        names = [
            n
            for n in _NAME.findall(s.text)
            if "Putin" not in n and "Russia" not in n and n.split()[-1].lower() not in BODIES
        ]
        if names:
            return names[-1]
    return None


def _people(blocks: Sequence[Block]) -> dict[str, str]:
    """The people a document names in full (two or more capitalised words), by full name
    and by last name."""
    people: dict[str, str] = {}
    for block in blocks:
        for name in _NAME.findall(block.text):
            people.setdefault(name, name)
            people.setdefault(name.split()[-1], name)
    return people


def _closing_quote(text: str, opened: int) -> int:
    """Where the quotation opened just before ``opened`` closes in ``text`` (its length
    when it runs on past the paragraph, as a quotation continued in the next one does)."""
    closes = [i for i in (text.find(q, opened) for q in _CLOSE_QUOTES) if i >= 0]
    return min(closes) if closes else len(text)


def quote_speakers(
    sentences: Sequence[Sentence],
    blocks: Sequence[Block],
    is_word: Callable[[str], bool] = lambda w: False,
) -> dict[int, str]:
    """Sentences inside a quotation that runs on from an attributed opening.

    Journalistic convention: a quotation that continues into the next paragraph
    leaves its closing mark off, and the next paragraph opens with a quotation
    mark. The speaker is the subject of the verb that introduced the quotation
    (``X said: "...``) or that broke it (``"...," he said. "...``, ``"...," said X, a
    senior fellow at Y. "...``).
    """
    name = r"(?P<who>(?:[A-Z][\w’'\-]+\s+){0,3}[A-Z][\w’'\-]+|[Hh]e|[Ss]he)"
    verb = r"(?:said|says|told\s[^:“\"]{0,60}|added|wrote|explained|warned|argued)"
    # 'said on Friday:', 'said in an interview,': a short adjunct before the quotation
    adjunct = rf"(?:\s(?:{'|'.join(_QUOTE_ADJUNCTS)})\b[^:“\".,]{{0,40}}(?=[:,.]))?"
    intro = re.compile(
        rf"{name}\s+{verb}{adjunct}\s*[:,.]\s*[“\"]"
        # '"...," said X': X is no day ('said Thursday')
        rf"|{verb}\s+(?!(?:{'|'.join(_DAYS)})\b){name.replace('who', 'after')}"
        r"(?:,[^“\".]{0,80})?\s*[:,.]\s*[“\"]"
    )
    by_block: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_block.setdefault(s.block, []).append(s)
    speakers: dict[int, str] = {}
    speaker: str | None = None
    people: dict[str, str] | None = None  # found when a line opens with a label
    for block_index in sorted(by_block):
        block = blocks[block_index]
        body = block.text
        if label := _LABEL.match(body):
            people = _people(blocks) if people is None else people
            if label.group(1) in people:
                # an interview's answer: 'Stanovaya: The FSB has never been more powerful.'
                for s in by_block[block_index]:
                    speakers.setdefault(s.index, people[label.group(1)])
        if speaker and body[:1] in _OPEN_QUOTES:
            for s in by_block[block_index]:
                speakers[s.index] = speaker
        else:
            speaker = None
        found = intro.search(body)
        if found:
            words = (found.group("who") or found.group("after")).split()
            while len(words) > 1 and is_word(words[0]):
                words = words[1:]
            who = " ".join(words)
            if who.lower() in {"he", "she"}:
                first = by_block[block_index][0].index
                who = _last_name(sentences, first) or who
            speaker = who
            # the quotation opened at the end of the match runs to its closing mark
            closing = _closing_quote(body, found.end())
            for s in by_block[block_index]:
                if found.start() <= s.start - block.start < closing:
                    speakers.setdefault(s.index, who)
        stripped = body.rstrip()
        if stripped[-1:] in _CLOSE_QUOTES and body.count("“") <= body.count("”"):
            speaker = None
    return speakers
