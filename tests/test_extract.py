"""The extractor on hand-made sentences: factions, stance, certainty, source, units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import argmap
from argmap.clean import split_blocks
from argmap.errors import RuleFileError
from argmap.extract import Extractor
from argmap.rules import RuleSet
from argmap.segment import split_sentences

from .conftest import GOLD, RAW


@pytest.fixture(scope="module")
def extract(nlp, rules):
    extractor = Extractor(nlp, rules)

    def run(text: str):
        blocks = split_blocks(text, rules)
        sentences = split_sentences(blocks, nlp)
        return extractor.extract("t", text, blocks, sentences)

    return run


def one(extract, text):
    claims = extract(text)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


def labels(extract, text):
    """The factions and stance of the one claim of ``text``."""
    claim = one(extract, text)
    return claim.factions, claim.stance


@pytest.mark.parametrize(
    "text, factions",
    [
        ("The oligarchs are unhappy with the war.", ["oligarchs"]),
        ("Several tycoons have quietly moved their money abroad.", ["oligarchs"]),
        ("Deripaska criticised the war in a post.", ["oligarchs"]),
        ("The siloviki are closing ranks.", ["siloviki"]),
        ("The silovarchs have profited from the war.", ["oligarchs", "siloviki"]),
        ("The Federal Security Bureau is said to be furious.", ["fsb"]),
        ("His ex-KGB colleagues no longer trust him.", ["fsb"]),
        ("Bortnikov has kept a low profile.", ["fsb"]),
        ("Shoigu was sidelined last week.", ["military"]),
        ("The generals are worried about the losses.", ["military"]),
        ("Rosgvardia units were deployed to the capital.", ["military"]),
        ("Kremlin insiders doubt the official line.", ["elites"]),
        ("Mishustin has stayed silent.", ["elites"]),
        ("The apparatchiks have fallen into line.", ["elites"]),
        ("Russia's spymasters are furious.", ["fsb"]),
        ("State security officers are furious.", ["fsb"]),  # not also the army's officers
        ("Rosneft chief Igor Sechin is furious.", ["oligarchs", "siloviki"]),
        # one of them: a general, a colonel, a soldier, a commander of a unit
        ("A senior general was detained on Tuesday.", ["military"]),
        ("The general, who led the assault on Bakhmut, was dismissed.", ["military"]),
        ("A lieutenant general was arrested.", ["military"]),
        ("Several colonels have been arrested.", ["military"]),
        ("A soldier refused to fight.", ["military"]),
        ("A battalion commander was detained.", ["military"]),
        ("Putin's henchmen are plotting against him.", ["elites"]),
        ("The men around Putin are growing nervous.", ["elites"]),
        ("Regional governors are growing nervous.", ["elites"]),
        ("Energy bosses have grown nervous.", ["oligarchs"]),
        ("The Black Sea Fleet has lost a third of its warships.", ["military"]),
        ("The fortunes of Russia's metals barons have swelled.", ["oligarchs"]),
        ("The securocrats have tightened their grip.", ["siloviki"]),
        ("The Kremlin's power brokers have closed ranks.", ["elites"]),
        ("Spetsnaz units were sent to Kursk.", ["military"]),
        ("Kerimov has kept quiet about the war.", ["oligarchs"]),
        ("The force ministries have kept quiet.", ["siloviki"]),
        ("The milbloggers are furious.", ["military"]),
        ("Lt Gen Ivan Popov was arrested.", ["military"]),
        ("The political class has kept quiet.", ["elites"]),
        ("Chris Miller says the generals are loyal.", ["military"]),  # not Alexei Miller
    ],
)
def test_faction_lexicon(extract, text, factions):
    assert one(extract, text).factions == factions


@pytest.mark.parametrize(
    "text",
    [
        "The war entered its second year.",
        "The special military operation continued in the east.",
        "Whose side is the FSB on?",
        "15,000 protesters have been detained.",
        # an occasion says where: 'in a speech to the generals' is no claim about them
        "In a speech to the generals, Putin praised the economy.",
        "At a meeting with the oligarchs in March, Putin spoke about taxes.",
        # 'general' the adjective
        "The general public has been detained in large numbers.",
        "In general, protesters have been arrested.",
        "Putin, the commander-in-chief, was furious.",
    ],
)
def test_no_claim(extract, text):
    assert extract(text + "\n") == []


@pytest.mark.parametrize(
    "text, stance",
    [
        ("The army in Russia has historically resisted coups.", "loyal"),
        ("The elite currently see no alternative to his reign.", "loyal"),
        (
            "It seemed that the security services were not totally supportive of their leader.",
            "disloyal",
        ),
        ("The generals might not be the obvious instigators of a coup.", "loyal"),
        ("The oligarchs could present an ultimatum to persuade him to step down.", "disloyal"),
        ("Putin placed the head of the FSB under house arrest.", "targeted"),
        ("Putin began quietly blaming the security services.", "targeted"),
        ("The officers who were ousted came from the FSB.", "targeted"),
        ("The West has seized the oligarchs' yachts.", "neutral"),
        ("Russian military casualties are increasing.", "neutral"),
        ("The oligarchs support a coup.", "disloyal"),
        ("The oligarchs relied on his approval to accumulate assets.", "loyal"),
        ("The oligarchs are no doubt unhappy with the ruin of the economy.", "disloyal"),
        ("Putin is a creature of the security services, but tensions are surfacing.", "disloyal"),
        ("Although the generals doubt the plan, they stay fully behind Putin.", "loyal"),
    ],
)
def test_stance(extract, text, stance):
    assert one(extract, text).stance == stance


@pytest.mark.parametrize(
    "text, certainty",
    [
        ("The FSB might be able to oust Putin.", "hedged"),
        ("The generals are said to be gravely concerned.", "hedged"),
        ("It is possible that the elites lose faith.", "hedged"),
        ("I think that the intelligence community is angry.", "hedged"),
        ("The military should thus be fully behind the operation.", "hedged"),
        ("The oligarchs have a lot to lose, despite how sanctions may affect them.", "asserted"),
        ("The elite continues to show great cohesion around the president.", "asserted"),
        ("The Russian elite needs to become divided.", "asserted"),
        # 'May' the month is no modal; a wish is no guess
        ("Shoigu was replaced as defence minister in May 2024.", "asserted"),
        ("Many in the elite privately wish Putin would step down.", "asserted"),
        ("Most of the elite would rather keep their heads down.", "asserted"),
        ("Observers have long hoped that the military would turn against Putin.", "asserted"),
        ("The generals must have known about the plot.", "hedged"),
        ("The elite must be given guarantees.", "asserted"),
        # a relative clause's hedge is a side clause's, unless it holds the stance
        ("After the mutiny, Putin purged commanders who were suspected of disloyalty.", "asserted"),
        ("The oligarchs, who reportedly lost billions, remain loyal to Putin.", "asserted"),
        ("There are generals who may turn against Putin.", "hedged"),
        # what they fear is no guess of the author's
        ("The generals fear that a ceasefire would be seen as a defeat.", "asserted"),
        ("The oligarchs are worried that the war could last for years.", "asserted"),
        ("The Kremlin fears that the elites could split.", "hedged"),  # a possibility for them
        ("It remains to be seen whether the elites will stay loyal.", "hedged"),
        ("The generals must be furious.", "hedged"),  # a guess; 'must be given' prescribes
        ("It must be clear to the generals that the war is lost.", "asserted"),
        ("The oligarchs are set to lose billions more.", "hedged"),  # a forecast
        ("In all likelihood, the army will stay loyal.", "hedged"),
        ("The generals set out to win the war.", "asserted"),
        # a prediction under a condition
        ("As long as the war continues, the elite will remain loyal.", "hedged"),
        ("The elite remained loyal as long as the money flowed.", "asserted"),
        ("The elites will almost certainly remain loyal.", "hedged"),
        ("It is not hard to imagine the generals turning on Putin.", "hedged"),
        ("The elite has begun to imagine a Russia without Putin.", "asserted"),
        # a report whose author is named is its author's word
        ("A report by the Carnegie Endowment concluded that the elite is cohesive.", "asserted"),
        ("Reports suggest that the elite is cohesive.", "hedged"),
        ("It is understood that the generals are furious.", "hedged"),
        ("A purge of the generals is on the cards.", "hedged"),
        ("The FSB was given new powers to detain suspects.", "asserted"),
        ("The FSB is suspected of plotting.", "hedged"),
        ("A coup by the security services cannot be ruled out.", "hedged"),
        # a hedge on a description of the faction is none on the claim
        ("Sergei Chemezov, perhaps the archetypal silovarch, enjoys Putin's trust.", "asserted"),
    ],
)
def test_certainty(extract, text, certainty):
    assert one(extract, text).certainty == certainty


@pytest.mark.parametrize(
    "text, source",
    [
        (
            "Russian security expert Andrei Soldatov said the siloviki are restless.",
            "Andrei Soldatov",
        ),
        ("According to the Daily Mirror, the FSB has contacted the generals.", "the Daily Mirror"),
        (
            "The siloviki are working with the FSB to oust him, reports the Daily Mirror.",
            "the Daily Mirror",
        ),
        ("Experts have claimed that the elites are losing faith.", "Experts"),
        ("The generals are said to be worried.", None),
        ("The elites may conclude that Putin has become a liability.", None),  # nobody said it
        ("Technocrats such as Nabiullina argued against the invasion.", None),  # a deed
        ("Few in the elite believe the war can still be won.", None),  # nobody in particular
        # a document's author; 'in the words of'; a name of a body, not a person's affiliation
        (
            "The generals are deeply unhappy, according to a report by the Institute for the "
            "Study of War.",
            "the Institute for the Study of War",
        ),
        (
            'The siloviki, in the words of one insider, "are running the country now."',
            "one insider",
        ),
        (
            '"The elite is paralysed by fear," said Andrei Kolesnikov of the Carnegie Russia '
            "Eurasia Center.",
            "Andrei Kolesnikov",
        ),
        ("The generals denied that they were planning a coup.", "The generals"),
        ("Sources close to the Kremlin told Meduza that the FSB is furious with Putin.", "Meduza"),
        (
            "“The generals are furious,” said Tatiana Stanovaya, a political analyst.",
            "Tatiana Stanovaya",
        ),
        (
            "The oligarchs are furious, according to people familiar with the matter.",
            "people familiar with the matter",
        ),
        # a title and the name after it; a subject after its verb
        (
            "The generals would side with the Kremlin, the analyst Irina Sokolova said.",
            "the analyst Irina Sokolova",
        ),
        (
            "The elites are loyal, according to the independent outlet Verstka.",
            "the independent outlet Verstka",
        ),
        (
            "As the political scientist Kirill Demin has argued, the elite sees no alternative.",
            "the political scientist Kirill Demin",
        ),
        (
            "Bortnikov's FSB, writes the journalist Yulia Krasnova, is the backbone of the regime.",
            "Yulia Krasnova",
        ),
        ("The oligarchs will not dare to challenge Putin, analysts agree.", "analysts"),
        ("Reports suggest that the generals are furious.", None),
        ("A steady trickle of resignations suggests that the technocrats are unhappy.", None),
        (
            "According to letters published by the independent outlet Important Stories, the "
            "officers are angry.",
            "the independent outlet Important Stories",
        ),
        ("Russia's billionaires, in the phrase of one banker, are courtiers.", "one banker"),
        ("In the view of Tatiana Stanovaya, the siloviki are loyal.", "Tatiana Stanovaya"),
        ("In Stanovaya's view, the siloviki have never been stronger.", "Stanovaya"),
        ("According to reports, the generals are furious.", None),
        ("According to Russian media reports, the generals are furious.", "Russian media reports"),
        (
            "A report by the Carnegie Endowment concluded that the elite is cohesive.",
            "the Carnegie Endowment",
        ),
        (
            "“The generals would be glad to see him go,” claimed a former officer who fought in "
            "Ukraine.",
            "a former officer",
        ),
        (
            "The Telegram channel Kremlin Whispers, which boasts of sources inside the "
            "presidential administration, says the generals are furious.",
            "The Telegram channel Kremlin Whispers",
        ),
        ("The EU added ten Russian billionaires to its sanctions list.", None),
        # a work named as its author's, and the author's turns of phrase
        (
            "The jailing put the oligarchs in their place, and it worked, as Gleb Pavlovsky "
            "later admitted.",
            "Gleb Pavlovsky",
        ),
        (
            "Kremlin insiders, as Farida Rustamova puts it, have burned their bridges.",
            "Farida Rustamova",
        ),
        ("In Stanovaya's formulation, the elites are captives of the regime.", "Stanovaya"),
        ("The billionaires held a fortune of $500bn in 2024, by Forbes's count.", "Forbes"),
        (
            "A quarter of Russia's top officials began their careers in uniform, according to "
            "Olga Kryshtanovskaya's classic study.",
            "Olga Kryshtanovskaya",
        ),
        ("Meduza's reporting suggests that the elites are split into clans.", "Meduza"),
        ("As expected, the generals stayed loyal.", None),
        ("The business elite does what the Kremlin tells it to do.", None),
        ("What the state expects from big business is loyalty, Stanovaya says.", "Stanovaya"),
        # the name after a title set off by commas; a day after the verb is no name
        (
            "The generals are loyal, said the head of the Center for Military Studies, "
            "Oleksandr Musiienko, in a comment to RBC-Ukraine.",
            "Oleksandr Musiienko",
        ),
        ("The Kremlin's spokesman, Dmitry Peskov, said the generals were loyal.", "Dmitry Peskov"),
    ],
)
def test_source(extract, text, source):
    found = one(extract, text).source
    assert (found or "").lower() == (source or "").lower()


def test_quotation_runs_over_paragraphs(extract):
    text = (
        "Analyst Jane Roe said: “Does it matter? It matters a lot.\n\n"
        "“This is the first time the siloviki are distancing themselves from the president.\n\n"
        "“He has purged around 150 of his spies.”\n\n"
        "The generals stay loyal.\n"
    )
    claims = extract(text)
    assert [c.source for c in claims] == ["Jane Roe", "Jane Roe", None]


def test_quotation_broken_by_its_attribution_runs_on(extract):
    text = (
        "Mark Galeotti said the siloviki had never been more powerful.\n\n"
        '"The FSB is the regime\'s guard," he said. "Its officers are loyal.\n\n'
        '"Many officers in the army blame the Kremlin."\n\n'
        "The generals stay loyal.\n"
    )
    claims = extract(text)
    assert [c.source for c in claims] == ["Mark Galeotti"] * 4 + [None]


def test_he_is_the_person_named_before_not_the_body_they_work_at(extract):
    text = (
        "Mikhail Orlov, a former officer who works at the Kingsway Institute, said the mood "
        "in the army was grim.\n\n"
        '"The officers are exhausted and bitter," he said.\n'
    )
    assert [c.source for c in extract(text)] == ["Mikhail Orlov", "Mikhail Orlov"]


def test_quotation_broken_by_an_attribution_after_its_verb_runs_on(extract):
    text = (
        "“There is no Bonapartist tradition in the Russian army,” said Dara Massicot, a senior "
        "fellow at the Carnegie Endowment. “The officer corps has always been subordinate to "
        "the civilian leadership.”\n\nThe generals stay loyal.\n"
    )
    claims = extract(text)
    assert [c.source for c in claims] == ["Dara Massicot", "Dara Massicot", None]


def test_a_quotation_after_a_said_on_friday_is_the_speakers(extract):
    text = (
        "Kirill Budanov said on Friday: “No one was happy. The generals are furious.”\n\n"
        'Soldatov said in an interview, "The FSB is nervous. Its officers are afraid."\n'
    )
    assert [c.source for c in extract(text)] == ["Kirill Budanov", "Soldatov", "Soldatov"]


def test_a_day_after_the_verb_is_no_speaker(extract):
    text = (
        "“The elite have doubts,” CIA Director William Burns said Thursday. “The generals are "
        "unhappy.”\n\nBurns said Friday: “The FSB is nervous. Its officers are afraid.”\n"
    )
    assert [(c.source or "").split()[-1] for c in extract(text)] == ["Burns"] * 4


def test_what_follows_the_closing_quote_is_no_longer_the_speakers(extract):
    text = (
        "Andrei Soldatov told Reuters: “The FSB is frightened.” The generals stay loyal.\n\n"
        'Mark Galeotti said: "The FSB is nervous." The oligarchs, however, stay loyal.\n'
    )
    assert [c.source for c in extract(text)] == ["Andrei Soldatov", None, "Mark Galeotti", None]


def test_an_interview_answer_is_its_speakers(extract):
    text = (
        "An interview with political analyst Tatiana Stanovaya\n\n"
        "Meduza: Are the elites still loyal to Putin?\n"
        "Stanovaya: The FSB has never been more powerful. The generals are exhausted.\n"
        "Update: The oligarchs stay loyal.\n"
    )
    claims = extract(text)
    assert [(c.text, c.source) for c in claims] == [
        ("The FSB has never been more powerful.", "Tatiana Stanovaya"),
        ("The generals are exhausted.", "Tatiana Stanovaya"),
        ("The oligarchs stay loyal.", None),  # a label that names nobody in the text
    ]


def test_examples_of_a_group_are_no_antecedent_of_their_own(extract):
    text = (
        "The silovarchs, such as Igor Sechin at Rosneft and Sergei Chemezov at Rostec, are "
        "bound ever more tightly to his fate. For them, a transition would risk prosecution.\n"
    )
    claims = extract(text)
    assert claims[0].stance == "loyal"  # bound to his fate
    assert claims[1].factions == ["oligarchs", "siloviki"]


def test_pronoun_takes_the_faction_before(extract):
    text = (
        "There has been speculation that the oligarchs could oust Putin. "
        "They have a lot to lose. However, some of them could present an ultimatum.\n"
    )
    claims = extract(text)
    assert [c.factions for c in claims] == [["oligarchs"]] * 3
    assert [c.mentions[0].rule for c in claims[1:]] == ["anaphor.they", "anaphor.many-of-them"]


@pytest.mark.parametrize(
    "text, factions",
    [
        # an acronym is a body, which 'it' can take up; 'its officers' are its own
        ("The FSB has never been more powerful. It now controls much of the economy.\n", "fsb"),
        ("The FSB has never been more powerful. Its officers act with impunity.\n", "fsb"),
        ("The FSB is powerful. The army promoted its officers.\n", "military"),
    ],
)
def test_a_body_named_before_is_taken_up(extract, text, factions):
    claims = extract(text)
    assert len(claims) == 2
    assert claims[1].factions == [factions]


def test_a_quantifier_standing_alone_takes_the_faction_before(extract):
    text = (
        "The oligarchs, for their part, have adapted. Some grumble privately about taxes, "
        "but none has broken ranks publicly.\nMany analysts doubt it.\n"
    )
    claims = extract(text)
    assert [(c.factions, c.stance) for c in claims] == [
        (["oligarchs"], "neutral"),
        (["oligarchs"], "loyal"),  # 'none has broken ranks'
    ]  # 'Many analysts' is no subject standing alone
    assert claims[1].mentions[0].rule == "anaphor.some"


def test_a_quantifier_takes_the_faction_before_as_a_passive_subject_too(extract):
    text = (
        "Only a narrow circle of Putin's associates knew of his plans to invade. "
        "Most were shocked when it happened.\n"
    )
    claims = extract(text)
    assert [(c.factions, c.stance) for c in claims] == [
        (["elites"], "neutral"),
        (["elites"], "disloyal"),  # shocked at the invasion
    ]


@pytest.mark.parametrize(
    "text, labels",
    [
        # an object pronoun refers past the subject of its own verb
        (
            "Consider the oligarchs. Sanctions have cut them off from the West, leaving them "
            "more dependent than ever on the Kremlin.\n",
            [(["oligarchs"], "neutral"), (["oligarchs"], "loyal")],
        ),
        # 'the agency' takes up the FSB, and 'its officers' are then the FSB's
        (
            "The FSB failed in Ukraine. Yet the agency has been rewarded with new powers. "
            "Its officers now hunt for traitors.\n",
            [(["fsb"], "neutral"), (["fsb"], "loyal"), (["fsb"], "loyal")],
        ),
        # 'some of them' in a later clause is the sentence's own faction
        (
            "Its commanders have suffered enormous losses, and some of them blame the Kremlin "
            "for the war.\n",
            [(["military"], "disloyal")],
        ),
    ],
)
def test_a_faction_taken_up_again(extract, text, labels):
    assert [(c.factions, c.stance) for c in extract(text)] == labels


def test_pronoun_bound_in_its_own_sentence_is_no_claim(extract):
    text = "An elite coup is possible. These processes take time, and they may be unlikely.\n"
    assert len(extract(text)) == 1


def test_opposite_clauses_are_split(extract):
    text = (
        "The split is between the hardliners who will defend the regime by all means, "
        "and the softliners who doubt and want reforms.\n"
    )
    claims = extract(text)
    assert [(c.stance, c.text[:18]) for c in claims] == [
        ("loyal", "The split is betwe"),
        ("disloyal", "the softliners who"),
    ]


@pytest.mark.parametrize(
    "text, parts",
    [
        (
            "The oligarchs have lost faith in Putin, whereas the security services remain loyal.",
            [(["oligarchs"], "disloyal"), (["fsb"], "loyal")],
        ),
        (
            "While the oligarchs grumble in private, the siloviki remain firmly behind Putin.",
            [(["oligarchs"], "disloyal"), (["siloviki"], "loyal")],
        ),
        # a neutral side is split off where 'but' sets it against the other
        (
            "The army is exhausted, but the FSB remains loyal.",
            [(["military"], "neutral"), (["fsb"], "loyal")],
        ),
        ("The army is exhausted and the FSB remains loyal.", [(["military", "fsb"], "loyal")]),
    ],
)
def test_clauses_about_two_factions(extract, text, parts):
    assert [(c.factions, c.stance) for c in extract(text + "\n")] == parts


def test_glued_words_are_parsed_apart(extract):
    claim = one(
        extract, "Heavy losses among the troops failurescould fuel discontent in the ranks."
    )
    assert claim.certainty == "hedged"


def test_prefilter_parses_faction_sentences_and_the_pronouns_after_them(nlp, rules):
    text = (
        "Will the FSB stay loyal? They have no choice.\n"
        "The FSB is loyal. They have no choice. They never had one.\n"
        "The weather was fine. They went home.\n"
    )
    blocks = split_blocks(text, rules)
    sentences = split_sentences(blocks, nlp)
    parsed = [doc is not None for doc in Extractor(nlp, rules).candidates(sentences)]
    # a question holds no claim and is no antecedent: neither it nor its follower is parsed
    assert parsed == [False, False, True, True, True, False, False]


def test_documents_parsed_together_give_the_claims_of_each_alone(nlp, rules):
    extractor = Extractor(nlp, rules)
    documents = []
    for path in sorted(RAW.iterdir()):
        text = path.read_text(encoding="utf-8")
        blocks = split_blocks(text, rules)
        documents.append((path.stem, text, blocks, split_sentences(blocks, nlp)))
    documents.append(("empty", "", [], []))
    together = extractor.extract_many(documents)
    alone = [extractor.extract(*d) for d in documents]
    assert together == alone
    assert [len(c) > 5 for c in together] == [True] * 5 + [False]


def test_the_integer_tree_agrees_with_spacys_tokens(nlp, rules):
    """The clause of every token, taken from integer arrays, is the one its heads lead to."""
    from argmap.extract import CLAUSE_DEPS, _tree

    def _clause_head(token):  # type: ignore[no-untyped-def]
        """The clause head found by climbing spaCy's tokens, as the table's reference."""
        t = token
        while t.dep_ not in CLAUSE_DEPS or (t.dep_ == "conj" and t.pos_ not in {"VERB", "AUX"}):
            if t.head.i == t.i:
                return t
            t = t.head
        return t

    extractor = Extractor(nlp, rules)
    sentences = []
    for path in sorted(RAW.iterdir()):
        blocks = split_blocks(path.read_text(encoding="utf-8"), rules)
        sentences.extend(split_sentences(blocks, nlp))
    docs = list(extractor.parser.pipe(s.text for s in sentences[:400]))
    compared = 0
    for doc in docs:
        tree = _tree(doc)
        assert tree.clause_of == [_clause_head(t).i for t in doc]
        assert tree.scoping == [t.dep_ in {"advcl", "prep", "relcl", "acl", "conj"} for t in doc]
        assert tree.roots == [t.i for t in doc if t.dep_ == "ROOT"]
        compared += sum(1 for t in doc if _clause_head(t).i != t.i)
    assert compared > 1000  # most tokens climb to a clause above them


def test_every_decision_names_its_rules(extract):
    claim = one(extract, "The FSB is said to be plotting a coup.")
    assert "fsb.fsb" in claim.rules
    assert any(r.startswith("disloyal.") for r in claim.rules)
    assert "hedge.said-to" in claim.rules
    assert "coup" in claim.cues


def test_taxonomy_file_adds_a_faction(tmp_path):
    taxonomy = tmp_path / "clergy.jsonl"
    taxonomy.write_text(
        json.dumps(
            {
                "id": "clergy.terms",
                "type": "faction",
                "label": "clergy",
                "terms": ["Orthodox bishop", "bishops"],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    article = tmp_path / "a.txt"
    article.write_text("Several Orthodox bishops are said to doubt the war.\n", encoding="utf-8")
    amap = argmap.build([article], taxonomy=taxonomy)
    assert [c.factions for c in amap.claim_list] == [["clergy"]]
    assert amap.claim_list[0].stance == "disloyal"


def test_taxonomy_can_disable_a_default_rule(tmp_path):
    taxonomy = tmp_path / "t.jsonl"
    taxonomy.write_text('{"id": "military.forces", "type": "disable"}\n', encoding="utf-8")
    rules = RuleSet.load(taxonomy)
    assert rules.by_id("military.forces") is None


@pytest.mark.parametrize(
    "line, message",
    [
        (
            '{"id": "x", "type": "faction", "label": "Bad Label", "terms": ["a"]}',
            "line 1|:1: rule x: field",
        ),
        ('{"id": "x", "type": "stance", "label": "angry", "terms": ["a"]}', ":1: rule x"),
        ('{"id": "x", "type": "faction", "label": "a"}', ":1: rule x"),
        ("{not json", ":1: not valid JSON"),
        ('{"id": "x", "type": "dateline", "label": "byline", "terms": ["a"]}', "needs a regex"),
        ('{"id": "x", "type": "dateline", "label": "body", "regex": "^[A-Z]+ — "}', "label"),
        ('{"id": "x", "type": "dateline", "label": "byline", "regex": "^[A-Z"}', "compile"),
        (
            '{"id": "x", "type": "faction", "label": "a", "terms": ["a"], "colour": 1}',
            "field colour",
        ),
    ],
)
def test_bad_taxonomy_names_file_line_and_field(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=str(path.name)) as err:
        RuleSet.load(path)
    assert any(part in str(err.value) for part in message.split("|"))


def test_a_lemma_of_several_words_is_an_error_that_names_the_rule(tmp_path, nlp):
    path = tmp_path / "mine.jsonl"
    rule = {"id": "loyal.mine", "type": "stance", "label": "loyal", "lemmas": ["power base"]}
    path.write_text(json.dumps(rule) + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="rule loyal.mine: field lemmas: 'power base' is 2"):
        RuleSet.load(path).matcher(nlp, "stance")


def test_the_power_base_of_the_regime_is_loyal(extract):
    claim = one(extract, "The siloviki remain Putin's power base.")
    assert (claim.stance, "loyal.lexicon-phrases" in claim.rules) == ("loyal", True)


def gold_claim(claim_id):
    for line in (GOLD / "seeds.claims.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["id"] == claim_id:
            return rec
    raise KeyError(claim_id)


def predicted_for(seed_build, claim_id):
    _, amap = seed_build
    rec = gold_claim(claim_id)
    text = (RAW / f"{rec['doc_id']}.txt").read_text(encoding="utf-8")
    start = text.index(rec["text"])
    end = start + len(rec["text"])
    for c in amap.claim_list:
        if c.doc_id == rec["doc_id"] and min(c.end, end) - max(c.start, start) > 0:
            return c, rec
    return None, rec


@pytest.mark.xfail(
    strict=True, reason="the scraper dropped the verb ('has historically — largely due to')"
)
def test_known_miss_defective_sentence(seed_build):
    claim, rec = predicted_for(seed_build, "001-14")
    assert claim is not None and claim.stance == rec["stance"]


@pytest.mark.xfail(
    strict=True,
    reason="'the room' is the Security Council two sentences back: beyond pronoun rules",
)
def test_known_miss_the_room(seed_build):
    claim, rec = predicted_for(seed_build, "002-12")
    assert claim is not None and claim.factions == rec["factions"]


@pytest.mark.xfail(strict=True, reason="'Such bravado' refers back through a noun, not a pronoun")
def test_known_miss_such_bravado(seed_build):
    claim, _ = predicted_for(seed_build, "002-17")
    assert claim is not None


@pytest.mark.xfail(
    strict=True,
    reason="'Several potential sources exist' takes its stance from the question before it",
)
def test_known_miss_answer_to_a_question(seed_build):
    claim, rec = predicted_for(seed_build, "000-09")
    assert claim is not None and claim.stance == rec["stance"]


@pytest.mark.xfail(strict=True, reason="'house arrest' is missing from the scraped 001 text")
def test_known_miss_missing_object(seed_build):
    claim, rec = predicted_for(seed_build, "001-18")
    assert claim is not None and claim.stance == rec["stance"]


def test_seed_claims_are_declarative_body_sentences(seed_build):
    _, amap = seed_build
    for claim in amap.claim_list:
        assert not claim.text.rstrip("”\"’'").endswith("?")
        assert "Photo" not in claim.text and "See also" not in claim.text


def test_data_files_are_documented():
    readme = (Path(argmap.__file__).parent / "data" / "README.md").read_text(encoding="utf-8")
    for rule_type in (
        "faction",
        "stance",
        "hedge",
        "reporting",
        "anaphor",
        "discourse",
        "boilerplate",
        "dateline",
        "glue",
    ):
        assert f"`{rule_type}`" in readme


@pytest.mark.parametrize(
    "text, factions, stance",
    [
        ("Putin's cronies have quietly moved their fortunes to Dubai.", ["elites"], "neutral"),
        ("Defence minister Sergei Shoigu was removed from his post.", ["military"], "targeted"),
        ("The spy chief has fallen out with Putin.", ["fsb"], "disloyal"),
        ("Wagner fighters began to march on Moscow.", ["military"], "disloyal"),
        ("The business elite have closed ranks behind the president.", ["oligarchs"], "loyal"),
        ("Several oligarchs were charged with tax evasion.", ["oligarchs"], "targeted"),
        ("Ukraine's allies pledged more weapons.", [], None),
        ("The foreign ministers of the G7 agreed new sanctions.", [], None),
        ("EU foreign ministers agreed new sanctions on Russia.", [], None),
        ("The top brass openly questioned the leadership.", ["military"], "disloyal"),
        ("The military high command is in no position to stage a coup.", ["military"], "neutral"),
        ("A dozen senior defence officials have been arrested.", ["military"], "targeted"),
        (
            "The National Guard was created to protect the regime from a coup.",
            ["military"],
            "loyal",
        ),
        ("The mutiny exposed deep rifts within the military.", ["military"], "disloyal"),
        ("The FSB exposed a plot against the president.", ["fsb"], "loyal"),
        ("The business elite has become docile and subservient.", ["oligarchs"], "loyal"),
        ("The security elite is firmly behind Putin.", ["siloviki"], "loyal"),
        (
            "MOSCOW (AP) — The oligarchs have shown no sign of breaking with Putin.",
            ["oligarchs"],
            "loyal",
        ),
        # what governs the clause about the faction denies it
        ("Observers doubt that the elite would dare to challenge Putin.", ["elites"], "loyal"),
        ("It is unlikely that the army would revolt against the Kremlin.", ["military"], "loyal"),
        ("It is doubtful whether the FSB would stay loyal to Putin.", ["fsb"], "disloyal"),
        ("Few analysts believe the generals would turn against Putin.", ["military"], "loyal"),
        ("Nobody expects the oligarchs to abandon Putin.", ["oligarchs"], "loyal"),
        ("No analyst thinks the siloviki will break with Putin.", ["siloviki"], "loyal"),
        # doubt negates what it governs, and no doubt is no negation
        ("Analysts doubt the loyalty of the security services.", ["fsb"], "disloyal"),
        ("There is no doubt about the loyalty of the FSB.", ["fsb"], "loyal"),
        # few says nobody, a few does not
        ("Few oligarchs have dared to criticise Putin.", ["oligarchs"], "loyal"),
        ("A few generals have openly criticised the war.", ["military"], "disloyal"),
        # nothing denies these
        ("Many believe the FSB would betray Putin.", ["fsb"], "disloyal"),
        ("The generals doubt that the war can be won.", ["military"], "disloyal"),
        ("Analysts believe the generals could turn against Putin.", ["military"], "disloyal"),
        # falling in line, orders, the regime's favour
        ("Russia's business elite has largely fallen in line.", ["oligarchs"], "loyal"),
        ("The security services toe the Kremlin line.", ["fsb"], "loyal"),
        ("The army has always carried out the Kremlin's orders.", ["military"], "loyal"),
        ("Officers in the army have refused to carry out orders.", ["military"], "disloyal"),
        ("Members of the elite have begun to hedge their bets.", ["elites"], "disloyal"),
        # the regime's favour is loyal; the faction's own promoting is no stance
        ("Putin rewarded the generals with promotions and medals.", ["military"], "loyal"),
        ("The oligarchs were rewarded with lucrative state contracts.", ["oligarchs"], "loyal"),
        ("The generals promoted the war on state television.", ["military"], "neutral"),
        # what the faction has (no) reason, intention or will to do
        (
            "Mark Galeotti argues that the siloviki have no reason to move against Putin.",
            ["siloviki"],
            "loyal",
        ),
        ("The generals have every reason to stay loyal to Putin.", ["military"], "loyal"),
        ("The army lacks the will to stage a coup.", ["military"], "loyal"),
        ("The regime lacks support among the business elite.", ["oligarchs"], "disloyal"),
        (
            "The siloviki are believed to be growing impatient with the war.",
            ["siloviki"],
            "disloyal",
        ),
        ("Analysts say the military command is deeply fractured.", ["military"], "disloyal"),
        # who says it is not what it is about
        (
            "According to a Kremlin insider, the generals have lost faith in Putin.",
            ["military"],
            "disloyal",
        ),
        ("Kremlin insiders say the generals have lost faith in Putin.", ["military"], "disloyal"),
        ("The generals say they remain loyal to Putin.", ["military"], "loyal"),
        # criticism, division, unease, trust
        ("Pro-war bloggers are increasingly critical of the generals.", ["military"], "disloyal"),
        ("The Kremlin elite is split between hawks and pragmatists.", ["elites"], "disloyal"),
        ("The oligarchs are increasingly nervous about the future.", ["oligarchs"], "disloyal"),
        ("Several generals have been quietly forced to retire.", ["military"], "targeted"),
        ("The oligarchs have been cowed into silence.", ["oligarchs"], "targeted"),
        ("The siloviki see Putin as the guarantor of their wealth.", ["siloviki"], "loyal"),
        ("The FSB is Putin's most trusted instrument of power.", ["fsb"], "loyal"),
        # the noun says where the elite divides, not that it turns
        (
            "The split is between the hardliners who will defend the regime and the rest.",
            ["elites"],
            "loyal",
        ),
        # a faction named only in a time phrase adds no label, and its cue does not count
        (
            "After the Wagner mutiny, Putin purged several senior commanders.",
            ["military"],
            "targeted",
        ),
        ("After the Wagner mutiny, Putin tightened his grip on the regions.", [], None),
        (
            "Still, there is little evidence that the officer corps as a whole is disloyal.",
            ["military"],
            "loyal",
        ),
        ("The oligarchs have nowhere else to go.", ["oligarchs"], "loyal"),
        # armed formations, old friends, criminal cases
        ("Kadyrov's forces have pledged their loyalty to Putin.", ["military"], "loyal"),
        ("The defence establishment is deeply unhappy with the war.", ["military"], "disloyal"),
        ("Former KGB officers occupy most key posts.", ["fsb"], "neutral"),
        ("Putin's old friends from St Petersburg have stayed loyal.", ["elites"], "loyal"),
        (
            "The Investigative Committee has opened a criminal case against several generals.",
            ["siloviki", "military"],
            "targeted",
        ),
        # a loyal word turns disloyal over what it backs, not what it is kept from
        ("The generals have nothing to gain from a coup.", ["military"], "loyal"),
        ("The oligarchs have a lot to lose from a coup.", ["oligarchs"], "loyal"),
        ("Some officers openly backed the mutiny.", ["military"], "disloyal"),
        ("There was broad support for the coup among the officers.", ["military"], "disloyal"),
        ("The business elite, once influential, has been marginalised.", ["oligarchs"], "targeted"),
        # a way out
        (
            "If the economy falters, the oligarchs might start looking for a way out.",
            ["oligarchs"],
            "disloyal",
        ),
        ("The generals are searching for an exit.", ["military"], "disloyal"),
        ("The FSB found a way to silence its critics.", ["fsb"], "neutral"),
        # the people of another faction's body are that faction's
        ("Several officers of the Fifth Service were arrested.", ["fsb"], "targeted"),
        ("Officers of the National Guard were deployed.", ["military"], "neutral"),
        ("The FSB has purged dozens of its officers.", ["fsb"], "neutral"),
        ("The army promoted its officers.", ["military"], "neutral"),
        ("Many officers privately sympathise with Prigozhin.", ["military"], "disloyal"),
        ("Some oligarchs have sided with Ukraine.", ["oligarchs"], "disloyal"),
        ("The National Guard answers directly to Putin.", ["military"], "loyal"),
        ("Russia's elite paratroopers suffered heavy losses near Kyiv.", ["military"], "neutral"),
        ("Elite units of the National Guard were sent to Moscow.", ["military"], "neutral"),
        ("Elite discontent with the war is growing.", ["elites"], "disloyal"),
        ("The FSB misled Putin about Ukraine.", ["fsb"], "disloyal"),
        (
            "Prosecutors have charged a former deputy defence minister with embezzlement.",
            ["military"],
            "targeted",
        ),
        ("Putin publicly reprimanded his spy chief Naryshkin.", ["fsb"], "targeted"),
        ("The FSB is Putin's most reliable instrument of control.", ["fsb"], "loyal"),
        ("The elites remain firmly in Putin's camp.", ["elites"], "loyal"),
        (
            "The siloviki are increasingly at odds with the technocrats.",
            ["siloviki", "elites"],
            "disloyal",
        ),
        ("The Kremlin fears that the elites could split.", ["elites"], "disloyal"),
        (
            "If Putin can no longer protect them, the siloviki may look elsewhere.",
            ["siloviki"],
            "disloyal",
        ),
        # what wears loyalty away
        ("A prolonged war could erode the loyalty of the armed forces.", ["military"], "disloyal"),
        ("Support for Putin among the oligarchs is waning.", ["oligarchs"], "disloyal"),
        ("The generals remain loyal.", ["military"], "loyal"),
        # hardly any: 'little' on the noun, also after 'there is'
        ("The siloviki have little appetite for a coup.", ["siloviki"], "loyal"),
        (
            "There is little appetite among the siloviki for a change of leadership.",
            ["siloviki"],
            "loyal",
        ),
        ("There is no appetite among the generals for a coup.", ["military"], "loyal"),
        ("There is a little discontent among the generals.", ["military"], "disloyal"),
        ("The security services have shown no signs of wavering.", ["fsb"], "loyal"),
        # sides, the war's end, the Kremlin's guard, favour
        ("The oligarchs could be tempted to switch sides.", ["oligarchs"], "disloyal"),
        ("Putin has switched allegiance to the military.", ["military"], "loyal"),
        ("Several tycoons have publicly called for an end to the war.", ["oligarchs"], "disloyal"),
        ("Rosgvardia troops were deployed to guard the Kremlin.", ["military"], "loyal"),
        ("The Kremlin has showered the security services with privileges.", ["fsb"], "loyal"),
        ("Putin surrounded himself with former KGB colleagues he trusts.", ["fsb"], "loyal"),
        # a message's content is its authors' stance
        (
            "Retired officers published an open letter demanding Putin's resignation.",
            ["military"],
            "disloyal",
        ),
        # repression the faction calls for is not done to it
        ("The siloviki are pushing for harsher repression.", ["siloviki"], "neutral"),
        ("The FSB led the purge.", ["fsb"], "neutral"),
        ("The oligarchs face a new purge.", ["oligarchs"], "targeted"),
        # the faction that blames or mocks is not the one blamed
        ("Many generals blame the Kremlin for the army's failures.", ["military"], "disloyal"),
        ("The FSB was blamed for the intelligence failures.", ["fsb"], "targeted"),
        ("Some in the military openly mocked the defence minister.", ["military"], "disloyal"),
        # more of the lexicon
        (
            "Several billionaires have renounced their Russian citizenship.",
            ["oligarchs"],
            "disloyal",
        ),
        ("There are no signs of a split within the Russian elite.", ["elites"], "loyal"),
        ("The generals have been kept on a short leash.", ["military"], "targeted"),
        ("The oligarchs have largely acquiesced to the Kremlin's demands.", ["oligarchs"], "loyal"),
        ("The oligarchs bowed to the Kremlin.", ["oligarchs"], "loyal"),
        (
            "Members of the elite are increasingly pessimistic about the war.",
            ["elites"],
            "disloyal",
        ),
        ("The army leadership is firmly under the Kremlin's control.", ["military"], "loyal"),
        (
            "The Russian elite has no appetite for confrontation with the Kremlin.",
            ["elites"],
            "loyal",
        ),
        ("The elites may conclude that Putin has become a liability.", ["elites"], "disloyal"),
        ("The Kremlin's grip on the security services has never been tighter.", ["fsb"], "loyal"),
        (
            "Russia's wealthiest men have lost billions since the invasion.",
            ["oligarchs"],
            "neutral",
        ),
        ("Sechin remains loyal to Putin.", ["oligarchs", "siloviki"], "loyal"),
        # faith in Putin, kept or lost; a threat to his rule
        ("The generals still have faith in Putin.", ["military"], "loyal"),
        ("The oligarchs have lost confidence in Putin.", ["oligarchs"], "disloyal"),
        ("The elite's confidence in his leadership is eroding.", ["elites"], "disloyal"),
        ("Russian generals see themselves as servants of the state.", ["military"], "loyal"),
        ("The generals could threaten Putin's rule.", ["military"], "disloyal"),
        (
            "If the war goes badly, the army could become a source of instability.",
            ["military"],
            "disloyal",
        ),
        # what a copula says the faction is; fates that befall their subject
        ("The FSB is the one institution that could remove him.", ["fsb"], "disloyal"),
        ("Six Russian tycoons have died in mysterious circumstances.", ["oligarchs"], "targeted"),
        ("The FSB arrested dozens of officials.", ["fsb"], "neutral"),
        ("Putin faces a revolt from within his own spy agency.", ["fsb"], "disloyal"),
        ("The oligarchs are fed up with the war.", ["oligarchs"], "disloyal"),
        ("Technocrats such as Nabiullina argued against the invasion.", ["elites"], "disloyal"),
        (
            "Many Wagner commanders still harbour a grudge against the defence ministry.",
            ["military"],
            "disloyal",
        ),
        (
            "The business community has quietly urged the Kremlin to end the war.",
            ["oligarchs"],
            "disloyal",
        ),
        ("The Kremlin has lost control over parts of the security services.", ["fsb"], "disloyal"),
        ("Some in the elite see Putin as an obstacle to peace.", ["elites"], "disloyal"),
        ("Several cabinet ministers have been arrested.", ["elites"], "targeted"),
        ("The Minister of Education was recently replaced.", ["elites"], "targeted"),
        ("Defence Minister Sergei Shoigu was removed in May.", ["military"], "targeted"),
        ("Several powerful business empires have been nationalised.", ["oligarchs"], "targeted"),
        ("The president's chief of staff was dismissed.", ["elites"], "targeted"),
        ("The generals who opposed the invasion were quietly retired.", ["military"], "targeted"),
        ("Several generals retired last year.", ["military"], "neutral"),
        ("Few in the security services would dare to cross Putin.", ["fsb"], "loyal"),
        ("Russian soldiers have been refusing to fight.", ["military"], "disloyal"),
        ("Putin is said to distrust the military leadership.", ["military"], "disloyal"),
        (
            "Russia's richest businessmen have been forced to contribute to the war effort.",
            ["oligarchs"],
            "targeted",
        ),
        ("The presidential administration fears the generals.", ["military", "elites"], "neutral"),
        # acquiescence and favour; exit; war-weariness
        ("Oligarchs stayed silent when the war began.", ["oligarchs"], "loyal"),
        ("The FSB continues to enjoy Putin's full confidence.", ["fsb"], "loyal"),
        ("Some of the tycoons have quietly donated to the war effort.", ["oligarchs"], "loyal"),
        ("The oligarchs would lose their fortunes if they turned on him.", ["oligarchs"], "loyal"),
        ("The oligarchs have lost their businesses to sanctions.", ["oligarchs"], "neutral"),
        (
            "Several prominent businessmen have fled Russia since the invasion.",
            ["oligarchs"],
            "disloyal",
        ),
        ("Many members of the elite are war-weary.", ["elites"], "disloyal"),
        # loyalty worn away by a second verb of its clause; denial; a purpose under 'not'
        (
            "The elite's loyalty is transactional and could evaporate quickly.",
            ["elites"],
            "disloyal",
        ),
        ("The generals rejected calls to resign.", ["military"], "loyal"),
        ("The oligarchs would not risk their fortunes to challenge Putin.", ["oligarchs"], "loyal"),
        (
            "Few in the security services would risk their careers to challenge him.",
            ["fsb"],
            "loyal",
        ),
        # the country that expels acts from outside the regime
        ("Russian spies have been expelled from Britain.", ["fsb"], "neutral"),
        ("Several spies have been expelled from the FSB.", ["fsb"], "targeted"),
        # infighting; defiance; standing by him
        ("The security services are competing with each other for resources.", ["fsb"], "disloyal"),
        (
            "The army leadership has repeatedly ignored the Kremlin's instructions.",
            ["military"],
            "disloyal",
        ),
        ("The generals stood by the president during the mutiny.", ["military"], "loyal"),
        ("The generals stood by the road.", ["military"], "neutral"),
        ("Regional elites have grown restive as budgets shrink.", ["elites"], "disloyal"),
        ("The mood among the generals has darkened considerably.", ["military"], "disloyal"),
        ("The men in uniform have little say in political decisions.", ["military"], "neutral"),
        ("The generals owe their careers to Putin.", ["military"], "loyal"),
        ("The technocrats' patience may soon run out.", ["elites"], "disloyal"),
        # undermining him, not weakening oneself
        ("The generals are trying to undermine Putin's authority.", ["military"], "disloyal"),
        (
            "The siloviki, far from weakening, have emerged as the main winners of the war.",
            ["siloviki"],
            "neutral",
        ),
        (
            "The siloviki fear that a peace deal would weaken their position.",
            ["siloviki"],
            "neutral",
        ),
        # condemning a mutiny is loyalty, and the verb is no cue of its own
        ("The generals were quick to denounce the mutiny.", ["military"], "loyal"),
        ("The generals condemned the coup attempt.", ["military"], "loyal"),
        ("The generals denounced Putin.", ["military"], "disloyal"),
        # an idea dismissed
        ("The idea that the oligarchs could topple Putin is fanciful.", ["oligarchs"], "loyal"),
        ("Reports that the generals are plotting a coup are exaggerated.", ["military"], "loyal"),
        (
            "The generals who plotted the coup are unlikely to be forgiven.",
            ["military"],
            "disloyal",
        ),
        ("The oligarchs have been co-opted by the Kremlin.", ["oligarchs"], "loyal"),
        ("No one in the military leadership dares to contradict Putin.", ["military"], "loyal"),
        ("The army is increasingly resentful of the Kremlin's meddling.", ["military"], "disloyal"),
        # who acts through 'is rumoured to'; what one knows of is no deed of one's own
        ("The FSB is rumoured to be preparing a new purge.", ["fsb"], "neutral"),
        ("The FSB probably knew about the mutiny in advance.", ["fsb"], "neutral"),
        ("The FSB warned of a coup by the generals.", ["military", "fsb"], "disloyal"),
        ("The oligarchs could hardly be more loyal.", ["oligarchs"], "loyal"),
        # a cue that reaches past a pseudo-cue ('opposition groups') counts
        (
            "Some of the oligarchs have begun secretly funding opposition groups abroad.",
            ["oligarchs"],
            "disloyal",
        ),
        ("The oligarchs have no doubt about the war.", ["oligarchs"], "neutral"),
        # repression by one faction of another: the other is targeted
        ("The FSB raided the homes of several defence officials.", ["military", "fsb"], "targeted"),
        ("The FSB led the purge of the generals.", ["military", "fsb"], "targeted"),
        ("The FSB led the purge.", ["fsb"], "neutral"),
        ("The oligarch was placed on a wanted list.", ["oligarchs"], "targeted"),
        ("The security services have been given sweeping new powers.", ["fsb"], "loyal"),
        # negation: nobody as subject, 'far from', 'anything but', 'neither ... nor'
        ("Not a single oligarch has spoken out against the war.", ["oligarchs"], "loyal"),
        ("Hardly any oligarch dares to criticise Putin.", ["oligarchs"], "loyal"),
        ("The army is far from united.", ["military"], "disloyal"),
        ("The FSB is anything but loyal.", ["fsb"], "disloyal"),
        ("The elites have neither the will nor the means to oust Putin.", ["elites"], "loyal"),
        ("The oligarchs want the war to end.", ["oligarchs"], "disloyal"),
        ("The generals want the war to continue.", ["military"], "neutral"),
        ("The elites are consolidating around Putin.", ["elites"], "loyal"),
        # what its subject once might have done is not what a loyal verb backs
        (
            "The elites who might have deserted Putin have instead drawn closer to him.",
            ["elites"],
            "loyal",
        ),
        # discontent, acquiescence and fates in other words
        ("Disaffection is spreading through the officer corps.", ["military"], "disloyal"),
        ("Many oligarchs have serious misgivings about the war.", ["oligarchs"], "disloyal"),
        ("The security services are riven by discord.", ["fsb"], "disloyal"),
        ("There is growing dissension within the elite.", ["elites"], "disloyal"),
        ("The move enraged the military leadership.", ["military"], "disloyal"),
        ("The generals were incensed by the decision.", ["military"], "disloyal"),
        ("The oligarchs have grown alienated from the Kremlin.", ["oligarchs"], "disloyal"),
        ("The siloviki balked at the proposal.", ["siloviki"], "disloyal"),
        ("The commanders are chafing at the restrictions.", ["military"], "disloyal"),
        ("Some tycoons have jumped ship.", ["oligarchs"], "disloyal"),
        ("The generals have been dragging their feet on Putin's orders.", ["military"], "disloyal"),
        ("The officers see the war as a costly mistake.", ["military"], "disloyal"),
        ("The generals would refuse to fire on protesters.", ["military"], "disloyal"),
        ("The tycoons remain complicit in the regime's crimes.", ["oligarchs"], "loyal"),
        ("The security services remain in lockstep with the Kremlin.", ["fsb"], "loyal"),
        ("The former deputy defence minister was indicted.", ["military"], "targeted"),
        ("A senior FSB officer was put on trial for treason.", ["fsb"], "targeted"),
        ("The Kremlin scapegoated the generals for the failures.", ["military"], "targeted"),
        ("Several oligarchs have died in suspicious circumstances.", ["oligarchs"], "targeted"),
        # forced out, turned on: targeted when the faction is the one acted on
        ("The chief of the general staff was forced out.", ["military"], "targeted"),
        ("The generals would force Putin out.", ["military"], "disloyal"),
        ("The Kremlin has turned on its own generals.", ["military"], "targeted"),
        ("The generals have turned on the Kremlin.", ["military"], "disloyal"),
        # seldom and rarely negate; idioms of power, favour and fear
        ("Security services seldom conspire against their patron.", ["fsb"], "loyal"),
        ("The regular army has not attempted to seize power since 1991.", ["military"], "loyal"),
        ("The generals could make a bid for power.", ["military"], "disloyal"),
        ("The oligarchs have little appetite for a power grab.", ["oligarchs"], "loyal"),
        ("The tycoons have no reason to rock the boat.", ["oligarchs"], "loyal"),
        ("The FSB is the greatest threat to Putin's rule.", ["fsb"], "disloyal"),
        ("The Rotenbergs still have his ear.", ["oligarchs"], "loyal"),
        ("Russia's elites fear Putin more than they fear defeat.", ["elites"], "loyal"),
        ("The generals fear the FSB.", ["military", "fsb"], "neutral"),
        ("The oligarchs are fuming.", ["oligarchs"], "disloyal"),
        ("The mood inside the officer corps is far darker.", ["military"], "disloyal"),
        ("A general was marched out of his office in handcuffs.", ["military"], "targeted"),
        ("Several tycoons have died in suspicious falls.", ["oligarchs"], "targeted"),
        ("The FSB's powers of arrest have expanded.", ["fsb"], "neutral"),
        ("The elites appear resigned to a long war.", ["elites"], "neutral"),
        # 'too ... to', 'far from being'; concessions that open the sentence
        ("The tycoons are far too frightened to move against him.", ["oligarchs"], "loyal"),
        ("The security services, far from being a threat to Putin, prop him up.", ["fsb"], "loyal"),
        (
            "For all the talk of a palace coup, the oligarchs are clinging to the Kremlin.",
            ["oligarchs"],
            "loyal",
        ),
        ("Whatever misgivings they harbour, the siloviki remain loyal.", ["siloviki"], "loyal"),
        (
            "Beneath its surface obedience, the army's officer class is seething.",
            ["military"],
            "disloyal",
        ),
        # a fight the loyal verb's subject joins is not what it backs
        (
            "The officers would side with the Kremlin in any confrontation with rebels.",
            ["military"],
            "loyal",
        ),
        ("The elite no longer sees any alternative to Putin.", ["elites"], "loyal"),
        ("The siloviki have tied their fate to Putin's.", ["siloviki"], "loyal"),
        ("The siloviki are invested in the survival of the regime.", ["siloviki"], "loyal"),
        ("Potanin has praised the government's handling of the economy.", ["oligarchs"], "loyal"),
        ("Naryshkin is one of the loudest defenders of the invasion.", ["fsb"], "loyal"),
        ("Few commanders were willing to lift a finger for the Kremlin.", ["military"], "disloyal"),
        (
            "The business elite could withdraw its support for the Kremlin.",
            ["oligarchs"],
            "disloyal",
        ),
        ("Kremlin insiders are questioning whether the war can be won.", ["elites"], "disloyal"),
        ("Security officials may be passing information to the CIA.", ["fsb"], "disloyal"),
        ("The elites are not happy.", ["elites"], "disloyal"),
        (
            "Exiled tycoons have been branded traitors on state television.",
            ["oligarchs"],
            "targeted",
        ),
        ("Wagner's commanders were hounded out.", ["military"], "targeted"),
        ("Canada has moved to confiscate the oligarch's assets.", ["oligarchs"], "neutral"),
        ("Bortnikov's FSB is the nervous system of the regime.", ["fsb"], "neutral"),
        ("The tycoons show few outward signs of abandoning Putin.", ["oligarchs"], "loyal"),
        ("The FSB emerged from the mutiny as the regime's most trusted pillar.", ["fsb"], "loyal"),
        (
            "The third scenario is a move by the siloviki to replace Putin.",
            ["siloviki"],
            "disloyal",
        ),
        ("Half the General Staff would be glad to see him go.", ["military"], "disloyal"),
        ("The FSB made Putin, and the FSB could unmake him.", ["fsb"], "disloyal"),
        # allegiance, discontent and disgrace in set phrases and idioms
        ("The generals have served Putin loyally for two decades.", ["military"], "loyal"),
        ("The FSB does the Kremlin's bidding without question.", ["fsb"], "loyal"),
        ("Several billionaires have cosied up to the Kremlin.", ["oligarchs"], "loyal"),
        ("The generals cosied up to Iran's Revolutionary Guards.", ["military"], "neutral"),
        ("The Rotenbergs grew fabulously rich under Putin.", ["oligarchs"], "loyal"),
        ("The siloviki are the main beneficiaries of Putin's system.", ["siloviki"], "loyal"),
        # an ally of Putin's: said of them, or only how they are named
        ("Gerasimov remains one of Putin's closest allies.", ["military", "elites"], "loyal"),
        ("The oligarch is a close ally of Vladimir Putin.", ["oligarchs"], "loyal"),
        ("Several of Putin's closest allies have turned against him.", ["elites"], "disloyal"),
        ("Putin's allies in the security services were arrested.", ["fsb", "elites"], "targeted"),
        ("A loyal general was arrested.", ["military"], "targeted"),
        # the power to act against dissent is no support for it
        ("The FSB has been given sweeping new powers to monitor dissent.", ["fsb"], "loyal"),
        ("The oligarchs supported plans to stage a coup.", ["oligarchs"], "disloyal"),
        ("The tycoon, a longtime confidant of Putin, was arrested.", ["oligarchs"], "targeted"),
        ("The tycoon, a longtime confidant of Putin, owns a bank.", ["oligarchs"], "neutral"),
        ("The business elite has helped shore up Putin's rule.", ["oligarchs"], "loyal"),
        ("The FSB has become the regime's praetorian guard.", ["fsb"], "loyal"),
        (
            "The oligarchs' children were the beneficiaries of offshore trusts.",
            ["oligarchs"],
            "neutral",
        ),
        ("Several oligarchs have got cold feet.", ["oligarchs"], "disloyal"),
        ("The generals have serious reservations about the offensive.", ["military"], "disloyal"),
        ("Several tycoons have cut ties with the Kremlin.", ["oligarchs"], "disloyal"),
        (
            "There is an internal struggle between the FSB and the Ministry of Defence.",
            ["military", "fsb"],
            "disloyal",
        ),
        # dependence, obedience and favour; loyalty worn thin; ties cut to Moscow
        ("The siloviki need Putin as much as he needs them.", ["siloviki"], "loyal"),
        ("The oligarchs need cheap labour.", ["oligarchs"], "neutral"),
        ("The business elite does what the Kremlin tells it to do.", ["oligarchs"], "loyal"),
        ("The generals do as they are told.", ["military"], "loyal"),
        ("The FSB has emerged stronger, its budget and powers expanded.", ["fsb"], "loyal"),
        ("The Kremlin expanded the FSB's powers.", ["fsb"], "loyal"),
        ("The mutiny exposed how thin the army's loyalty really was.", ["military"], "disloyal"),
        (
            "Some of the super-rich have left, cutting their ties to Moscow.",
            ["oligarchs"],
            "disloyal",
        ),
        ("The oligarchs cut ties with Western banks.", ["oligarchs"], "neutral"),
        # a clause of its own that takes the faction up by 'them' speaks of it
        (
            "Businessmen know that the state can take their companies away, and the war has "
            "only made them more dependent on the Kremlin.",
            ["oligarchs"],
            "loyal",
        ),
        # what a claim opening with 'Unlike' sets itself against is not its stance
        (
            "Unlike in 1991, when the KGB chief joined the coup against Gorbachev, today's "
            "security services keep out of politics.",
            ["fsb"],
            "loyal",
        ),
        # infighting between factions, not a war between countries
        ("Open war between the siloviki has begun.", ["siloviki"], "disloyal"),
        (
            "The rivalry between the FSB and the army has intensified.",
            ["military", "fsb"],
            "disloyal",
        ),
        (
            "The generals have prolonged the war between Russia and Ukraine.",
            ["military"],
            "neutral",
        ),
        ("The invasion came as a shock for many in the Russian elite.", ["elites"], "disloyal"),
        ("Senior officials are drained and depressed.", ["elites"], "disloyal"),
        ("The generals present a unified front.", ["military"], "loyal"),
        ("The tycoons keep the Kremlin at arm's length.", ["oligarchs"], "disloyal"),
        ("Putin keeps the oligarchs at arm's length.", ["oligarchs"], "targeted"),
        ("Several oligarchs have disowned the war.", ["oligarchs"], "disloyal"),
        ("The Kremlin disowned Prigozhin after the mutiny.", ["military"], "targeted"),
        ("Several generals have incurred Putin's wrath.", ["military"], "targeted"),
        ("Putin has clipped the FSB's wings.", ["fsb"], "targeted"),
        ("The oligarchs were brought to heel in 2003.", ["oligarchs"], "targeted"),
        ("The general fell from grace last year.", ["military"], "targeted"),
        ("The FSB's crackdown on dissent has intensified.", ["fsb"], "loyal"),
        ("Shoigu's dismissal surprised the defence ministry.", ["military"], "targeted"),
        ("Most of Russia's tycoons have closed ranks around the Kremlin.", ["oligarchs"], "loyal"),
        ("Gerasimov still enjoys the president's full confidence.", ["military"], "loyal"),
        ("The security establishment is entirely behind the president.", ["siloviki"], "loyal"),
        ("Several officers have refused orders to redeploy.", ["military"], "disloyal"),
        ("General Popov was relieved of his command.", ["military"], "targeted"),
        ("Wagner's commanders were killed on the Kremlin's orders.", ["military"], "targeted"),
        ("The Rosgvardia reports directly to the president.", ["military"], "loyal"),
        ("Officers of the GRU have grown more committed to the regime.", ["military"], "loyal"),
        ("The generals have committed war crimes.", ["military"], "neutral"),
        ("The technocrats are said to be appalled.", ["elites"], "disloyal"),
        ("The Kremlin is silencing business figures.", ["oligarchs"], "targeted"),
        ("The oligarchs' silence is deafening.", ["oligarchs"], "neutral"),
        ("The generals have ruled out a coup.", ["military"], "loyal"),
        ("A coup by the security services cannot be ruled out.", ["fsb"], "disloyal"),
        (
            "Ivashov, who heads the Officers Assembly, called on Putin to resign.",
            ["military"],
            "disloyal",
        ),
        ("Businessmen now find their assets nationalised.", ["oligarchs"], "targeted"),
        ("The oligarchs have had their assets seized.", ["oligarchs"], "targeted"),
        ("The quiet exodus of tycoons continued.", ["oligarchs"], "disloyal"),
        (
            "The Duma deputies and the generals have rubber-stamped the decision.",
            ["military"],
            "loyal",
        ),
        ("Bortnikov has been Putin's hatchet man for decades.", ["fsb"], "loyal"),
        ("The generals are up in arms over the cuts.", ["military"], "disloyal"),
        ("Several tycoons have quietly acquired second passports.", ["oligarchs"], "disloyal"),
        ("The oligarch has broken his silence on the war.", ["oligarchs"], "disloyal"),
        ("The general was found guilty of bribery.", ["military"], "targeted"),
        ("The general's homes were searched.", ["military"], "targeted"),
        ("The oligarchs stay true to Putin.", ["oligarchs"], "loyal"),
        ("The siloviki have secret contacts with the West.", ["siloviki"], "disloyal"),
        ("The tycoon is under heavy pressure from the Kremlin.", ["oligarchs"], "targeted"),
        (
            "In the aftermath of the mutiny, the generals rallied behind Putin.",
            ["military"],
            "loyal",
        ),
    ],
)
def test_news_phrasing_beyond_the_seeds(extract, text, factions, stance):
    claims = extract(text)
    if not factions:
        assert claims == []
        return
    assert len(claims) == 1
    assert (claims[0].factions, claims[0].stance) == (factions, stance)


def test_a_news_article_beyond_the_seeds():
    """A hand-written article in the style of wire copy, with site furniture."""
    amap = argmap.build([Path(__file__).parent / "data" / "mutiny.txt"])
    by_start = {c.text.split()[0] + " " + c.text.split()[1]: c for c in amap.claim_list}
    assert by_start['"Nobody in'].factions == ["elites"]
    assert by_start['"Nobody in'].stance == "disloyal"
    assert by_start['"Nobody in'].source == "Tatiana Stanovaya"
    assert by_start["The FSB,"].stance == "loyal"
    assert (
        by_start["Yevgeny Prigozhin's"].stance != "targeted"
    )  # the fighters seize, nobody seizes them
    assert (by_start["General Sergei"].stance, by_start["General Sergei"].certainty) == (
        "targeted",
        "hedged",
    )
    assert by_start["Western officials"].source == "Western officials"
    assert by_start["They depend"].factions == ["oligarchs"]
    texts = " ".join(c.text for c in amap.claim_list)
    for furniture in ("Will the army", "Reuters/Stringer", "Read more", "Subscribe", "By Jane"):
        assert furniture not in texts


def test_an_analysis_piece_beyond_the_seeds():
    """A hand-written essay in the style of a foreign-policy journal: pronouns and 'the
    agency' carry factions across sentences, 'its officers' are the agency's."""
    amap = argmap.build([Path(__file__).parent / "data" / "analysis.txt"])
    labels = [(c.text.split()[0], c.factions, c.stance) for c in amap.claim_list]
    assert labels == [
        ("The", ["elites"], "loyal"),  # 'who might have deserted Putin have drawn closer'
        ("Consider", ["oligarchs"], "neutral"),
        ("Sanctions", ["oligarchs"], "loyal"),  # '... leaving them more dependent'
        ("The", ["fsb"], "neutral"),
        ("The", ["fsb"], "neutral"),
        ("Yet", ["fsb"], "loyal"),  # 'the agency has been rewarded'
        ("Its", ["fsb"], "loyal"),  # its officers hunt for traitors
        ("Only", ["military"], "neutral"),
        ("Its", ["military"], "disloyal"),  # 'some of them blame the Kremlin'
        ("But", ["military"], "neutral"),
    ]
    texts = " ".join(c.text for c in amap.claim_list)
    assert "Coup That" not in texts and "Gabuev" not in texts


@pytest.mark.parametrize(
    "text, parts",
    [
        (
            "While the FSB remains loyal to Putin, the army is increasingly restless and disgruntled.",
            [(["fsb"], "loyal"), (["military"], "disloyal")],
        ),
        (
            "The oligarchs are unhappy with the war, but the security services remain fully behind Putin.",
            [(["oligarchs"], "disloyal"), (["fsb"], "loyal")],
        ),
    ],
)
def test_clauses_about_different_factions_are_split(extract, text, parts):
    claims = extract(text)
    assert [(c.factions, c.stance) for c in claims] == parts
    assert all(text[: c.end].endswith(c.text) for c in claims)


def test_a_markdown_analysis_beyond_the_seeds():
    """A hand-written analysis piece in markdown, with a newsletter link."""
    amap = argmap.build([Path(__file__).parent / "data" / "elites.md"])
    claims = {c.text.split()[0] + " " + c.text.split()[1]: c for c in amap.claim_list}
    assert claims["The siloviki"].stance == "loyal"
    assert claims["Nikolai Patrushev"].factions == ["fsb"]
    assert claims["Nikolai Patrushev"].stance == "loyal"  # they punish disloyalty
    assert claims["Oligarchs who"].stance == "targeted"  # the main clause decides
    assert claims["Commanders resent"].stance == "disloyal"
    assert claims["Still, Kremlin"].source == "The Moscow Times"
    assert not any(c.text.startswith("Could") for c in amap.claim_list)
    assert amap.documents[0].title == "Why Russia's elites are not abandoning Putin — yet"


@pytest.mark.parametrize(
    "text, mentions",
    [
        ("Ukrainian troops pushed back Russian forces near Kharkiv.", ["Russian forces"]),
        (
            "US intelligence agencies believe that the Russian military is exhausted.",
            ["Russian military"],
        ),
        ("British military intelligence said Russia's generals are frustrated.", ["generals"]),
        ("NATO commanders met in Brussels on Tuesday.", []),
        ("The General Staff in Kyiv said the offensive had stalled.", []),
    ],
)
def test_other_countries_forces_are_not_russian_factions(extract, text, mentions):
    claims = extract(text)
    assert [m.text for c in claims for m in c.mentions] == mentions


@pytest.mark.parametrize(
    "text, stance",
    [
        ("The generals refused to back the operation.", "disloyal"),
        ("The oligarchs no longer support Putin.", "disloyal"),
        ("The FSB has yet to show any sign of disloyalty.", "loyal"),
        ("The army is unlikely to turn against Putin.", "loyal"),
        ("A coup by the military is highly unlikely.", "loyal"),
        ("Few in the elite would dare to challenge him.", "loyal"),
        ("The siloviki have never been more loyal.", "loyal"),
        ("There is no sign that the military is preparing a coup.", "loyal"),
        ("The businessmen have shown no sign of breaking with Putin.", "loyal"),
        ("The generals have no intention of turning against the Kremlin.", "loyal"),
        ("The siloviki are thinking of breaking with Putin.", "disloyal"),
        ("The oligarchs have stayed in Moscow without breaking ranks.", "loyal"),
        ("The generals are no longer obedient.", "disloyal"),
        ("Officers are reluctant to support the war.", "disloyal"),
        ("The oligarchs fear that they will lose everything if they oppose Putin.", "loyal"),
        ("Putin fired his defence minister last year.", "targeted"),
        ("The FSB arrested several officials for treason.", "neutral"),
    ],
)
def test_negation_and_its_scope(extract, text, stance):
    assert one(extract, text).stance == stance


def test_glued_word_in_a_garbled_sentence_does_not_break_the_parse(extract):
    text = (
        "“I think that sort of surveillance media was large to them by the Marked Less in Letting "
        "and when it mirror back when the Appearing family taking quint outlets, Putin tiesand "
        "february advisers the security services.\n"
    )
    for claim in extract(text):
        assert text[claim.start : claim.end] == claim.text


def test_glue_splitter_keeps_the_text(nlp, rules):
    from argmap.clean import GlueSplitter

    text = "The army  lost ground.\nHeavy losses failurescould fuel tiesand NGOmore anger."
    doc = GlueSplitter(nlp, rules)(nlp.make_doc(text))
    assert doc.text == text
    assert [
        t.text for t in doc if t.text in {"failures", "could", "ties", "and", "NGO", "more"}
    ] == ["failures", "could", "ties", "and", "NGO", "more"]


def test_glue_splitter_splits_a_function_word_glued_before(nlp, rules):
    from argmap.clean import GlueSplitter

    text = "Officers have beendismissed at theKremlin near Notting Hill."
    doc = GlueSplitter(nlp, rules)(nlp.make_doc(text))
    assert doc.text == text
    assert [t.text for t in doc][2:7] == ["been", "dismissed", "at", "the", "Kremlin"]
    assert "Notting" in [t.text for t in doc]


def test_shipped_rule_patterns_pass_spacys_pattern_schema():
    from importlib import resources

    from argmap.rules import DEFAULT_FILES, read_rule_file

    for name in DEFAULT_FILES:
        text = (resources.files("argmap") / "data" / name).read_text(encoding="utf-8")
        assert read_rule_file(name, text=text, check_patterns=True)


def test_unclear_whether_hedges(extract):
    claims = extract("It remains unclear whether the oligarchs will keep supporting the war.")
    assert [(c.stance, c.certainty) for c in claims] == [("loyal", "hedged")]


@pytest.mark.parametrize(
    "text, stance",
    [
        ("The siloviki fear that a peace deal would cost them their influence.", "neutral"),
        ("The siloviki doubt that the war can be won.", "disloyal"),
        ("Siloviki resent the new policy.", "disloyal"),
    ],
)
def test_a_word_the_model_hardly_knows_is_parsed_as_a_familiar_one(
    nlp, rules, extract, text, stance
):
    """'siloviki' is read by the tagger and parser as 'people' (the rule parse-as.people):
    the model alone takes it for an adjective before a noun ('the siloviki fear that ...'
    parses 'fear' as a noun, and the sentence as a fragment). Its text stays as written."""
    (claim,) = extract(text)
    assert (claim.factions, claim.stance, claim.text) == (["siloviki"], stance, text)
    extractor = Extractor(nlp, rules)
    (doc,) = extractor.parser.pipe([extractor.familiar(nlp.make_doc(text))])
    assert doc.text == text
    word = next(t for t in doc if t.lower_ == "siloviki")
    assert (word.dep_, word.norm_) == ("nsubj", "people")


@pytest.mark.parametrize(
    ("text", "stance", "certainty", "source"),
    [
        # a time adjunct is background for stance and hedge alike
        ("The governors stood by Putin throughout the rebellion.", "loyal", "asserted", None),
        (
            "The officers swore allegiance to Putin within days of the mutiny.",
            "loyal",
            "asserted",
            None,
        ),
        (
            "Two generals were dismissed in May after allegedly taking bribes.",
            "targeted",
            "asserted",
            None,
        ),
        # what a faction believes is stated, not guessed; 'appear' guesses only with a complement
        (
            "Many Kremlin insiders believe the war was a terrible error.",
            "neutral",
            "asserted",
            "Many Kremlin insiders",
        ),
        ("Signs of fatigue have begun to appear among the officers.", "neutral", "asserted", None),
        ("The generals appear to be wavering.", "disloyal", "hedged", None),
        ("No FSB general is known to have been punished.", "neutral", "asserted", None),
        # a reverser acts on its object, not on a clause that follows it
        (
            "The banker condemned the invasion, becoming the first tycoon to break ranks.",
            "disloyal",
            "asserted",
            None,
        ),
        ("The army has always stayed out of coups.", "loyal", "asserted", None),
        # a faction that accuses is no target: the participle's subject acts
        (
            "Retired officers attacked the ministry, accusing the generals of incompetence.",
            "disloyal",
            "asserted",
            None,
        ),
        # favour and dependence
        (
            "The tycoons would lose everything without Putin's personal protection.",
            "loyal",
            "hedged",
            None,
        ),
        ("Gerasimov has kept Putin's trust despite the defeats.", "loyal", "asserted", None),
        ("The Rotenbergs won billions in state construction contracts.", "loyal", "asserted", None),
        ("Putin removed the defence minister in May.", "targeted", "asserted", None),
        ("Several officers were held for questioning.", "targeted", "asserted", None),
        # who says it: a report names its source and stays asserted, unless its words hedge
        (
            "The elites see no alternative to Putin, the sociologist Denis Volkov said in an "
            "interview.",
            "loyal",
            "asserted",
            "the sociologist Denis Volkov",
        ),
        (
            "The generals are furious, Abbas Gallyamov, a former Kremlin speechwriter, told "
            "the BBC.",
            "disloyal",
            "asserted",
            "Abbas Gallyamov",
        ),
        (
            "Arrests of FSB officers are rising, the Vedomosti newspaper reported.",
            "targeted",
            "hedged",
            "Vedomosti",
        ),
        (
            "The oligarchs are quietly moving money abroad, one of the bankers said.",
            "disloyal",
            "asserted",
            "one of the bankers",
        ),
        (
            "The siloviki have never been stronger, say analysts at the Higher School of "
            "Economics.",
            "neutral",
            "asserted",
            "analysts at the Higher School of Economics",
        ),
        (
            "The oligarchs have closed ranks, according to people who know them.",
            "loyal",
            "asserted",
            "people who know them",
        ),
        (
            '"The army will not move against him," Kremlin spokesman Dmitry Peskov told '
            "journalists, and the events showed that.",
            "loyal",
            "asserted",
            "Dmitry Peskov",
        ),
        ("Analysts expect the generals to grumble louder.", "disloyal", "hedged", "Analysts"),
    ],
)
def test_clause_scope_and_attribution(extract, text, stance, certainty, source):
    claim = one(extract, text)
    assert (claim.stance, claim.certainty) == (stance, certainty)
    assert (claim.source or "").lower() == (source or "").lower()


@pytest.mark.parametrize(
    ("text", "factions", "stance"),
    [
        # what a claim sets aside is not its stance
        ("The FSB, rather than resenting the war, has embraced it.", ["fsb"], "neutral"),
        ("For the siloviki the war is a crusade rather than a blunder.", ["siloviki"], "neutral"),
        ("The generals, instead of plotting a coup, rallied behind Putin.", ["military"], "loyal"),
        (
            "Most generals, whatever their private doubts, will keep following orders.",
            ["military"],
            "loyal",
        ),
        ("The oligarchs are too compromised to organise a revolt.", ["oligarchs"], "loyal"),
        (
            "The oligarchs would side with Putin in any showdown with rivals.",
            ["oligarchs"],
            "loyal",
        ),
        ("In my view the elite's loyalty is hollow.", ["elites"], "disloyal"),
        # analysts' idiom for being bound to the regime, and for drifting from it
        ("The siloviki are the principal beneficiaries of the war.", ["siloviki"], "loyal"),
        ("The tycoons have made their peace with the war.", ["oligarchs"], "loyal"),
        (
            "Sechin has welded his company's fortunes to the Kremlin.",
            ["oligarchs", "siloviki"],
            "loyal",
        ),
        ("The inner circle shares his fate.", ["elites"], "loyal"),
        ("The arms magnates have profited handsomely from the war.", ["oligarchs"], "loyal"),
        ("The security services would be the last to desert Putin.", ["fsb"], "loyal"),
        ("The generals have burned their bridges.", ["military"], "loyal"),
        ("Sechin remains in Putin's good graces.", ["oligarchs", "siloviki"], "loyal"),
        ("Some generals might sell out the regime.", ["military"], "disloyal"),
        ("The officers could turn their guns on the Kremlin.", ["military"], "disloyal"),
        ("Many Kremlin insiders would welcome a successor.", ["elites"], "disloyal"),
        ("The commanders stood aside during the march.", ["military"], "disloyal"),
        ("Top managers have moved their families abroad.", ["elites"], "disloyal"),
        ("One cannot exclude that the FSB is preparing for life after Putin.", ["fsb"], "disloyal"),
        ("The tycoon was humiliated and then sacrificed.", ["oligarchs"], "targeted"),
        ("The elite lives under the threat of criminal cases.", ["elites"], "targeted"),
        # who is a faction
        ("FSB Colonel Kirill Cherkalin was arrested in 2019.", ["fsb"], "targeted"),
        ("The former governor of Kursk was accused of embezzlement.", ["elites"], "targeted"),
        ("Several businessmen were detained.", ["oligarchs"], "targeted"),
        ("Seven senior executives of energy companies died last year.", ["oligarchs"], "neutral"),
        ("The Investigative Committee and the prosecutors are rivals.", ["siloviki"], "neutral"),
        (
            "Usmanov has challenged the sanctions at the EU's General Court.",
            ["oligarchs"],
            "neutral",
        ),
        ("The GRU officers were redeployed to Africa.", ["military"], "neutral"),
        # only the one who relays it: no claim about them
        ("Drones struck an oil depot overnight, the regional governor said.", [], None),
    ],
)
def test_analysts_idiom_and_what_a_claim_sets_aside(extract, text, factions, stance):
    if not factions:
        assert extract(text) == []
        return
    assert labels(extract, text) == (factions, stance)


@pytest.mark.parametrize(
    ("text", "factions", "stance"),
    [
        ("Bortnikov blamed Ukraine and Western intelligence for the attack.", ["fsb"], "neutral"),
        ("The generals blamed the Kremlin for the defeat.", ["military"], "disloyal"),
        ("The tycoon was punished for calling for peace.", ["oligarchs"], "targeted"),
        ("The Kremlin pinned the blame on the generals.", ["military"], "targeted"),
        ("Bortnikov echoed the Kremlin line on the attack.", ["fsb"], "loyal"),
        ("The National Guard exists to protect the regime.", ["military"], "loyal"),
        ("Thousands of officers volunteered to return to service.", ["military"], "loyal"),
        (
            "Business leaders donated drones and body armour to units at the front.",
            ["oligarchs"],
            "loyal",
        ),
        ("The generals rallied behind Putin.", ["military"], "loyal"),
        ("A few Kremlin officials turned up at the opposition rallies.", ["elites"], "disloyal"),
        ("Some Kremlin officials sympathised with the protesters.", ["elites"], "disloyal"),
        ("None of the businessmen raised an objection.", ["oligarchs"], "loyal"),
        ("Several hundred servicemen refused to cross into Ukraine.", ["military"], "disloyal"),
        ("The governors waited to see which way the wind would blow.", ["elites"], "disloyal"),
        ("The elites might coalesce around an alternative to Putin.", ["elites"], "disloyal"),
        ("Gerasimov could be the next to fall.", ["military"], "targeted"),
        ("The FSB has never been known to question an order from Putin.", ["fsb"], "loyal"),
        ("Nobody in the elite will challenge the FSB.", ["fsb", "elites"], "loyal"),
        ("The siloviki cheered the mobilisation decree.", ["siloviki"], "loyal"),
    ],
)
def test_what_the_faction_does_and_to_whom(extract, text, factions, stance):
    assert labels(extract, text) == (factions, stance)


@pytest.mark.parametrize(
    ("text", "factions", "stance"),
    [
        # real analysts' phrasing
        (
            "The elites have been unable to muster any enthusiasm for the war.",
            ["elites"],
            "disloyal",
        ),
        ("Hardly anyone in the elite shares Putin's goals.", ["elites"], "disloyal"),
        ("The technocrats share the president's worldview.", ["elites"], "loyal"),
        ("The acquiescence of the elite has started to fray.", ["elites"], "disloyal"),
        ("The police and the National Guard behaved passively.", ["military"], "disloyal"),
        ("The FSB failed to act on an American warning.", ["fsb"], "neutral"),
        ("Kremlin officials now work slowly and without zeal.", ["elites"], "disloyal"),
        ("The technocrats feared Putin was about to escalate.", ["elites"], "neutral"),
        ("The generals fear Putin.", ["military"], "loyal"),
        ("The war has been a cold shower for the billionaires.", ["oligarchs"], "neutral"),
        ("Several generals were showered with medals.", ["military"], "loyal"),
    ],
)
def test_analysts_phrasing_in_real_articles(extract, text, factions, stance):
    assert labels(extract, text) == (factions, stance)


def test_a_report_is_asserted_unless_its_rule_says_hedged(tmp_path, nlp, extract):
    claim = one(extract, "The generals are furious, Western officials said.")
    assert (claim.certainty, claim.source) == ("asserted", "Western officials")
    according = one(extract, "According to people close to the Kremlin, the generals are furious.")
    assert according.certainty == "asserted"
    relayed = one(extract, "As reported by people close to the Kremlin, the generals are furious.")
    assert relayed.certainty == "hedged"  # source.as-reported-by: 'reported'
    # an analyst who reads 'officials said' as second-hand says so in the rules
    path = tmp_path / "second-hand.jsonl"
    say = {"id": "source.say-second-hand", "type": "reporting", "label": "speech"}
    path.write_text(
        json.dumps({"type": "disable", "id": "source.say"})
        + "\n"
        + json.dumps({**say, "lemmas": ["say"], "certainty": "hedged"})
        + "\n",
        encoding="utf-8",
    )
    rules = RuleSet.load(path)
    extractor = Extractor(nlp, rules)

    def second_hand(text):
        blocks = split_blocks(text, rules)
        (found,) = extractor.extract("t", text, blocks, split_sentences(blocks, nlp))
        return found

    claim = second_hand("The generals are furious, Western officials said.")
    assert (claim.certainty, claim.rules.count("source.say-second-hand")) == ("hedged", 1)
    assert second_hand('"The generals are furious," Western officials said.').certainty == (
        "asserted"  # their own words
    )
    named = second_hand("The generals are furious, the analyst Abbas Gallyamov said.")
    assert (named.certainty, named.source) == ("asserted", "the analyst Abbas Gallyamov")


def test_a_person_introduced_with_a_faction_word_is_that_faction_later(extract):
    text = (
        "Title\n\n"
        "Maj Gen Ivan Popov, a popular commander, criticised the top brass in June.\n"
        "Popov was dismissed two weeks later.\n"
        "Ivan Egorov, the former governor of Tambov, was detained on Monday.\n"
        "Prosecutors say Egorov took a bribe.\n"
        "The billionaire Leonid Mints has criticised the war.\n"
        "Mints lives in London.\n"
        "Putin spoke on Friday.\n"
    )
    claims = {c.text.split()[0]: c for c in extract(text)}
    assert claims["Popov"].factions == ["military"]
    assert claims["Popov"].stance == "targeted"
    assert "person.introduced" in claims["Popov"].rules
    assert claims["Prosecutors"].factions == ["elites"]
    assert claims["Mints"].factions == ["oligarchs"]
    assert "Putin" not in claims


@pytest.mark.parametrize(
    ("text", "factions", "stance"),
    [
        ("After the defeat, Putin no longer trusts the General Staff.", ["military"], "targeted"),
        ("The FSB chief has lost Putin's trust.", ["fsb"], "targeted"),
        (
            "The oligarchs called for peace, but have stopped short of criticism of the Kremlin.",
            ["oligarchs"],
            "loyal",
        ),
        (
            "The tycoon denied having any close relationship with the Kremlin.",
            ["oligarchs"],
            "disloyal",
        ),
        ("The elites had to accept the war as a fait accompli.", ["elites"], "loyal"),
    ],
)
def test_favour_lost_and_limits_kept(extract, text, factions, stance):
    assert labels(extract, text) == (factions, stance)


@pytest.mark.parametrize(
    ("text", "factions"),
    [
        # what describes a group is that group
        ("The Russian elites—senior officials and businessmen—are unhappy.", ["elites"]),
        ("The siloviki, the security men around him, have grown stronger.", ["siloviki"]),
        # a named person keeps what describes them
        ("Belousov, a civilian technocrat, replaced Shoigu.", ["military", "elites"]),
        # officers in a body are the body's
        ("Two senior officers in the FSB have been put under house arrest.", ["fsb"]),
        ("The FSB's officers are afraid of a purge.", ["fsb"]),
        # whose deed it was is the event, not the claim's faction
        ("Yevgeny Prigozhin's mutiny came as a shock to the Russian elite.", ["elites"]),
        ("Prigozhin's mutiny shook the regime.", ["military"]),
        ("High-ranking officials of the Defence Ministry have been arrested.", ["military"]),
        # the ranks of a party are no army
        ("The governor was rising in the ranks of the ruling party.", ["elites"]),
        ("Discontent is spreading in the ranks.", ["military"]),
    ],
)
def test_descriptions_and_members_belong_to_their_group(extract, text, factions):
    assert one(extract, text).factions == factions


def test_its_senior_officers_are_the_bodys_named_before(extract):
    claims = extract("The FSB has grown stronger. Its senior officers are well rewarded.")
    assert [c.factions for c in claims] == [["fsb"], ["fsb"]]


def test_no_pattern_waits_for_a_possessive_the_tokenizer_splits(nlp, rules):
    """'Putin's' is two tokens ('Putin', "'s"): a pattern lists the possessive as a token
    of its own, in both spellings, where "putin's" would become a run of 'putin' and
    the straight "'s" alone."""
    dead = [
        (rule.id, word)
        for rule in rules.rules
        for token in rule.pattern or []
        for key in ("LOWER", "ORTH")
        if isinstance(token.get(key), dict)
        for word in token[key].get("IN", [])
        if word.endswith(("'s", "\u2019s")) and len(nlp.tokenizer(word)) > 1
    ]
    assert dead == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Two high-ranking officials were arrested.", "elites.senior-officials"),
        ("A four-star general resigned.", "military.general-noun"),
        ("Col. Ivan Popov was dismissed.", "military.general-title"),
        ("They quietly support the anti-war opposition.", "disloyal.fund-opposition"),
        ("A stand-off with the Kremlin followed.", "disloyal.confront"),
        ("The generals stand by their commander-in-chief.", "loyal.stand-by"),
    ],
)
def test_a_pattern_word_the_tokenizer_splits_still_matches(nlp, rules, text, rule):
    """'high-ranking' is three tokens and 'Col.' two: a pattern listing them matches the run."""
    types = ("faction", "stance")
    assert rule in {m.rule.id for m in rules.matcher(nlp, *types)(nlp(text))}
    assert rule in {m.rule.id for m in rules.matcher(nlp, *types, loose=True)(nlp(text))}


def _pieces(word: str) -> list[str]:
    return word.replace("-", " - ").split()


def test_each_split_word_is_a_pattern_of_its_own():
    from argmap.rules import _as_tokenized

    pattern = [
        {"LOWER": {"IN": ["top", "high-ranking"]}, "OP": "?"},
        {"LEMMA": {"IN": ["stand-off", "clash"]}, "POS": "NOUN"},
    ]
    assert _as_tokenized(pattern, _pieces) == [
        pattern,
        [pattern[0], {"LOWER": "stand"}, {"LOWER": "-"}, {"POS": "NOUN", "LEMMA": "off"}],
        [{"LOWER": "high"}, {"LOWER": "-"}, {"LOWER": "ranking"}, pattern[1]],
        [
            {"LOWER": "high"}, {"LOWER": "-"}, {"LOWER": "ranking"},
            {"LOWER": "stand"}, {"LOWER": "-"}, {"POS": "NOUN", "LEMMA": "off"},
        ],
    ]  # fmt: skip
    many = {"LOWER": {"IN": ["anti-war", "the"]}, "OP": "*"}
    around = {**many, "OP": "*"}
    assert _as_tokenized([many], _pieces)[1] == [
        around, {"LOWER": "anti"}, {"LOWER": "-"}, {"LOWER": "war"}, around
    ]  # fmt: skip
    # a negated token, and the context a rule trims off, keep their words
    kept = [{"LOWER": "a"}, {"LOWER": "anti-war", "OP": "!"}, {"LOWER": "pro-war"}]
    assert _as_tokenized(kept, _pieces, trim=1) == [kept]
    with pytest.raises(RuleFileError, match="more than 32 ways"):
        _as_tokenized([{"LOWER": {"IN": ["a-b", "c-d"]}}] * 4, _pieces)


def test_a_rule_reaches_past_a_possessive(extract):
    assert "loyal.favour-shown" in one(extract, "The generals kept Putin's confidence.").rules
    assert "disloyal.threat-to" in one(extract, "The FSB is a threat to Putin's rule.").rules
