"""Beat-wise bass transcription: the bass networks (M1+, M1) against the classical baselines.

Prints beat-wise pitch accuracy (exact and octave-forgiving) and seconds per
method on held-out generated bass lines (seeds 50000+): with the synthesised
sounds of training, through the training SoundFont (MuseScore General Lite),
and with the sounds none of the networks heard (the TimGM6mb SoundFont and the
alternative synthesised sounds).

    python benchmarks/bass.py [N_PIECES]
"""

import sys

from mirlib import bass
from mirlib.synth.basslines import bass_lines


def main(n=24):
    for sounds in ("standard", "musescore", "timgm6mb", "alternative"):
        table = bass.compare(bass_lines(n, bass.TEST_FIRST_SEED, sounds=sounds))
        print(f"\n{n} held-out bass lines, {sounds} sounds")
        print(table.round(3).to_string())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 24)
