"""Study: how much context does a plain-text layout lose, per document unit?

Brown written two ways -- one document per file (each file on one line) and hard-wrapped
at 70 columns with a blank line between paragraphs (Gutenberg style) -- built with each
plain-text document unit; WS353 and MTurk-287 Spearman, co-occurrence pairs, and the
warning ``document="line"`` gives on the wrapped layout.

    NLTK_DATA=../shared/nltk_data python benchmarks/study_document_unit.py [--dim 100]

About a minute (six Brown builds).  Figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
import warnings
from pathlib import Path

import wordvec
from wordvec.evaluate import evaluate_similarity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = {"WS353": "EN-WS-353-ALL.txt", "MTurk": "EN-MTurk-287.txt"}


def write_layouts(folder: Path) -> dict[str, Path]:
    from nltk.corpus import brown

    per_file, wrapped = folder / "per-file", folder / "wrapped"
    per_file.mkdir()
    wrapped.mkdir()
    for fileid in brown.fileids():
        paras = [" ".join(w for s in para for w in s) for para in brown.paras(fileid)]
        (per_file / f"{fileid}.txt").write_text(" ".join(paras) + "\n", encoding="utf-8")
        (wrapped / f"{fileid}.txt").write_text(
            "\n\n".join(textwrap.fill(p, 70) for p in paras) + "\n", encoding="utf-8")
    return {"one line per file": per_file, "wrapped at 70": wrapped}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dim", type=int, default=None, help="default: the build default")
    args = ap.parse_args()
    extra = {} if args.dim is None else {"dim": args.dim}
    print(f"| layout | document | pairs | {' | '.join(SETS)} |")
    print("|---|---|---|" + "---|" * len(SETS))
    with tempfile.TemporaryDirectory() as tmp:
        for layout, folder in write_layouts(Path(tmp)).items():
            for document in ("paragraph", "line", "file"):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    wv = wordvec.build(folder, document=document, progress=False, **extra)
                said = [str(w.message) for w in caught
                        if issubclass(w.category, wordvec.HardWrappedWarning)]
                scores = [evaluate_similarity(wv, SHARED / "eval/similarity" / f).spearman
                          for f in SETS.values()]
                print(f"| {layout} | {document} | {wv.stats['pairs']:,} | "
                      + " | ".join(f"{s:.3f}" for s in scores) + " |")
                for message in said:
                    print(f"|  | warning: {message} | | | |")


if __name__ == "__main__":
    main()
