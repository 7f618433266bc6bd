"""Print quality and speed of the shipped rhythm networks next to madmom and librosa.

    LIBROSA_DATA_DIR=... MIRLIB_DATA_DIR=... .venv/bin/python benchmarks/rhythm.py [--n 20]

Same data as the chapters: generated held-out loops (seeds 10000+, never used
for training) and madmom's annotated sample.wav. The "seconds" column is the
total processing time per method on this machine.
"""

import argparse
import warnings

import pandas as pd

from mirlib import audio, beats, data, evaluation, onsets, references, synth


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20, help="number of held-out loops")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pd.set_option("display.width", 160)
    pieces = synth.held_out_pieces(n=args.n, length=8.0)
    y, sr = audio.load(data.madmom_file("sample.wav"), sr=44100)
    sample = data.Piece("sample.wav", y, sr, data.load_onsets(data.madmom_file("sample.onsets")),
                          data.load_beats(data.madmom_file("sample.beats"))[0], 0.0)
    onset_methods = {
        "our CNN": onsets.detect_onsets,
        "our BLSTM": lambda y, sr: onsets.detect_onsets(y, sr, "onset_rnn"),
        "madmom CNN": references.madmom_onsets,
        "madmom BLSTM": lambda y, sr: references.madmom_onsets(y, sr, model="rnn"),
        "librosa": references.librosa_onsets,
    }
    beat_methods = {
        "our BLSTM + DBN": beats.track_beats,
        "our BLSTM + peaks": lambda y, sr: beats.track_beats(y, sr, method="peaks"),
        "madmom RNN + DBN": references.madmom_beats,
        "librosa": references.librosa_beats,
    }
    tempo_methods = {"our BLSTM + comb": beats.estimate_tempo, "madmom + comb": references.madmom_tempo,
                     "librosa": references.librosa_tempo}
    print(f"Onsets, {args.n} held-out generated loops:\n{evaluation.compare(onset_methods, pieces).round(3)}\n")
    print(f"Onsets, sample.wav:\n{evaluation.compare(onset_methods, [sample]).round(3)}\n")
    print(f"Beats, {args.n} held-out generated loops:\n{evaluation.compare(beat_methods, pieces, 'beats').round(3)}\n")
    print(f"Beats, sample.wav:\n{evaluation.compare(beat_methods, [sample], 'beats').round(3)}\n")
    print(f"Tempo, {args.n} held-out generated loops:\n{evaluation.compare(tempo_methods, pieces, 'tempo').round(3)}")


if __name__ == "__main__":
    main()
