"""Print how closely `mirlib train NAME` reproduces the shipped weights under several CPU instruction sets.

    LIBROSA_DATA_DIR=... MIRLIB_DATA_DIR=... .venv/bin/python benchmarks/reproduction.py [NAME ...] \
        [--isa native AVX2 SSE41] [--seed 1]

For each network (default ``music_speech_cnn`` and ``bass_dnn_m1``, the two
quick recipes) and each instruction set, the recipe runs in its own process
with oneDNN held to that set (``ONEDNN_MAX_CPU_ISA``; ``native`` leaves it
alone), and :func:`mirlib.models.reproduction` compares the weights it writes
with the shipped ones: the largest weight difference, and the largest output
difference on madmom's ``sample.wav`` and ``sample2.wav`` and four of CMU
Sphinx's speech recordings. ``--seed`` adds a run with another seed, the
scale of a real difference. The README and
:data:`mirlib.models.REPRODUCTION_TOLERANCE` quote these figures.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=["music_speech_cnn", "bass_dnn_m1"])
    parser.add_argument("--isa", nargs="+", default=["native", "AVX2", "SSE41"])
    parser.add_argument("--seed", type=int, default=None, help="also train with this seed (a real difference)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from mirlib import audio, models
    from mirlib.data import madmom_file, speech

    recordings = ([audio.load(madmom_file(n), sr=None) for n in ("sample.wav", "sample2.wav")]
                  + [(c.audio, c.sr) for c in speech.speech_clips()[:4]])
    runs = [(isa, None) for isa in args.isa] + ([("native", args.seed)] if args.seed is not None else [])
    print(f"tolerance: {models.REPRODUCTION_TOLERANCE}")
    print("network\tinstruction set\tseed\ttraining s\tmax |weight difference|\tmax |output difference|\twithin")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.names:
            for isa, seed in runs:
                out = Path(tmp) / f"{name}-{isa}-{seed}.weights.h5"
                env = {k: v for k, v in os.environ.items() if k != "ONEDNN_MAX_CPU_ISA"}
                if isa != "native":
                    env["ONEDNN_MAX_CPU_ISA"] = isa
                cmd = [sys.executable, "-m", "mirlib.cli", "train", name, "--out", str(out)]
                cmd += ["--seed", str(seed)] if seed is not None else []
                start = time.perf_counter()
                subprocess.run(cmd, env=env, check=True, capture_output=True)
                seconds = time.perf_counter() - start
                found = models.reproduction(name, out, recordings)
                print(f"{name}\t{isa}\t{'recipe' if seed is None else seed}\t{seconds:.0f}\t{found['weights']:.2g}\t"
                      f"{found['outputs']:.2g}\t{found['within']}", flush=True)


if __name__ == "__main__":
    main()
