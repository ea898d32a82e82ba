"""Linking: restatements and syndication, discourse cues with scope, cross-document links, positions."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest
from networkx.readwrite import json_graph

from argmap.graph import build_graph, from_json, positions, to_json
from argmap.link import ClaimFeatures, Linker, claim_features, document_layout, link, signature
from argmap.link.crossdoc import topical_links
from argmap.link.discourse import CueMatcher
from argmap.link.restate import similarity
from argmap.models import Claim, Document, DocumentOverlap

from .mapfixtures import SEEDS

PARAGRAPH = "\n"


def article(doc_id: str, *parts: str | tuple[str, str, str] | tuple[str, str, str, str]):
    """A document text and its claims, from sentences in order.

    A part is a plain sentence (no claim), ``PARAGRAPH``, or a claim as
    ``(text, "faction,faction", stance[, certainty])``.
    """
    text, claims, sentence = "", [], 0
    for part in parts:
        if part == PARAGRAPH:
            text = text.rstrip(" ") + "\n"
            continue
        body = part if isinstance(part, str) else part[0]
        start = len(text)
        text += body + " "
        if not isinstance(part, str):
            certainty = part[3] if len(part) > 3 else "asserted"
            claims.append(
                Claim(
                    id=f"{doc_id}-{len(claims) + 1:02d}",
                    doc_id=doc_id,
                    start=start,
                    end=start + len(body),
                    text=body,
                    factions=part[1].split(","),
                    mentions=[],
                    stance=part[2],
                    certainty=certainty,
                    cues=[],
                    source=None,
                    sentence=sentence,
                )
            )
        sentence += 1
    return text, claims


def relations_of(rules, *docs):
    texts = {claims[0].doc_id: text for text, claims in docs}
    claims = [c for _text, cs in docs for c in cs]
    linkage = link(claims, rules, texts=texts)
    return {(r.source, r.target, r.relation): r for r in linkage.relations}, linkage


# Restatement and syndication


def test_paraphrase_with_dropped_words_restates(rules):
    a = article(
        "a",
        (
            "However, the heavy losses of the Russian army in Ukraine could fuel discontent "
            "within the ranks that would lead some to support a coup.",
            "military",
            "disloyal",
            "hedged",
        ),
    )
    b = article(
        "b",
        (
            "Yet significant losses by the Russian army in Ukraine , could foster discontent "
            "in the ranks that would lead some to support a coup.",
            "military",
            "disloyal",
            "hedged",
        ),
    )
    found, _ = relations_of(rules, a, b)
    edge = found[("a-01", "b-01", "restates")]
    assert edge.basis.startswith("near-duplicate:")


def test_same_faction_different_claim_does_not_restate(rules):
    a = article(
        "a",
        ("The army in Russia has historically resisted coups.", "military", "loyal"),
    )
    b = article(
        "b",
        (
            "Heavy losses of the Russian army in Ukraine could lead some officers to support a coup.",
            "military",
            "disloyal",
            "hedged",
        ),
    )
    found, _ = relations_of(rules, a, b)
    assert not [k for k in found if k[2] == "restates"]


def test_restates_only_across_documents(rules):
    a = article(
        "a",
        ("Putin purged 150 FSB officers over the failures.", "fsb", "targeted"),
        ("Putin purged some 150 FSB officers over the failures.", "fsb", "targeted"),
    )
    found, _ = relations_of(rules, a)
    assert not [k for k in found if k[2] == "restates"]


def test_attribution_frame_is_not_content():
    _, (quoted,) = article(
        "a", ("He told Sky News: “I think there are tensions with the FSB.", "fsb", "disloyal")
    )
    _, (plain,) = article("b", ("There are tensions with the FSB.", "fsb", "disloyal"))
    assert similarity(signature(quoted).tokens, signature(plain).tokens) == 1.0


def test_the_two_seed_versions_are_one_article(seed_build):
    _out, amap = seed_build
    docs = {d.doc_id: d for d in amap.documents}
    overlap = {o.doc_id: o for o in docs["000_dd6fdb4e804c144d"].overlaps}
    assert overlap["001_8db5bd573f552d7f"].share >= 0.5
    for other in ("002_d14d0dbe484f62a0", "003_3a0d0e85f4584a49"):
        assert other not in overlap
    written = [json.loads(line) for line in (_out / "documents.jsonl").read_text().splitlines()]
    assert any(d["overlaps"] for d in written)


# Discourse cues and their scope


def test_but_counters_the_point_and_the_claim_it_backs(rules):
    doc = article(
        "d",
        (
            "There has been much speculation that the oligarchs could be ready to oust Putin.",
            "oligarchs",
            "disloyal",
            "hedged",
        ),
        (
            "They have been hit by sanctions and are no doubt unhappy with the ruin of the economy.",
            "oligarchs",
            "disloyal",
        ),
        (
            "But since the 2000s the oligarchs have relied on his approval to accumulate assets.",
            "oligarchs",
            "loyal",
        ),
    )
    found, _ = relations_of(rules, doc)
    assert ("d-02", "d-01", "supports") in found
    assert found[("d-03", "d-02", "contrasts")].basis == "discourse:but"
    assert ("d-03", "d-01", "contrasts") in found


def test_however_counters_only_the_conclusion_not_its_evidence(rules):
    doc = article(
        "d",
        (
            "Since 2003 the oligarchs have relied on Putin's approval to accumulate assets.",
            "oligarchs",
            "loyal",
        ),
        ("They have a lot to lose if they oppose him.", "oligarchs", "loyal"),
        (
            "However, some of them could present an ultimatum to him.",
            "oligarchs",
            "disloyal",
            "hedged",
        ),
    )
    found, _ = relations_of(rules, doc)
    assert ("d-01", "d-02", "supports") in found
    assert ("d-03", "d-02", "contrasts") in found
    assert ("d-03", "d-01", "contrasts") not in found


def test_indeed_after_a_sentence_that_is_no_claim_links_nothing(rules):
    doc = article(
        "d",
        ("The softliners doubt the regime and want reforms.", "elites", "disloyal"),
        PARAGRAPH,
        "Research shows that dictators rarely give up power through negotiation.",
        (
            "Indeed, these leaders cling to power and only a small circle influences them.",
            "elites",
            "neutral",
        ),
    )
    found, _ = relations_of(rules, doc)
    assert not found


def test_cue_sentence_lends_its_cue_to_the_next_claim(rules):
    doc = article(
        "d",
        ("Neither the head of the FSB appeared to be backing Putin.", "fsb", "disloyal", "hedged"),
        PARAGRAPH,
        "Indeed, other indicators are now appearing.",
        (
            "Ukrainians report tip-offs from the FSB about operations.",
            "fsb",
            "disloyal",
            "hedged",
        ),
    )
    found, _ = relations_of(rules, doc)
    assert found[("d-02", "d-01", "supports")].basis == "discourse:indeed"


def test_this_is_why_reaches_the_whole_previous_paragraph(rules):
    doc = article(
        "d",
        ("The West has seized their properties abroad.", "elites", "neutral"),
        PARAGRAPH,
        ("Opposition politicians lobby for more sanctions on the elites.", "elites", "neutral"),
        ("Their message to the elites is that they will be punished.", "elites", "neutral"),
        PARAGRAPH,
        ("This is why the Russian elites look to Putin as their sole chance.", "elites", "loyal"),
    )
    found, _ = relations_of(rules, doc)
    assert found[("d-02", "d-04", "supports")].basis == "discourse:this-is-why"
    assert ("d-03", "d-04", "supports") in found
    assert ("d-01", "d-04", "supports") not in found


def test_concession_without_an_opposite_position_links_nothing(rules):
    doc = article(
        "d",
        ("Economic leaders or the security services could turn.", "fsb", "disloyal", "hedged"),
        (
            "Although many of them are no democrats, they might oust Putin.",
            "fsb",
            "disloyal",
            "hedged",
        ),
    )
    found, _ = relations_of(rules, doc)
    assert not [k for k in found if k[2] == "contrasts"]


def test_halves_of_one_sentence_with_opposite_stances_contrast(rules):
    text = "The split is between hardliners who defend the regime, and softliners who doubt."
    cut = text.index(", and ")
    claims = [
        Claim(
            id=f"d-0{n}",
            doc_id="d",
            start=a,
            end=b,
            text=text[a:b],
            factions=["elites"],
            mentions=[],
            stance=stance,
            certainty="asserted",
            cues=[],
            source=None,
            sentence=0,
        )
        for n, a, b, stance in ((1, 0, cut, "loyal"), (2, cut + 6, len(text), "disloyal"))
    ]
    linkage = link(claims, rules, texts={"d": text})
    (edge,) = linkage.relations
    assert (edge.relation, edge.basis) == ("contrasts", "same-sentence-opposite-stance")


def test_every_claim_edge_has_a_basis(seed_build):
    _out, amap = seed_build
    assert amap.relations
    assert all(r.basis for r in amap.relations)


# Across documents


def _crowd(n: int) -> list[Claim]:
    """One loyal claim and ``n`` disloyal claims on its topic, each in its own document,
    among claims on other topics."""
    base = "military officers grumble about unpaid wages, rotten rations and the Kherson retreat"
    texts = [("The military is loyal despite " + base + ".", "loyal")]
    texts += [
        (f"Colonel {i} says {base} show the military is turning.", "disloyal") for i in range(n)
    ]
    texts += [
        (f"Recruiters in region {i} fill quotas with convicts.", "neutral") for i in range(4 * n)
    ]
    return [
        Claim(
            id=f"doc{i:03d}-01",
            doc_id=f"doc{i:03d}",
            start=0,
            end=len(text),
            text=text,
            factions=["military"],
            mentions=[],
            stance=stance,
            certainty="asserted",
            cues=[],
            source=None,
            sentence=0,
        )
        for i, (text, stance) in enumerate(texts)
    ]


@pytest.mark.parametrize("k", [1, 2, 3])
def test_cross_document_fanout_is_bounded(k):
    claims = _crowd(12)
    found = topical_links(
        claims, [signature(c) for c in claims], group_of={}, k=k, min_similarity=0.1
    )
    assert found
    degree: Counter[tuple[str, str]] = Counter()
    for rel in found:
        degree[(rel.source, rel.relation)] += 1
        degree[(rel.target, rel.relation)] += 1
    assert max(degree.values()) <= k
    contrasts = [r for r in found if r.relation == "contrasts"]
    assert len(contrasts) == k
    assert all(r.basis == "same-faction-opposite-stance:military" for r in contrasts)


def test_syndicated_copies_are_not_linked_across(rules):
    claims = _crowd(2)
    sigs = [signature(c) for c in claims]
    apart = topical_links(claims, sigs, group_of={}, min_similarity=0.1)
    together = topical_links(
        claims, sigs, group_of={c.doc_id: "one" for c in claims}, min_similarity=0.1
    )
    assert apart and not together


# Positions and independent sources


def _doc(doc_id: str, overlaps: list[DocumentOverlap] | None = None) -> Document:
    return Document(doc_id=doc_id, path=f"{doc_id}.txt", sha256="0" * 64, overlaps=overlaps or [])


def test_syndicated_copies_count_once_as_independent_documents():
    claims = []
    for doc_id, certainty in (("a", "hedged"), ("a-copy", "hedged"), ("b", "asserted")):
        _, cs = article(doc_id, ("The FSB is turning on Putin.", "fsb", "disloyal", certainty))
        claims += cs
    _, loyal = article("b", ("The army stands behind Putin.", "military", "loyal"))
    loyal = [loyal[0].model_copy(update={"id": "b-02", "sentence": 1})]
    documents = [
        _doc("a", [DocumentOverlap(doc_id="a-copy", restated_claims=1, share=1.0)]),
        _doc("a-copy", [DocumentOverlap(doc_id="a", restated_claims=1, share=1.0)]),
        _doc("b"),
    ]
    found = {p.id: p for p in positions(documents, claims + loyal)}
    fsb = found["position:fsb:disloyal"]
    assert (fsb.claims, fsb.documents, fsb.independent_documents) == (3, 3, 2)
    assert (fsb.hedged, fsb.asserted) == (2, 1)
    army = found["position:military:loyal"]
    assert (army.claims, army.independent_documents) == (1, 1)


def test_seed_positions_count_the_two_versions_once(seed_build):
    _out, amap = seed_build
    oligarchs = {p.stance: p for p in amap.positions if p.faction == "oligarchs"}
    disloyal = oligarchs["disloyal"]
    assert disloyal.documents == 2
    assert disloyal.independent_documents == 1


# The graph


def test_graph_round_trip_keeps_positions_and_bases(seed_build):
    _out, amap = seed_build
    graph = build_graph(amap.documents, amap.claim_list, amap.relations)
    data = json_graph.node_link_data(graph, edges="edges")
    back = json_graph.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    for _node, attrs in graph.nodes(data=True):
        attrs.pop("id", None)  # node-link format writes it as the node's key
    assert nx.utils.graphs_equal(graph, back)
    again = from_json(json.loads(json.dumps(to_json(graph))))
    kinds = Counter(d["kind"] for _, d in again.nodes(data=True))
    assert kinds["position"] == len(amap.positions)
    pos = again.nodes["position:fsb:disloyal"]
    assert pos["independent_documents"] <= pos["documents"] <= pos["claims"]
    claim_edges = [
        d
        for _u, _v, d in again.edges(data=True)
        if d["relation"] in {"restates", "supports", "contrasts"}
    ]
    assert claim_edges and all(d["basis"] for d in claim_edges)


def test_a_story_copied_many_times_is_one_group_with_linear_edges(rules):
    lines = (
        ("The FSB purged 150 officers of the Fifth Service over the failures.", "fsb", "targeted"),
        (
            "Generals are gravely concerned about the lack of military progress.",
            "military",
            "disloyal",
        ),
    )
    docs = [article(f"copy{i:02d}", *lines) for i in range(40)]
    docs.append(
        article(
            "reworded",
            (
                "The FSB purged some 150 officers of its Fifth Service over failures.",
                "fsb",
                "targeted",
            ),
            (
                "Generals are gravely concerned over the lack of military progress.",
                "military",
                "disloyal",
            ),
        )
    )
    found, linkage = relations_of(rules, *docs)
    restates = [k for k in found if k[2] == "restates"]
    assert len(restates) <= 2 * 41 * 3 * 2
    assert len(set(linkage.groups.values())) == 1
    assert any("reworded" in (a + b) for a, b, _ in restates)


def test_a_reason_for_one_faction_does_not_reach_another(rules):
    doc = article(
        "d",
        ("Reports suggest that FSB officers are frustrated.", "fsb", "disloyal", "hedged"),
        "This is because the agency was blamed for the bad intelligence.",
        PARAGRAPH,
        (
            "Some generals are said to be furious with the ministry.",
            "military",
            "disloyal",
            "hedged",
        ),
    )
    found, _ = relations_of(rules, doc)
    assert not found


def test_the_restatement_join_finds_every_pair_brute_force_finds():
    import random

    from argmap.link.restate import RESTATE_THRESHOLD, restatements

    rng = random.Random(3)
    vocab = [f"word{n}" for n in range(40)]
    claims: list[Claim] = []
    seen: set[frozenset[str]] = set()
    while len(claims) < 160:
        n = len(claims)
        base = rng.sample(vocab, rng.randint(3, 9))
        if claims and rng.random() < 0.4:  # a reworded copy of an earlier claim
            base = [w for w in rng.choice(claims).text.rstrip(".").split() if rng.random() < 0.8]
            base += rng.sample(vocab, rng.randint(0, 2))
        if not base or frozenset(base) in seen:
            continue
        seen.add(frozenset(base))
        text = " ".join(dict.fromkeys(base)) + "."
        claims.append(
            Claim(
                id=f"c{n:03d}",
                doc_id=f"doc{n % 7}",
                start=0,
                end=len(text),
                text=text,
                factions=[],
                mentions=[],
                stance="neutral",
                certainty="asserted",
                cues=[],
                source=None,
                sentence=0,
            )
        )
    sigs = [signature(c) for c in claims]
    found = restatements(claims, sigs, max_df=10**9, fanout=10**9)
    got = {(r.source, r.target) for r in found}
    expected = {
        (a.id, b.id)
        for i, a in enumerate(claims)
        for b in claims[i + 1 :]
        if a.doc_id != b.doc_id
        and similarity(sigs[i].tokens, signature(b).tokens) >= RESTATE_THRESHOLD
    }
    assert len(expected) > 20
    assert got == expected


def test_an_elaboration_is_not_evidence(rules):
    doc = article(
        "d",
        ("The security services are unhappy with the war.", "fsb", "disloyal"),
        ("Their officers are angry about the war.", "fsb", "disloyal"),
    )
    found, _ = relations_of(rules, doc)
    assert not found


def test_the_siloviki_take_in_the_military_and_the_fsb(rules):
    doc = article(
        "d",
        ("The military is loyal to Putin.", "military", "loyal"),
        ("But the siloviki may turn against the Kremlin.", "siloviki", "disloyal", "hedged"),
        ("However, the oligarchs stand by him.", "oligarchs", "loyal"),
    )
    found, _ = relations_of(rules, doc)
    assert found[("d-02", "d-01", "contrasts")].basis == "discourse:but"
    assert not [k for k in found if "d-03" in k]


# Linking from compact records


def test_a_layout_of_each_text_stands_in_for_the_text(seed_build, rules):
    """The build keeps what discourse linking reads of a text, not the text, and hands
    link() its claims one at a time."""
    _out, amap = seed_build
    claims = amap.claim_list
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    layouts = {
        doc_id: document_layout(text, [c for c in claims if c.doc_id == doc_id])
        for doc_id, text in texts.items()
    }
    with_texts = link(claims, rules, texts=texts)
    with_layouts = link(iter(claims), rules, layouts=layouts)
    assert with_layouts.relations == with_texts.relations == amap.relations
    assert with_layouts.overlaps == with_texts.overlaps
    # the layout matters: without it, paragraphs and cue sentences are not seen
    assert link(claims, rules).relations != with_texts.relations


def test_claims_taken_a_document_at_a_time_link_as_all_at_once(seed_build, rules):
    """What a build does while its documents are processed: the same linkage."""
    _out, amap = seed_build
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    linker = Linker(rules)
    for doc in amap.documents:
        linker.add(c for c in amap.claim_list if c.doc_id == doc.doc_id)
    doc_ids = [d.doc_id for d in amap.documents]
    linkage = linker.finish(texts=texts, doc_ids=doc_ids)
    assert linkage.relations == amap.relations
    assert linkage == link(amap.claim_list, rules, texts=texts, doc_ids=doc_ids)


def test_claims_taken_with_their_features_link_as_claims_alone(seed_build, rules):
    """Features found where the claims are extracted (and kept in the cache) stand in for
    reading each claim again: the same records, signatures and linkage."""
    _out, amap = seed_build
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    plain, featured = Linker(rules), Linker(rules)
    plain.add(amap.claim_list)
    cues = CueMatcher(rules)
    found = [claim_features(c, cues) for c in amap.claim_list]
    assert any(f.cue for f in found) and any(f.pronoun for f in found)
    # as the cache keeps them: JSON arrays
    featured.add(amap.claim_list, (ClaimFeatures(*f) for f in json.loads(json.dumps(found))))
    assert featured.signatures == [signature(c) for c in amap.claim_list]
    assert [r.cue for r in featured.records] == [cues(c.text) for c in amap.claim_list]
    assert featured.records == plain.records
    assert featured.signatures == plain.signatures
    doc_ids = [d.doc_id for d in amap.documents]
    linkage = featured.finish(texts=texts, doc_ids=doc_ids)
    assert linkage == plain.finish(texts=texts, doc_ids=doc_ids)
    assert linkage.relations == amap.relations


def test_a_feature_cue_of_a_rule_not_in_force_is_looked_for_again(rules):
    _text, (claim,) = article("d", ("But the FSB is loyal to Putin.", "fsb", "loyal"))
    found = claim_features(claim, CueMatcher(rules))
    assert found.cue is not None and found.cue[1] == "But"
    stale = found._replace(cue=("no-such-rule", "But"))
    plain, featured = Linker(rules), Linker(rules)
    plain.add([claim])
    featured.add([claim], [stale])
    assert featured.records == plain.records


def test_a_gap_lends_its_cue_and_paragraphs_bound_a_unit(rules):
    text, claims = article(
        "d",
        ("The oligarchs are loyal to Putin.", "oligarchs", "loyal"),
        "Indeed, other indicators are now appearing.",
        ("The oligarchs funded his campaign in 2018.", "oligarchs", "loyal"),
        PARAGRAPH,
        ("This is why the oligarchs stay quiet.", "oligarchs", "loyal"),
    )
    layout = document_layout(text, claims)
    assert layout.paragraphs == (0, 0, 1)
    assert layout.gaps == {1: "Indeed, other indicators are now appearing."}
    found = link(claims, rules, layouts={"d": layout}).relations
    assert link(claims, rules, texts={"d": text}).relations == found
    assert ("d-02", "d-01", "discourse:indeed") in {(r.source, r.target, r.basis) for r in found}
