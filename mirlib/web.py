"""The files of the website's page "Try it on your own recording": the networks of the command line, in the browser.

The page (``book/try.md``, its script ``book/_ext/try/try.js``) decodes a
recording with the Web Audio API and runs, with ONNX Runtime Web, the very
networks that ``mirlib onsets``, ``mirlib drums`` and ``mirlib beats`` run
(their default ``network``), each as one ONNX model with its features inside
(:func:`mirlib.nn.onnx_features.signal_to_activation`). The page's script then
does what mirlib does after the network, with the settings written here from
mirlib's own constants: madmom's peak picking for onsets and drum hits
(:data:`mirlib.onsets.ONSET_PEAKS`, the drum network's tuned thresholds), and
for beats a Viterbi decoding over the state space of madmom's DBN
(:cite:p:`krebs2015efficient`; the command line runs madmom's own).

The book's build writes these files (``book/_ext/dl4mir_site.py``);
``tests/test_book.py`` feeds recordings to the built page in headless Chromium
and compares its events with mirlib's.
"""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

from . import beats, drums, models, onsets
from .features.postprocessing import BPM_RANGE
from .nn.onnx_features import signal_to_activation

__all__ = ["write_try_assets", "TRY_TASKS", "RUNTIME_FILES", "DBN_SETTINGS"]

#: The page's tasks: name -> the mirlib function whose default network the page runs.
TRY_TASKS = {"onsets": onsets.detect_onsets, "drums": drums.transcribe, "beats": beats.track_beats}
#: ONNX Runtime Web's files that the page loads (the WebAssembly build, single-threaded: a static
#: site is not cross-origin isolated), from the npm package pinned in ``tools/web``.
RUNTIME_FILES = ("ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
#: The DBN of :func:`mirlib.features.beats_from_activation`: madmom's
#: ``DBNBeatTrackingProcessor`` with its defaults and mirlib's tempo range.
DBN_SETTINGS = dict(min_bpm=BPM_RANGE[0], max_bpm=BPM_RANGE[1], transition_lambda=100.0, observation_lambda=16.0)


def _network(task):
    return models.get(inspect.signature(TRY_TASKS[task]).parameters["network"].default)


def write_try_assets(folder, runtime=None):
    """Write the page's models, settings and runtime into ``folder``.

    Parameters
    ----------
    folder : str or Path
        The site's folder for the page's files (created).
    runtime : str or Path or None
        ONNX Runtime Web's ``dist`` folder (``tools/web/node_modules/onnxruntime-web/dist``);
        None or a missing folder leaves the runtime out, and the settings say so
        (``"runtime": null``), so that the page tells the reader.

    Returns
    -------
    dict
        The settings written to ``config.json``: the sample rate, and per task
        the model file, frame rate, output labels and post-processing.

    Raises
    ------
    ValueError
        If the networks want different sample rates (the page decodes once).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tasks = {}
    for task in TRY_TASKS:
        network = _network(task)
        signal_to_activation(network, folder / f"{task}.onnx")
        tasks[task] = dict(model=f"{task}.onnx", network=network.name, fps=network.fps, sr=network.features.sr,
                           outputs=list(network.outputs), bytes=(folder / f"{task}.onnx").stat().st_size)
    if len({t["sr"] for t in tasks.values()}) != 1:
        raise ValueError(f"the page's networks want different sample rates: { {k: t['sr'] for k, t in tasks.items()} }")
    tasks["onsets"]["peaks"] = dict(onsets.ONSET_PEAKS)
    drum_peaks = {k: v for k, v in drums.DRUM_PEAKS.items() if k != "threshold"}
    thresholds = _network("drums").thresholds
    tasks["drums"]["peaks"] = {d: dict(drum_peaks, threshold=float(thresholds[d])) for d in drums.DRUMS}
    tasks["beats"]["dbn"] = dict(DBN_SETTINGS)
    have_runtime = runtime is not None and all((Path(runtime) / f).is_file() for f in RUNTIME_FILES)
    if have_runtime:
        for f in RUNTIME_FILES:
            shutil.copyfile(Path(runtime) / f, folder / f)
    config = dict(sr=tasks["onsets"]["sr"], tasks=tasks, runtime="ort.wasm.min.js" if have_runtime else None,
                  bytes=sum(p.stat().st_size for p in folder.iterdir() if p.name != "config.json"))
    (folder / "config.json").write_text(json.dumps(config, indent=1))
    return config
