"""Print the command line's wall time and peak memory against madmom's and librosa's, run side by side.

    LIBROSA_DATA_DIR=... MIRLIB_DATA_DIR=... .venv/bin/python benchmarks/cli.py [--runs 5] [--minutes 5]

Every row is a fresh Python process (what a student waits for when running a
command on one file), started from this one, one after the other; the figures
are medians over ``--runs`` runs of wall time (of the whole process, Python's
own start included, timed from this one) and peak resident memory (the
high-water mark of that process, ``VmHWM``; Linux):

* onsets on madmom's 2.8-s ``sample.wav``: ``mirlib onsets`` through ONNX Runtime
  (the default) and through Keras (``--backend keras``), madmom's CNN onset
  detector with its peak picking (Python API, through mirlib's import shim),
  and librosa's ``onset_detect``;
* beats on a song of ``--minutes`` minutes (librosa's example "choice", a real
  recording, repeated): ``mirlib beats`` both ways, madmom's
  ``RNNBeatProcessor`` + DBN, and librosa's ``beat_track``. The ratios compare
  with madmom as released: its own LSTM code. The shim compiles the LSTMs'
  frame loop for the book's comparisons (:func:`mirlib.compat.lstm_activate`);
  the row "madmom beats, compiled LSTM loop" shows what that gives.

The last columns give each row's time and memory as a ratio to madmom's.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

# each run: the command in a fresh process that reports its own peak memory at exit
# (VmHWM of /proc/self/status, not ru_maxrss: on Linux that one keeps the forking parent's size)
RUNNER = r"""
import atexit, json, sys

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

atexit.register(lambda: print(json.dumps({"peak MB": peak_mb()}), file=sys.stderr))
kind, path = sys.argv[1], sys.argv[2]
if kind.startswith("mirlib"):
    from mirlib.cli import main
    sys.exit(main(kind.split()[1:] + [path], out=open("/dev/null", "w")))
elif kind == "madmom onsets":
    from mirlib.compat import import_madmom
    madmom = import_madmom()
    act = madmom.features.onsets.CNNOnsetProcessor()(path)
    madmom.features.onsets.OnsetPeakPickingProcessor(fps=100)(act)
elif kind.startswith("madmom beats"):
    from mirlib.compat import import_madmom
    madmom = import_madmom()
    if kind == "madmom beats":      # madmom's own LSTM code, as released; the other row keeps the shim's loop
        madmom.ml.nn.layers.LSTMLayer.activate = madmom.ml.nn.layers.LSTMLayer.madmom_activate
    act = madmom.features.beats.RNNBeatProcessor()(path)
    madmom.features.beats.DBNBeatTrackingProcessor(fps=100)(act)
elif kind == "librosa onsets":
    import librosa
    y, sr = librosa.load(path, sr=None)
    librosa.onset.onset_detect(y=y, sr=sr, units="time")
elif kind == "librosa beats":
    import librosa
    y, sr = librosa.load(path, sr=None)
    librosa.beat.beat_track(y=y, sr=sr, units="time")
"""

TASKS = {
    "onsets": ("mirlib onsets", "mirlib onsets --backend keras", "madmom onsets", "librosa onsets"),
    "beats": ("mirlib beats", "mirlib beats --backend keras", "madmom beats", "madmom beats, compiled LSTM loop",
              "librosa beats"),
}


def measure(kind, path, runs):
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", RUNNER, kind, path], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{kind} failed: {proc.stderr[-1000:]}")
        found.append({"seconds": seconds, **json.loads(proc.stderr.strip().splitlines()[-1])})
    return {k: float(np.median([f[k] for f in found])) for k in ("seconds", "peak MB")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per row (median)")
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the song for beats")
    args = parser.parse_args()
    import pandas as pd
    import soundfile as sf

    from mirlib import audio, data

    y, sr = audio.load(data.example("choice"), sr=44100)
    song = np.tile(y, int(np.ceil(args.minutes * 60 * sr / len(y))))[:int(args.minutes * 60 * sr)]
    with tempfile.TemporaryDirectory() as tmp:
        long_path = os.path.join(tmp, "song.wav")
        sf.write(long_path, song, sr)
        files = {"onsets": str(data.madmom_file("sample.wav")), "beats": long_path}
        rows = {}
        for task, kinds in TASKS.items():
            for kind in kinds:
                rows[(task, kind)] = measure(kind, files[task], args.runs)
                print(task, kind, rows[(task, kind)], flush=True)
    table = pd.DataFrame(rows).T
    for task in TASKS:
        base = table.loc[(task, f"madmom {task}")]
        table.loc[task, "time / madmom"] = (table.loc[task, "seconds"] / base["seconds"]).to_numpy()
        table.loc[task, "memory / madmom"] = (table.loc[task, "peak MB"] / base["peak MB"]).to_numpy()
    print(f"\nmedians of {args.runs} runs; onsets on sample.wav (2.8 s), beats on a {args.minutes:g}-min song\n")
    print(table.round(2).to_string())


if __name__ == "__main__":
    main()
