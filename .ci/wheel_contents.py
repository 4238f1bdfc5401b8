"""Fail unless the wheel in the folder given carries the templates, the WordNet table and each layer's modules."""

import sys
import zipfile
from pathlib import Path

(wheel,) = Path(sys.argv[1]).glob("briefbot-*.whl")
names = zipfile.ZipFile(wheel).namelist()
assert any(n.startswith("answers/templates/") for n in names), "templates missing from the wheel"
assert "bot/cli.py" in names and "retrieval/index.py" in names, "a layer is missing"
assert {"answers/data/synonyms.tsv.gz", "answers/data/WORDNET-LICENSE"} <= set(names), "WordNet"
assert not any(n.startswith(("testing/", "tests/")) for n in names), "test code in the wheel"
