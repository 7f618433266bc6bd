"""Print training and inference time of every shipped network on each Keras backend.

    LIBROSA_DATA_DIR=... MIRLIB_DATA_DIR=... .venv/bin/python benchmarks/models.py [--backends tensorflow jax] [--full]

Each backend runs in its own process (Keras picks its backend once per
process). Per network and backend it prints:

* training: seconds per epoch of the shipped recipe's data (from a 5-epoch
  against a 1-epoch run), the first epoch (which includes compilation), the
  recipe's time estimated from both, and with ``--full`` the measured time of
  the whole recipe (what ``mirlib train NAME`` takes, data generation excluded);
* inference: seconds for the network's example recording
  (:meth:`mirlib.nn.ShippedModel.example_signal`; madmom's 2.8-s ``sample.wav``
  for the rhythm and drum networks) through the whole chain, features
  included, median of 5 runs after one warm-up.

Every network of the registry is measured the same way; its trainer renders
the recipe's data on each run, which is not timed.
"""

import argparse
import json
import os
import subprocess
import sys

WORKER = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
from mirlib import models

full = sys.argv[1] == "full"
rows = {}
for name, shipped in models.MODELS.items():
    recipe = shipped.recipe
    # the recipe's own data, rendered by its trainer (not timed: History's seconds count training only)
    run = lambda epochs, shipped=shipped: shipped.train(epochs=epochs)
    example = shipped.example_signal()
    infer = lambda shipped=shipped, example=example: shipped.network_output(*example)
    first = run(1)["seconds"]
    # a 5-epoch run against a 1-epoch run: the steady cost of one epoch
    per_epoch = (run(5)["seconds"] - first) / 4
    row = {"epoch (s)": per_epoch, "first epoch incl. compile (s)": first,
           "recipe epochs": recipe["epochs"], "recipe estimate (s)": first + per_epoch * (recipe["epochs"] - 1)}
    if full:
        row["full recipe (s)"] = shipped.train()["seconds"]
    infer()
    times = []
    for _ in range(5):
        start = time.perf_counter(); infer(); times.append(time.perf_counter() - start)
    row["inference (s)"] = float(np.median(times))
    rows[name] = row
print("RESULT " + json.dumps(rows))
"""


def run_backend(backend, full):
    env = {**os.environ, "KERAS_BACKEND": backend}
    proc = subprocess.run([sys.executable, "-c", WORKER, "full" if full else "quick"], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{backend} failed:\n{proc.stderr[-3000:]}")
    line = next(l for l in proc.stdout.splitlines() if l.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def main():
    import pandas as pd

    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--full", action="store_true", help="also time the whole training recipe")
    args = parser.parse_args()
    pd.set_option("display.width", 160)
    tables = []
    for backend in args.backends:
        table = pd.DataFrame(run_backend(backend, args.full)).T
        table.insert(0, "backend", backend)
        tables.append(table)
    print(f"{os.cpu_count()} CPU cores")
    print(pd.concat(tables).rename_axis("model").reset_index().sort_values(["model", "backend"])
          .to_string(index=False, float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    main()
