"""Print quality and speed of the drum networks on kits never heard in training.

    MIRLIB_DATA_DIR=... .venv/bin/python benchmarks/drums.py [--n 40]

Same data as the chapter *Drum transcription with CRNNs*: loops rendered from
the four test kits (seeds 10000+) and madmom's annotated sample.wav. Overall
F-measure with counts summed over loops and instruments at ±20 and ±50 ms,
with the shipped peak-picking thresholds (``mirlib.drums.DRUM_PEAKS``), and
seconds of processing per minute of audio on this machine.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from mirlib import audio, data, drums, evaluation


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="number of held-out loops")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pd.set_option("display.width", 160)
    test = drums.drum_examples("test", args.n, first_seed=10000)
    minutes = sum(e.rendering.duration for e in test) / 60
    y, sr = audio.load(data.madmom_file("sample.wav"), sr=44100)
    sample_ref = data.load_drums(data.madmom_file("sample.drums"))
    templates = drums.nmf_templates()
    methods = {name: (lambda y, sr, name=name: drums.activation(y, sr, name)) for name in drums.NETWORKS}
    methods["NMF (fixed templates)"] = lambda y, sr: drums.nmf_activation(y, sr, templates)
    rows = {}
    for name, act in methods.items():
        act(y, sr)                                  # load the network once before timing
        start = time.perf_counter()
        ests = [drums.pick_drum_peaks(act(e.rendering.audio, e.rendering.sr)) for e in test]
        seconds = time.perf_counter() - start
        refs = [e.rendering.drums for e in test]
        real = drums.pick_drum_peaks(act(y, sr))
        rows[name] = {"F ±20 ms": drums.score_transcriptions(refs, ests, 0.02)["overall"]["F"],
                      "F ±50 ms": drums.score_transcriptions(refs, ests, 0.05)["overall"]["F"],
                      "sample.wav F ±50 ms": evaluation.drum_scores(sample_ref, real, 0.05)["overall"]["F"],
                      "s per min of audio": seconds / minutes}
    print(f"{args.n} loops ({minutes:.1f} min) from the test kits, shipped thresholds {drums.DRUM_PEAKS['threshold']}")
    print(pd.DataFrame(rows).T.round(3))
    print("mean loop length", np.mean([e.rendering.duration for e in test]).round(1), "s")


if __name__ == "__main__":
    main()
