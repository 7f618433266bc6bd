"""Beat-wise bass transcription: the bass networks (M1+, M1) against the classical baselines.

Prints beat-wise pitch accuracy (exact and octave-forgiving) and seconds per
method on held-out generated bass lines (seeds 50000+), with the instrument
sounds of training and with the alternative sounds none of the networks heard.

    python benchmarks/bass.py [N_PIECES]
"""

import sys

from mirlib import bass
from mirlib.synth.basslines import bass_lines


def main(n=24):
    for sounds in ("standard", "alternative"):
        table = bass.compare(bass_lines(n, bass.TEST_FIRST_SEED, sounds=sounds))
        print(f"\n{n} held-out bass lines, {sounds} sounds")
        print(table.round(3).to_string())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 24)
