"""Fail unless the wheel in the folder given carries what the bot needs, and no test code."""

import sys
import zipfile
from pathlib import Path

(wheel,) = Path(sys.argv[1]).glob("briefbot-*.whl")
names = zipfile.ZipFile(wheel).namelist()
assert any(n.startswith("bot/terminal/templates/") for n in names), "no templates in the wheel"
assert "bot/terminal/cli.py" in names and "retrieval/index.py" in names, "a layer is missing"
assert {"answers/data/synonyms.tsv.gz", "answers/data/WORDNET-LICENSE"} <= set(names), "WordNet"
assert not any(n.startswith(("testing/", "tests/")) for n in names), "test code in the wheel"
