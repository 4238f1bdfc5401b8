"""The one tokenizer for passages and queries: normalization, stopwords, stems, numbers."""

from __future__ import annotations

import pytest

from retrieval import tokenizer
from retrieval.tokenizer import STOPWORDS, TOKENIZER_VERSION, normalize, token_ids, tokenize


def test_case_folding_stopwords_and_stems() -> None:
    """Case is folded, stopwords dropped and words Snowball-stemmed."""
    assert tokenize("The Quick BROWN Foxes were running") == ["quick", "brown", "fox", "run"]


def test_stems_join_inflections() -> None:
    """Singular and plural, verb forms, share one term."""
    assert tokenize("region regions") == ["region", "region"]
    assert tokenize("constructing constructed construction") == ["construct"] * 3


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "the of and", "...", "—"])
def test_nothing_to_index(text: str) -> None:
    """Blank text, punctuation and stopwords alone give no term."""
    assert tokenize(text) == []


def test_normalization_is_nfkc_and_casefold() -> None:
    """Full-width letters, ligatures and ß normalize to plain folded text."""
    assert tokenize("Ｋｕｒｓｋ") == tokenize("kursk") == ["kursk"]
    assert tokenize("ﬁnance") == tokenize("finance")
    assert tokenize("STRASSE") == tokenize("straße")
    assert normalize("Ｋｕｒｓｋ ÉCOLE") == "kursk école"


def test_thousands_separator_is_dropped() -> None:
    """`2,850` and `2850` are the same term, as are `12,000` and `12000`."""
    assert tokenize("2,850 people") == ["2850", "peopl"]
    assert tokenize("2,850") == tokenize("2850") == ["2850"]
    assert tokenize("12,000 troops") == tokenize("12000 troops")


def test_decimals_are_kept_whole() -> None:
    """`1.5` is one term, not `1` and `5`; a sentence-final period is not part of a number."""
    assert tokenize("1.5 years") == ["1.5", "year"]
    assert tokenize("a 1.5-year project") == ["1.5", "year", "project"]
    assert tokenize("in 2024.") == ["2024"]


def test_hyphenated_names_match_spaced_names() -> None:
    """`Kim Jong-un` has every term of `Kim Jong Un`, plus the compound whole."""
    assert tokenize("Kim Jong Un") == ["kim", "jong", "un"]
    assert tokenize("Kim Jong-un") == ["kim", "jong", "un", "jongun"]


def test_compounds_are_also_indexed_whole_but_not_decimals() -> None:
    """`covid-19` also gives `covid19`; `1.5-year` gives no `5year` fragment."""
    assert tokenize("covid-19") == ["covid", "19", "covid19"]
    assert tokenize("a 1.5-year build") == ["1.5", "year", "build"]


@pytest.mark.parametrize("text", ["Korea's", "Korea’s", "KOREA'S", "Koreas'", "Korea\u02bcs"])
def test_possessives(text: str) -> None:
    """Possessives with straight or curly apostrophes reduce to the noun."""
    assert tokenize(text) == ["korea"]


def test_contractions_are_stopwords() -> None:
    """Contractions, with either apostrophe, are stopwords."""
    assert tokenize("don't don’t it's I'm") == []


def test_dotted_acronyms_are_kept() -> None:
    """`U.S.` is the term `us` (not dropped), `U.N.` is `un`."""
    assert tokenize("U.S. power") == ["us", "power"]
    assert tokenize("the U.N. council") == ["un", "council"]


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff"])
def test_zero_width_characters_are_dropped(invisible: str) -> None:
    """Zero-width characters and soft hyphens inside a word do not split it."""
    assert tokenize(f"co{invisible}operation") == tokenize("cooperation") == ["cooper"]


def test_emoji_and_mixed_scripts() -> None:
    """Emoji are ignored; Cyrillic and CJK words are kept as terms."""
    assert tokenize("🚀🔥 rocket") == ["rocket"]
    assert tokenize("Москва Seoul 北朝鮮") == ["москва", "seoul", "北朝鮮"]


def test_dotted_capital_i() -> None:
    """Regression: `İstanbul` casefolds to i + U+0307 and tokenized as `stanbul`."""
    assert tokenize("İstanbul") == tokenize("Istanbul") == ["istanbul"]


def test_decomposed_accents_match_composed() -> None:
    """A decomposed é (e + U+0301) is the same term as the composed one."""
    assert tokenize("e\u0301cole") == tokenize("école")


def test_version_names_the_rules_and_stopwords() -> None:
    """The version embeds a hash of the stopword list, so changing it invalidates indexes."""
    rules, digest = TOKENIZER_VERSION.split("-")
    assert rules.isdigit() and len(digest) == 12
    assert "the" in STOPWORDS and "kursk" not in STOPWORDS


TEXTS = [
    "The U.S. said 2,850 trucks, 1.5 tonnes each, crossed the Tumen River.",
    "Covid-19 cases: covid19 and COVID 19 — Korea's o'brien `quoted` İstanbul-Börse.",
    "the a an of",  # nothing but stopwords
    "",
    "x-y-z x-y-z covid-19's co-op Co-Op",
    "Ｆｕｌｌ width ﬁ ligature and cafe\u0301 and naïve",
    "The river, the river: rivers and the bridge's bridges.",
]


def test_ascii_text_is_tokenized_as_the_general_path_does() -> None:
    """ASCII text takes a faster path (no NFKC, ASCII classes) to the same raw tokens."""
    for text in [*TEXTS, "Backtick`s and `quotes` with don`t", "a_b 1_000 x\ty\x0bz"]:
        if text.isascii():
            norm = normalize(text)
            words = tokenizer._TOKEN.findall(norm)
            compounds = [c.replace("-", "") for c in tokenizer._COMPOUND.findall(norm)]
            assert tokenizer._raw_tokens(text) == words + compounds


def test_token_ids_number_terms_as_tokenize_in_first_occurrence_order() -> None:
    """token_ids gives what numbering tokenize's output in order of first occurrence gives."""
    numbers: dict[str, int] = {}
    expected = [[numbers.setdefault(t, len(numbers)) for t in tokenize(x)] for x in TEXTS * 2]
    terms, flat, lengths = token_ids(TEXTS * 2)
    assert terms == list(numbers)
    assert list(lengths) == [len(e) for e in expected]
    assert list(flat) == [n for e in expected for n in e]
