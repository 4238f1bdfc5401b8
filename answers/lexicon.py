"""Related words from WordNet 3.0, as index terms: what a document may say instead of a query word.

The table (`answers/data/synonyms.tsv.gz`, built by `scripts/build_synonyms.py`, WordNet's
licence beside it) maps a stemmed term to its synonyms, derived forms, irregular forms and a few
more general words ("truck" -> "vehicl") and, for a verb, the more specific verbs that name it
as their generalization ("send" <- "dispatch"); `related` follows irregular forms too ("sent"
-> "send" -> "dispatch"). The table ships with the package: nothing is downloaded.
"""

from __future__ import annotations

import functools
import gzip
import logging
from importlib import resources

log = logging.getLogger(__name__)

_TABLE = "synonyms.tsv.gz"


@functools.cache
def _lines() -> dict[str, str]:
    """term -> the rest of its line, parsed only when looked up (the table is ~50,000 lines)."""
    data = resources.files("answers").joinpath("data", _TABLE).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines)


@functools.lru_cache(maxsize=65536)
def _entry(term: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The term's related terms with their relation, and the verbs it generalizes."""
    rest = _lines().get(term)
    if rest is None:
        return {}, ()
    related_part, _, troponyms = rest.partition("\t")
    pairs = (pair.rsplit(":", 1) for pair in related_part.split(",") if pair)
    return dict((o, r) for o, r in pairs), tuple(t for t in troponyms.split(",") if t)


@functools.lru_cache(maxsize=65536)
def related(term: str) -> frozenset[str]:
    """The terms a document may use for `term` (not `term` itself); empty if none is known."""
    entry, troponyms = _entry(term)
    out = set(entry) | set(troponyms)
    for head in (o for o, r in entry.items() if r == "form"):  # sent -> send -> dispatch
        head_entry, head_troponyms = _entry(head)
        out |= set(head_entry) | set(head_troponyms)
    out.discard(term)
    return frozenset(out)
