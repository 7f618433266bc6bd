"""Print how the shipped models do on recordings drawn differently from their training data.

    MIRLIB_DATA_DIR=... .venv/bin/python benchmarks/cross_source.py [--n 24]

* onsets, beats and tempo on drum loops played by the four recorded kits no
  network was trained on (``mirlib.synth.held_out_kit_pieces``), next to
  madmom's and librosa's pretrained methods, and onsets on madmom's sample.wav;
* music/speech on CMU Sphinx's speech recordings, isolated words of FSDD's
  two unheard speakers, madmom's music excerpts, clips of the MDB Drums band
  mixes and loops on the unheard kits (``mirlib.musicspeech.cross_source_test``),
  per source, with the expected calibration error.

The same figures as the chapters *Onset detection*, *Beats and tempo* and
*Music/speech*, with seconds of processing on this machine.
"""

import argparse
import warnings

import pandas as pd

from mirlib import audio, beats, data, evaluation, musicspeech, onsets, references, synth


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=24, help="number of loops on the unheard kits")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pd.set_option("display.width", 160)
    pieces = synth.held_out_kit_pieces(n=args.n)
    y, sr = audio.load(data.madmom_file("sample.wav"), sr=44100)
    sample = [data.Piece("sample.wav", y, sr, data.load_onsets(data.madmom_file("sample.onsets")), [], 0.0)]
    onset_methods = {"our CNN": onsets.detect_onsets, "madmom CNN (pretrained)": references.madmom_onsets,
                     "librosa onset_detect": references.librosa_onsets}
    print(f"onsets on {len(pieces)} loops from unheard kits:")
    print(evaluation.compare(onset_methods, pieces, "onsets").round(3).to_string())
    print("onsets on sample.wav:")
    print(evaluation.compare(onset_methods, sample, "onsets").round(3).to_string())
    print(f"beats on {len(pieces)} loops from unheard kits:")
    print(evaluation.compare({"our BLSTM + DBN": beats.track_beats, "madmom RNN + DBN": references.madmom_beats,
                              "librosa": references.librosa_beats}, pieces, "beats").round(3).to_string())
    print("tempo:")
    print(evaluation.compare({"ours": beats.estimate_tempo, "madmom": references.madmom_tempo,
                              "librosa": references.librosa_tempo}, pieces, "tempo").round(3).to_string())
    ms = musicspeech.cross_source_test(musicspeech.load_model())
    ms["correct"] = ms.true == ms.predicted
    print("music/speech on recordings from other sources:")
    print(ms.groupby("source").correct.agg(["size", "mean"]).to_string())
    _, ece = evaluation.calibration((ms.true == "music").astype(int), ms.p_music)
    print(f"all: {ms.correct.mean():.3f} of {len(ms)}; expected calibration error {ece:.3f}")


if __name__ == "__main__":
    main()
