"""Print how the boundary CNN and Foote's novelty find section boundaries.

    .venv/bin/python benchmarks/structure.py [--n 24]

On held-out generated pieces in sections (seeds 50000+), with the training
sounds (synthesised, and the MuseScore SoundFont) and with the sounds no
network heard (the TimGM6mb SoundFont, the alternative synthesised sounds): F-measure,
precision and recall at ±0.5 s and ±3 s (``mir_eval.segment.detection``), and
the seconds each method needs for all pieces on this machine. The chapter
*Structure boundaries with CNNs* shows the same figures for 12 pieces.
"""

import argparse
import warnings

import pandas as pd

from mirlib import structure
from mirlib.synth.sections import sectioned_pieces


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=24, help="number of held-out pieces per sound set")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pd.set_option("display.width", 160)
    for sounds in ("standard", "musescore", "timgm6mb", "alternative"):
        pieces = sectioned_pieces(args.n, structure.TEST_FIRST_SEED, sounds=sounds)
        minutes = sum(p.duration for p in pieces) / 60
        print(f"\n{args.n} held-out pieces, {sounds} sounds ({minutes:.0f} min of music)")
        print(structure.compare(pieces).round(3).to_string())


if __name__ == "__main__":
    main()
