"""Write a large synthetic news corpus as files, for benchmarks of the whole bot at scale.

    python -m benchmarks.make_corpus OUT_DIR [--passages 1000000] [--per-file 20]

Each file is one "article": a headline line, then one paragraph per synthetic passage
(benchmarks/synthetic.py: 60-120 words of Zipfian vocabulary in sentences, with a figure).
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from benchmarks.synthetic import iter_passages


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=20)
    args = parser.parse_args()
    texts = iter_passages(args.passages)
    args.out.mkdir(parents=True, exist_ok=True)
    number = -1
    while body := list(itertools.islice(texts, args.per_file)):
        number += 1
        headline = " ".join(body[0].split()[:8]).rstrip(".,").title()
        folder = args.out / f"{number // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"a{number:06d}.txt").write_text(headline + "\n\n" + "\n".join(body) + "\n")
    print(f"wrote {args.passages:,} passages in {number + 1:,} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
