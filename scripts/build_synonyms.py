"""Build answers/data/synonyms.tsv.gz: related index terms from Princeton WordNet 3.0.

    python -m scripts.build_synonyms [--wordnet /usr/share/wordnet] [--out answers/data/...]

WordNet comes from Debian's `wordnet-base` (`apt-get install -y wordnet-base`). Each line of the
table is `term<TAB>related:relation,…`, both sides index terms (the project's tokenizer: folded
and stemmed), so a query term looks up directly the terms a document may use instead:

- `syn`: another single-word lemma of one of the word's first senses (soldiers, troops);
- `der`: a derivationally related form, also of those synonyms (talks, discussion, discuss);
- `hyp`: a more general word of the first sense, up to a few levels up but never above a
  specific depth (truck, vehicle; never "object" or "entity"), and a verb's (dispatch, send);
- `sub`: a verb's direct troponym or "see also", a more specific way to do it (send,
  dispatch), and a verb's cause (kill, die).

A third column lists, for a verb, the verbs whose first sense it generalizes (send: dispatch…),
so a query's "sent" finds "dispatched". Irregular forms (`sent`, `died`) are keyed too, from
WordNet's exception lists. The table keeps
only single-word lemmas, at most `PER_TERM` relations a term, so the data file stays small.
WordNet's licence allows redistribution with its notice: answers/data/WORDNET-LICENSE.
"""

from __future__ import annotations

import argparse
import gzip
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from retrieval.tokenizer import tokenize

ROOT = Path(__file__).resolve().parent.parent

POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# Only a word's most frequent senses: rarer ones bring noise ("dispatch" = kill). Verbs are
# more polysemous ("send" a parcel is its fourth sense), so they keep more.
SENSES = {"n": 2, "v": 4, "a": 2, "r": 1}
HYPERNYM_LEVELS, MIN_DEPTH = 4, 7
PER_TERM = 20
RANK = {"form": 0, "syn": 1, "der": 2, "sub": 3, "hyp": 4}
PER_TROPONYMS = 40  # the third column: verbs that name this one their generalization


@dataclass(slots=True)
class Synset:
    pos: str
    lemmas: list[str]
    pointers: list[tuple[str, str, str, int, int]]  # symbol, offset, pos, source, target


def _parse_line(line: str) -> tuple[str, Synset]:
    fields = line.split(" | ")[0].split()
    offset, pos = fields[0], fields[2].replace("s", "a")
    count = int(fields[3], 16)
    lemmas = [fields[4 + 2 * i].lower() for i in range(count)]
    at = 4 + 2 * count
    pointers = []
    for i in range(int(fields[at])):
        sym, off, ppos, st = fields[at + 1 + 4 * i : at + 5 + 4 * i]
        pointers.append((sym, off, ppos.replace("s", "a"), int(st[:2], 16), int(st[2:], 16)))
    return f"{pos}{offset}", Synset(pos, lemmas, pointers)


Senses = dict[tuple[str, str], list[str]]


def load(wordnet: Path) -> tuple[dict[str, Synset], Senses, list[tuple[str, str, str]]]:
    """Synsets by key; (lemma, pos) -> senses, most frequent first; (form, lemma, pos)."""
    synsets: dict[str, Synset] = {}
    senses: Senses = {}
    forms: list[tuple[str, str, str]] = []
    for p, name in POS.items():
        for line in (wordnet / f"data.{name}").read_text("latin-1").splitlines():
            if not line.startswith(" "):
                key, synset = _parse_line(line)
                synsets[key] = synset
        for line in (wordnet / f"index.{name}").read_text("latin-1").splitlines():
            if line.startswith(" "):
                continue
            fields = line.split()
            count = int(fields[2])
            senses[(fields[0], p)] = [f"{p}{o}" for o in fields[-count:]]
        for line in (wordnet / f"{name}.exc").read_text("latin-1").splitlines():
            form, lemma = line.split()[:2]
            forms.append((form, lemma, p))
    return synsets, senses, forms


def _depth(synsets: dict[str, Synset], key: str) -> int:
    depth, seen = 0, {key}
    while True:
        up = [f"{p}{o}" for s, o, p, _, _ in synsets[key].pointers if s in ("@", "@i")]
        if not up or up[0] in seen:
            return depth
        key = up[0]
        seen.add(key)
        depth += 1


def _related(
    synsets: dict[str, Synset], key: str, lemma: str, first: bool
) -> list[tuple[str, str]]:
    """(word, relation) pairs for one sense of `lemma`; hypernyms and troponyms of the first."""
    synset = synsets[key]
    out = [(w, "syn") for w in synset.lemmas if w != lemma]
    for sym, off, pos, source, target in synset.pointers:
        other = synsets[f"{pos}{off}"]
        if sym == "+" and source:
            out.append((other.lemmas[target - 1], "der"))
        elif sym == "^" and source and synset.lemmas[source - 1] == lemma:
            out.append((other.lemmas[target - 1], "sub"))
        elif first and synset.pos == "v" and sym in ("~", ">"):
            out += [(w, "sub") for w in other.lemmas]
    if first and synset.pos == "v":  # one level up: dispatch -> send
        ups = [f"{p}{o}" for s, o, p, _, _ in synset.pointers if s == "@"]
        out += [(w, "vhyp") for u in ups[:1] for w in synsets[u].lemmas]
    if first and synset.pos == "n":
        up = key
        for _ in range(HYPERNYM_LEVELS):
            ups = [f"{p}{o}" for s, o, p, _, _ in synsets[up].pointers if s == "@"]
            if not ups or _depth(synsets, ups[0]) < MIN_DEPTH:
                break
            up = ups[0]
            out += [(w, "hyp") for w in synsets[up].lemmas]
    return out


def _term(word: str) -> str | None:
    if not word.isalpha():
        return None
    terms = tokenize(word)
    return terms[0] if len(terms) == 1 else None


Table = dict[str, dict[str, str]]


def build(wordnet: Path) -> tuple[Table, dict[str, list[str]]]:
    """term -> {related term: relation}, best relation kept, capped at PER_TERM; and for each
    verb term the verbs whose first sense it generalizes (send <- dispatch)."""
    synsets, senses, forms = load(wordnet)
    table: Table = defaultdict(dict)
    troponyms: dict[str, list[str]] = defaultdict(list)
    keyed = [(lemma, lemma, p) for lemma, p in senses] + forms
    for word, lemma, p in keyed:
        term = _term(word)
        if term is None:
            continue
        pairs = [(lemma, "form")] if word != lemma else []
        for i, key in enumerate(senses.get((lemma, p), [])[: SENSES[p]]):
            pairs += _related(synsets, key, lemma, first=i == 0)
        for other, relation in pairs:
            target = _term(other)
            if relation == "vhyp":
                relation = "hyp"
                if target and target != term and term not in troponyms[target]:
                    troponyms[target].append(term)
            _add(table, term, target, relation)
            if relation in ("syn", "der", "form"):  # symmetric: "talks" backs "discussed" too
                _add(table, target, term, relation)
    # Irregular forms first, then in the order found: first senses and nearest levels first.
    capped = {
        t: dict(sorted(e.items(), key=lambda kv: kv[1] != "form")[:PER_TERM])
        for t, e in sorted(table.items())
        if e
    }
    return capped, {t: v[:PER_TROPONYMS] for t, v in troponyms.items()}


def _add(table: dict[str, dict[str, str]], term: str | None, other: str | None, rel: str) -> None:
    """Record `term -> other`, keeping the closest relation if it is already there."""
    if term is None or other is None or term == other:
        return
    entry = table[term]
    if other not in entry or RANK[rel] < RANK[entry[other]]:
        entry[other] = rel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=ROOT / "answers/data/synonyms.tsv.gz")
    args = parser.parse_args()
    table, troponyms = build(args.wordnet)
    lines = [
        f"{t}\t" + ",".join(f"{o}:{r}" for o, r in table.get(t, {}).items())
        + "\t" + ",".join(troponyms.get(t, []))
        for t in sorted(table.keys() | troponyms.keys())
    ]  # fmt: skip
    with gzip.GzipFile(args.out, "wb", mtime=0) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{len(lines)} terms, {args.out.stat().st_size} bytes -> {args.out}")


if __name__ == "__main__":
    main()
