"""Related words from WordNet 3.0, as index terms: what a document may say instead of a query word.

The table (`answers/data/synonyms.tsv.gz`, built by `scripts/build_synonyms.py`, WordNet's
licence beside it) maps a stemmed term to its synonyms, derived forms, irregular forms and a few
more general words ("truck" -> "vehicl"). `related` adds, for a verb, the more specific verbs
that name it as their generalization ("send" <- "dispatch"), and follows irregular forms
("sent" -> "send" -> "dispatch"). The table ships with the package: nothing is downloaded.
"""

from __future__ import annotations

import functools
import gzip
import logging
from importlib import resources

log = logging.getLogger(__name__)

_TABLE = "synonyms.tsv.gz"
Table = dict[str, dict[str, str]]


@functools.cache
def _table() -> tuple[Table, dict[str, frozenset[str]]]:
    """The table, and for each term the terms that name it as their form or generalization."""
    data = resources.files("answers").joinpath("data", _TABLE).read_bytes()
    table: Table = {}
    reverse: dict[str, set[str]] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        term, _, rest = line.partition("\t")
        entry = dict(pair.rsplit(":", 1) for pair in rest.split(","))
        table[term] = entry
        for other, relation in entry.items():
            if relation in ("hyp", "sub"):
                reverse.setdefault(other, set()).add(term)
    return table, {t: frozenset(s) for t, s in reverse.items()}


@functools.lru_cache(maxsize=65536)
def related(term: str) -> frozenset[str]:
    """The terms a document may use for `term` (not `term` itself); empty if none is known."""
    table, reverse = _table()
    entry = table.get(term, {})
    heads = {term} | {o for o, r in entry.items() if r == "form"}
    out = set(entry)
    for head in heads:
        out |= table.get(head, {}).keys() if head != term else set()
        out |= {t for t in reverse.get(head, ()) if table[t].get(head) == "hyp" and _verbish(t)}
    out.discard(term)
    return frozenset(out)


def _verbish(term: str) -> bool:
    """A term with a troponym-style link: only verbs have "sub" relations in the table."""
    return any(r == "sub" for r in _table()[0].get(term, {}).values())
