"""A reproducible synthetic news corpus with Zipfian word frequencies, and queries drawn from it."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

# The most frequent English words, most frequent first: they head the Zipf ranking as in real
# text, so the tokenizer's stopword removal costs and removes what it would on news.
_FUNCTION_TEXT = (
    "the of and to a in that is was he for it with as his on be at by i this had not are but "
    "from or have an they which one you were her all she there would their we him been has "
    "when who will more no if out so said what up its about into than them can only other "
    "new some could time these two may then do first any my now such like our over man me "
    "even most made after also did many before must through back years where much your way "
    "well down should because each just those people how too little state good very make "
    "world still own see men work long get here between both life being under never day same "
    "another know while last might us great old year off come since against go came right "
    "used take three"
)
_FUNCTION_WORDS = tuple(_FUNCTION_TEXT.split())
_ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "ch",
    "cr",
    "dr",
    "fl",
    "gr",
    "kl",
    "pl",
    "pr",
    "sh",
    "st",
    "str",
    "th",
    "tr",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y")
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "k", "nd", "rt", "st", "x")


def vocabulary(size: int, seed: int) -> list[str]:
    """`size` distinct words: English function words first, then pronounceable pseudo-words."""
    rng = np.random.default_rng(seed)
    words = list(_FUNCTION_WORDS)
    seen = set(words)
    while len(words) < size:
        n = int(rng.choice(4, p=(0.2, 0.5, 0.25, 0.05))) + 1
        word = "".join(
            _ONSETS[rng.integers(len(_ONSETS))]
            + _VOWELS[rng.integers(len(_VOWELS))]
            + _CODAS[rng.integers(len(_CODAS))]
            for _ in range(n)
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_cdf(size: int, knee: int = 8000, tail: float = 2.0) -> npt.NDArray[np.float64]:
    """Cumulative probabilities of ranks 1..size under the two-regime Zipf law of English.

    Frequency falls as 1/rank up to the knee and as 1/rank**tail beyond it (Ferrer i Cancho and
    Solé, 2001), which gives news-like vocabulary growth: ~0.3M terms in 90M words.
    """
    ranks = np.arange(1, size + 1, dtype=np.float64)
    weights = np.where(ranks <= knee, 1.0 / ranks, (1.0 / knee) * (knee / ranks) ** tail)
    cdf = np.cumsum(weights)
    probabilities: npt.NDArray[np.float64] = cdf / cdf[-1]
    return probabilities


def passages(count: int, seed: int = 20250529, vocab_size: int = 400_000) -> list[str]:
    """`count` news-like passages of 60-120 words, in sentences, with a figure; reproducible."""
    return list(iter_passages(count, seed, vocab_size))


def iter_passages(count: int, seed: int = 20250529, vocab_size: int = 400_000) -> Iterator[str]:
    """`passages`, one at a time: a 10M-passage folder is written without holding its text."""
    rng = np.random.default_rng(seed)
    words = vocabulary(vocab_size, seed)
    cdf = zipf_cdf(vocab_size)
    lengths = rng.integers(60, 121, size=count)
    chunk = 50_000
    for start in range(0, count, chunk):
        lens = lengths[start : start + chunk]
        ids = np.searchsorted(cdf, rng.random(int(lens.sum())))
        numbers = rng.integers(0, 100_000, size=len(lens))
        offset = 0
        for i, n in enumerate(lens.tolist()):
            tokens = [words[j] for j in ids[offset : offset + n].tolist()]
            offset += n
            yield _sentences(tokens, int(numbers[i]))


def _sentences(tokens: list[str], number: int) -> str:
    """Capitalized sentences of 8-24 words, with one figure ("2,850" style) per passage."""
    tokens[len(tokens) // 2] = f"{number:,}"
    parts, start = [], 0
    step = 8 + number % 17
    while start < len(tokens):
        sentence = tokens[start : start + step]
        parts.append(sentence[0].capitalize() + " " + " ".join(sentence[1:]) + ".")
        start += step
    return " ".join(parts)


def queries(texts: list[str], count: int, seed: int = 7) -> list[str]:
    """`count` queries of 2-6 distinct content words taken from random passages.

    Drawn from the passages themselves, so query terms follow the corpus' word frequencies
    (frequent words included, the costly case) and every query matches something.
    """
    rng = np.random.default_rng(seed)
    function_words = set(_FUNCTION_WORDS)
    out: list[str] = []
    while len(out) < count:
        text = texts[int(rng.integers(len(texts)))]
        words = [w.strip(".").lower() for w in text.split()]
        words = [w for w in words if w.isalpha() and w not in function_words]
        # Positions, not distinct words: a word frequent in the corpus is as likely in a query.
        picked = list(dict.fromkeys(words[i] for i in rng.permutation(len(words))))
        n = int(rng.integers(2, 7))
        if len(picked) >= n:
            out.append(" ".join(picked[:n]))
    return out


def heavy_queries(count: int, seed: int = 11, top: int = 650) -> list[str]:
    """`count` queries of 2-6 words among the `top` most frequent: the slowest kind to answer.

    Stopwords among them vanish in the tokenizer; what stays ("said", "people", "year" and the
    most frequent pseudo-words) is in up to a fifth of all passages.
    """
    rng = np.random.default_rng(seed)
    words = vocabulary(top, 20250529)
    return [
        " ".join(rng.choice(words, size=int(rng.integers(2, 7)), replace=False).tolist())
        for _ in range(count)
    ]
