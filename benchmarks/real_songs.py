"""Print ours, madmom and librosa on real songs: the four MDB Drums validation tracks.

    LIBROSA_DATA_DIR=... MIRLIB_DATA_DIR=... .venv/bin/python benchmarks/real_songs.py [--tracks NAME ...]

MDB Drums (Southall et al. 2017; beats by Vogl) through :mod:`mirlib.data.mdb_drums`:
real band recordings that no shipped network trained on. Each track is scored on
the band mix and on the drum track alone:

* onsets: every drum onset (all classes), F at ±50 ms;
* beats: F at ±70 ms, CMLt, AMLt of the BLSTM and the TCN (``--tcn-weights``
  scores another training run of the TCN, e.g. ``mirlib train beat_tcn --seed 1``);
  tempo: Acc1 and Acc2 at 4 % of the median inter-beat interval;
* downbeats: F at ±70 ms of the bars' first beats (joint CRNN + DBN and TCN + DBN
  against madmom's downbeat networks + DBN);
* drums: KD, SD, HH at ±50 ms, counts summed over tracks (micro average), as
  the drum chapter reports, at threshold 0.5, with the shipped thresholds
  (tuned on these songs) and with thresholds tuned on the other songs.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from mirlib import beats, drums, evaluation, models, onsets, references
from mirlib.data import mdb_drums


def _downbeat_f(track, method):
    est = method(track.audio, track.sr)
    return {"downbeat F ±70 ms": evaluation.beat_scores(track.downbeats, est[est[:, 1] == 1, 0])["F"],
            "beat F ±70 ms": evaluation.beat_scores(track.beats, est[:, 0])["F"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tracks", nargs="+", default=list(mdb_drums.VALIDATION_TRACKS))
    parser.add_argument("--tcn-weights", default=None, help="weights file of beat_tcn (default: the shipped one)")
    args = parser.parse_args()
    tcn = models.load("beat_tcn", args.tcn_weights)
    if len(args.tracks) < 2:
        parser.error("--tracks: name two or more tracks (drum thresholds are tuned on the other songs)")
    warnings.simplefilter("ignore")
    pd.set_option("display.width", 160)
    onset_methods = {"our CNN": onsets.detect_onsets, "madmom CNN": references.madmom_onsets,
                     "librosa": references.librosa_onsets}
    beat_methods = {"our BLSTM + DBN": beats.track_beats,
                    "our TCN + DBN": lambda y, sr: beats.track_beats(y, sr, "beat_tcn", tcn),
                    "madmom RNN + DBN": references.madmom_beats, "librosa": references.librosa_beats}
    tempo_methods = {"our BLSTM + comb": beats.estimate_tempo,
                     "our TCN + comb": lambda y, sr: beats.estimate_tempo(y, sr, "beat_tcn", tcn),
                     "madmom + comb": references.madmom_tempo, "librosa": references.librosa_tempo}
    downbeat_methods = {"joint CRNN + DBN": drums.track_downbeats,
                        "TCN + DBN": lambda y, sr: beats.track_downbeats(y, sr, "beat_tcn", tcn),
                        "madmom downbeats + DBN": references.madmom_downbeats}
    print(f"MDB Drums tracks: {', '.join(args.tracks)}\n{mdb_drums.ATTRIBUTION}\n")
    for source in ("mix", "drums"):
        tracks = mdb_drums.load_tracks(args.tracks, source)
        what = "band mix" if source == "mix" else "drum track alone"
        print(f"Onsets (every drum onset), {what}:\n{evaluation.compare(onset_methods, tracks).round(3)}\n")
        print(f"Beats, {what}:\n{evaluation.compare(beat_methods, tracks, 'beats').round(3)}\n")
        print(f"Tempo, {what}:\n{evaluation.compare(tempo_methods, tracks, 'tempo').round(3)}\n")
        rows = {}
        for name, method in downbeat_methods.items():
            start = time.perf_counter()
            scores = [_downbeat_f(t, method) for t in tracks]
            rows[name] = {k: np.mean([s[k] for s in scores]) for k in scores[0]}
            rows[name]["seconds"] = time.perf_counter() - start
        print(f"Downbeats, {what}:\n{pd.DataFrame(rows).T.round(3)}\n")
    _drum_table(args.tracks)


def _drum_table(tracks):
    """KD/SD/HH at ±50 ms per network: at 0.5, with the shipped thresholds (tuned on the validation songs, so
    optimistic on them) and with thresholds tuned on the other songs (leave one song out: the fair figure)."""
    recordings = mdb_drums.load_tracks(tracks, "mix") + mdb_drums.load_tracks(tracks, "drums")
    refs, songs = [t.drums for t in recordings], [t.name for t in recordings]
    sources = ["band mix"] * len(tracks) + ["drum track"] * len(tracks)
    for network in ("drum_crnn", "drum_joint"):
        acts = [drums.activation(t.audio, t.sr, network) for t in recordings]
        table = drums.threshold_table(acts, refs, songs, sources, thresholds=drums.NETWORKS[network].thresholds)
        print(f"Drums ({network}) KD/SD/HH ±50 ms (counts summed) by thresholds:\n{table.round(3)}\n")


if __name__ == "__main__":
    main()
