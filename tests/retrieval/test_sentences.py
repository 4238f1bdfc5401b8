"""The sentence splitter: abbreviations, initials, numbers, quotes and exact offsets."""

from __future__ import annotations

import pytest

from retrieval.sentences import split_sentences, split_spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Army arrived in Seoul. It left.",
            ["The U.S. Army arrived in Seoul.", "It left."],
        ),
        (
            "As the waning of U.S. power goes on, analysts agree.",
            ["As the waning of U.S. power goes on, analysts agree."],
        ),
        ("He came on Sep. 6 to Seoul. Then left.", ["He came on Sep. 6 to Seoul.", "Then left."]),
        (
            "Published 29 May. 2025 in Seoul. Next one.",
            ["Published 29 May. 2025 in Seoul.", "Next one."],
        ),
        ("It took 1.5 years. Then it ended.", ["It took 1.5 years.", "Then it ended."]),
        ("About 2,850 people cross. Daily.", ["About 2,850 people cross.", "Daily."]),
        ("J. Smith said so. Others disagreed.", ["J. Smith said so.", "Others disagreed."]),
        ("Mr. Kim met Dr. Lee. They talked.", ["Mr. Kim met Dr. Lee.", "They talked."]),
        (
            "Some items, e.g. bridges, were built. Others not.",
            ["Some items, e.g. bridges, were built.", "Others not."],
        ),
        ("It is in St. Petersburg. Fine.", ["It is in St. Petersburg.", "Fine."]),
        (
            "The bridge is 850 m. Next year it opens.",
            ["The bridge is 850 m.", "Next year it opens."],
        ),
        ("It was long… Then it ended.", ["It was long…", "Then it ended."]),
        ("Wait... Really? Yes! OK.", ["Wait...", "Really?", "Yes!", "OK."]),
        ("He was born in 1990. In 2000 he moved.", ["He was born in 1990.", "In 2000 he moved."]),
        ("(This is a note.) Next sentence.", ["(This is a note.)", "Next sentence."]),
        ("The end.\u00a0Next sentence.", ["The end.", "Next sentence."]),
        ("A line.\nAnother line.", ["A line.", "Another line."]),
        ("Version 2.0 shipped. Next.", ["Version 2.0 shipped.", "Next."]),
    ],
)
def test_abbreviations_initials_and_numbers(text: str, expected: list[str]) -> None:
    """Abbreviations, initials, month names before a number and decimals do not end sentences."""
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He said, “It is done. We are happy.” Then he left.",
            ["He said, “It is done.", "We are happy.”", "Then he left."],
        ),
        (
            'He said, "It is done. We are happy." Then he left.',
            ['He said, "It is done.', 'We are happy."', "Then he left."],
        ),
        (
            "“It is done,” he said. “We are happy.”",
            ["“It is done,” he said.", "“We are happy.”"],
        ),
        ("“It is done.” he said quietly.", ["“It is done.” he said quietly."]),
        ('"Is it done?" she asked. Yes.', ['"Is it done?" she asked.', "Yes."]),
        ('He said "hello. World. Fine.', ['He said "hello.', "World.", "Fine."]),
    ],
)
def test_quotes(text: str, expected: list[str]) -> None:
    """A quotation's sentences are sentences (as bbc-summary's reference splits them)."""
    assert split_sentences(text) == expected


def test_quote_never_closed_does_not_glue_the_paragraph() -> None:
    """Regression: a quote opened and never closed (BBC runs it on) held one 900-char sentence."""
    said = '"We have had an excellent response, mainly from young people. '
    rest = " ".join(f"Sentence number {n} of the quotation goes on here." for n in range(20))
    later = ' Then "a short quote" came, and another "one". It ended.'
    sentences = split_sentences(said + rest + later)
    assert len(sentences) == 23
    assert max(map(len, sentences)) < 80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He lives in the U.S. He likes it.", ["He lives in the U.S.", "He likes it."]),
        (
            "The meeting ended at 3 p.m. The guests left.",
            ["The meeting ended at 3 p.m.", "The guests left."],
        ),
        ("Apples, pears, etc. The rest.", ["Apples, pears, etc.", "The rest."]),
        ("Washington, D.C. It rained.", ["Washington, D.C.", "It rained."]),
        (
            "He lived in the U.S. “It was fine,” he said.",
            ["He lived in the U.S.", "“It was fine,” he said."],
        ),
        (
            "U.S. President Biden spoke. Done.",
            ["U.S. President Biden spoke.", "Done."],
        ),
        (
            "Kim met the U.N. Security Council.",
            ["Kim met the U.N. Security Council."],
        ),
        ("I live in the U.S. How about you?", ["I live in the U.S.", "How about you?"]),
        ("It is made in the U.K. Where else?", ["It is made in the U.K.", "Where else?"]),
        ("The U.S. Senate voted.", ["The U.S. Senate voted."]),
    ],
)
def test_acronym_can_end_a_sentence(text: str, expected: list[str]) -> None:
    """Regression: "U.S."/"p.m."/"etc." before "He"/"The"/"It" never ended a sentence."""
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The answer was no. The vote failed.", ["The answer was no.", "The vote failed."]),
        ("He sat. Then he stood.", ["He sat.", "Then he stood."]),
        ("No. 5 was chosen. Fine.", ["No. 5 was chosen.", "Fine."]),
        ("See Fig. 3 for details. Done.", ["See Fig. 3 for details.", "Done."]),
        ("They met on Sat. May 5 was sunny.", ["They met on Sat. May 5 was sunny."]),
        ("Please turn to p. 55. Then stop.", ["Please turn to p. 55.", "Then stop."]),
        (
            "See pp. 12-14 and No. 10 Downing St. today.",
            ["See pp. 12-14 and No. 10 Downing St. today."],
        ),
    ],
)
def test_abbreviations_that_are_also_words(text: str, expected: list[str]) -> None:
    """Regression: "no." and "sat." as ordinary words were taken for abbreviations and glued."""
    assert split_sentences(text) == expected


def test_spans_are_exact_offsets_within_bounds() -> None:
    """split_spans yields trimmed offsets into the text, only inside [start, end)."""
    text = "XX  First one here.  Second one here.  YY"
    spans = list(split_spans(text, 2, len(text) - 2))
    assert [text[s:e] for s, e in spans] == ["First one here.", "Second one here."]
    assert spans == [(4, 19), (21, 37)]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_blank_text_has_no_sentences(text: str) -> None:
    """Empty or blank text yields no sentence."""
    assert split_sentences(text) == []


def test_text_without_terminal_punctuation_is_one_sentence() -> None:
    """A headline without a period is one sentence, kept whole (trailing space trimmed)."""
    headline = "North Korea and Russia Build New Bridge to Strengthen Bilateral Relations"
    assert split_sentences(headline + "  ") == [headline]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So do I. We will see.", ["So do I.", "We will see."]),
        ("The winner, said I. M. Pei, was him.", ["The winner, said I. M. Pei, was him."]),
        ("World War I. It ended in 1918.", ["World War I.", "It ended in 1918."]),
        ("G. W. Bush spoke. He left.", ["G. W. Bush spoke.", "He left."]),
    ],
)
def test_pronoun_i_is_not_an_initial(text: str, expected: list[str]) -> None:
    """ "I." ends a sentence unless another initial follows ("I. M. Pei")."""
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The plan has three parts: 1. build it. 2. open it. 3. run it.",
            ["The plan has three parts: 1. build it.", "2. open it.", "3. run it."],
        ),
        (
            "Options are (a) stay, (b) go. Pick one.",
            ["Options are (a) stay, (b) go.", "Pick one."],
        ),
    ],
)
def test_inline_lists(text: str, expected: list[str]) -> None:
    """An inline numbered list splits at its items' ends, never after a bare item number."""
    assert split_sentences(text) == expected
