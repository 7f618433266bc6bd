"""The networks that ship with mirlib, by name: the registry the ``mirlib`` command reads.

=====================  ===============  ==============================================
name                   task             paper
=====================  ===============  ==============================================
``onset_cnn``          onsets           Schlüter & Böck, ICASSP 2014
``onset_rnn``          onsets           Eyben et al. 2010; Böck et al. 2012
``beat_blstm``         beats, tempo     Böck & Schedl, DAFx 2011
``beat_tcn``           beats, downbeats Böck & Davies, ISMIR 2020 (multi-task TCN)
``music_speech_cnn``   music/speech     Lidy, MIREX 2015
``style_embedding``    similarity       Hoffer & Ailon 2015; Pons et al. 2016
``drum_crnn``          drums            Vogl et al., ISMIR 2017 (CRNN)
``drum_cnn``           drums            Vogl et al., ISMIR 2017 (CNN)
``drum_rnn``           drums            Vogl et al., ISMIR 2017 (RNN)
``drum_joint``         drums, downbeats Vogl et al., ISMIR 2017 (joint drums and beats)
``boundary_cnn``       boundaries       Ullrich, Schlüter & Grill, ISMIR 2014
``bass_dnn``           bass             Abeßer et al., AES 2017 (M1+, augmented)
``bass_dnn_m1``        bass             Abeßer et al., AES 2017 (M1, not augmented)
=====================  ===============  ==============================================

Each entry is a :class:`mirlib.nn.ShippedModel` defined by its task module
(:mod:`mirlib.onsets`, :mod:`mirlib.beats`, :mod:`mirlib.musicspeech`,
:mod:`mirlib.similarity`, :mod:`mirlib.drums`, :mod:`mirlib.structure`, :mod:`mirlib.bass`,
:mod:`mirlib.vocals`):
its feature settings, builder, training recipe and weights file
(``mirlib/weights/NAME.weights.h5``). ``mirlib train NAME`` runs the recipe,
which reproduces the shipped weights on the default backend.

Examples
--------
>>> sorted(MODELS)
['bass_dnn', 'bass_dnn_m1', 'beat_blstm', 'beat_tcn', 'boundary_cnn', 'drum_cnn', 'drum_crnn', 'drum_joint', 'drum_rnn', 'music_speech_cnn', 'onset_cnn', 'onset_rnn', 'style_embedding', 'vocal_cnn', 'vocal_cnn_plain']
>>> get("beats").name, get("beats").fps
('beat_blstm', 100.0)
"""

from __future__ import annotations

import importlib
import os

from . import bass, beats, drums, musicspeech, onsets, similarity, structure, vocals

__all__ = ["MODELS", "get", "load", "train", "register", "reproduction", "REPRODUCTION_TOLERANCE",
           "DRIFT_TOLERANCE", "table"]

#: Shipped networks by name.
MODELS = {m.name: m for m in (onsets.ONSET_CNN, onsets.ONSET_RNN, beats.BEAT_BLSTM, beats.BEAT_TCN,
                              musicspeech.MUSIC_SPEECH_CNN,
                              similarity.STYLE_EMBEDDING, drums.DRUM_CRNN, drums.DRUM_CNN, drums.DRUM_RNN,
                              drums.DRUM_JOINT, structure.BOUNDARY_CNN, bass.BASS_DNN, bass.BASS_DNN_M1,
                              vocals.VOCAL_CNN, vocals.VOCAL_CNN_PLAIN)}


def register(model):
    """Add a network to the registry: ``mirlib train``, its help and the tests then know it.

    A network defined outside mirlib (a course's own, or a test's toy) is
    registered by a module that calls this; naming the module in the
    environment variable ``MIRLIB_MODELS`` (comma-separated) registers it in
    every process, the ``mirlib`` command included.

    Parameters
    ----------
    model : mirlib.nn.ShippedModel
        With ``weights_file`` set if its weights are not in ``mirlib/weights``.

    Returns
    -------
    mirlib.nn.ShippedModel
        ``model``.

    Raises
    ------
    ValueError
        If a network of that name (or alias) is registered already.
    """
    taken = {n for m in MODELS.values() for n in (m.name, *m.aliases)}
    clash = {model.name, *model.aliases} & taken
    if clash and MODELS.get(model.name) is not model:
        raise ValueError(f"a network named {sorted(clash)[0]!r} is registered already")
    MODELS[model.name] = model
    return model


for _module in filter(None, (m.strip() for m in os.environ.get("MIRLIB_MODELS", "").split(","))):
    importlib.import_module(_module)


def get(name):
    """The shipped network of a name (or of an alias such as ``"beats"``).

    Parameters
    ----------
    name : str

    Returns
    -------
    mirlib.nn.ShippedModel

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    for model in MODELS.values():
        if name == model.name or name in model.aliases:
            return model
    raise ValueError(f"unknown model {name!r}; shipped models: {sorted(MODELS)}")


def load(name, path=None):
    """The trained network ``name`` with its shipped weights (or those in ``path``).

    Parameters
    ----------
    name : str
        A name or alias of :data:`MODELS`.
    path : str or pathlib.Path or None
        A weights file written by ``mirlib train NAME`` to load instead.

    Returns
    -------
    keras.Model
        Input and output shapes as given by the builder (e.g. ``(batch,
        n_frames, 80, 3)`` -> ``(batch, n_frames, 1)`` for ``onset_cnn``).

    Raises
    ------
    ValueError
        For an unknown name.
    FileNotFoundError
        If the weights file does not exist.
    """
    return get(name).load(path)


def train(name, **overrides):
    """Train the network ``name`` by its recipe (keyword arguments override it).

    Parameters
    ----------
    name : str
        A name or alias of :data:`MODELS`.
    **overrides
        Recipe entries to change, e.g. ``n_train``, ``epochs``, ``seed``
        (see the model's ``recipe``), or ``verbose``.

    Returns
    -------
    mirlib.nn.History
        With the trained network as ``.model``.

    Raises
    ------
    ValueError
        For an unknown name or training argument.
    """
    return get(name).train(**overrides)


#: How close ``mirlib train NAME`` comes to the shipped weights on the CPU they were
#: made on: the largest absolute difference of a weight, and of a network output (a
#: probability) on real recordings. Measured for ``music_speech_cnn`` (README,
#: ``benchmarks/reproduction.py``): 0 and 0 on a CPU with the instruction set the
#: weights were made with; 0.055 to 0.12 and 0.01 when oneDNN is held to AVX2 or
#: SSE4.1, whose other order of floating-point sums sends training down another path
#: (the outputs agree, the weights do not). The same recipe with another seed moves
#: weights by 0.88.
REPRODUCTION_TOLERANCE = {"weights": 0.02, "outputs": 0.05}

#: How far ``mirlib train music_speech_cnn`` may end from the shipped weights on any
#: CPU: oneDNN's kernels differ by instruction set, cache sizes and cores, and the
#: recipe drifts by 0.055 to 0.18 per weight on the CPUs measured (an AMD EPYC with
#: AVX512-VNNI: 0.18), against 0.88 for another seed. A quarter of a seed's difference
#: per weight; 0.15 per output, as two isolated words move by 0.08 to 0.10 (README,
#: "What reproduces means").
DRIFT_TOLERANCE = {"weights": 0.25, "outputs": 0.15}


def reproduction(name, path, recordings):
    """How far the weights in ``path`` are from the shipped weights of ``name``.

    Parameters
    ----------
    name : str
        A name or alias of :data:`MODELS`.
    path : str or pathlib.Path
        A weights file, e.g. written by ``mirlib train NAME --out PATH``.
    recordings : list of (np.ndarray, int)
        Mono signals ``(y, sr)`` on which both networks' outputs are compared
        (resampled to the network's sample rate).

    Returns
    -------
    dict
        ``weights``: the largest absolute difference of a weight;
        ``outputs``: the largest absolute difference of a network output
        (frame-wise activations, or the outputs of non-overlapping excerpts
        for an excerpt classifier), over all recordings;
        ``within``: both are within :data:`REPRODUCTION_TOLERANCE`.

    Raises
    ------
    ValueError
        For an unknown name, or weights of another shape.
    FileNotFoundError
        If ``path`` does not exist.
    """
    import numpy as np

    shipped = get(name)
    ours, theirs = shipped.load(path), shipped.cached()
    a, b = ours.get_weights(), theirs.get_weights()
    if [w.shape for w in a] != [w.shape for w in b]:
        raise ValueError(f"{path} holds weights of other shapes than the shipped {name}")
    weights = max((float(np.max(np.abs(x - y))) for x, y in zip(a, b) if x.size), default=0.0)
    outputs = 0.0
    for y, sr in recordings:
        # excerpt networks: non-overlapping excerpts
        o, t = (shipped.network_output(y, sr, model=m, hop=shipped.input_shape[0]) for m in (ours, theirs))
        outputs = max(outputs, float(np.max(np.abs(o - t))))
    within = weights <= REPRODUCTION_TOLERANCE["weights"] and outputs <= REPRODUCTION_TOLERANCE["outputs"]
    return {"weights": weights, "outputs": outputs, "within": within}


def table(fmt="markdown"):
    """The registry as a table: name, task, what it is, and its training options.

    What the README's model list and ``mirlib train --help`` show, generated
    here so that a new entry in :data:`MODELS` appears in both.

    Parameters
    ----------
    fmt : {"markdown"}
        Output format.

    Returns
    -------
    str
        One row per shipped network.

    Raises
    ------
    ValueError
        For another format.
    """
    from .nn import TRAINING_OPTIONS

    if fmt != "markdown":
        raise ValueError(f"only the markdown format is written, not {fmt!r}")
    rows = ["| network | task | what it is | `mirlib train` options |", "|---|---|---|---|"]
    for m in MODELS.values():
        options = ", ".join(f"`{flag}`" for key, (flag, _) in TRAINING_OPTIONS.items() if key in m.recipe)
        rows.append(f"| `{m.name}` | {m.task} | {m.description} | {options} |")
    return "\n".join(rows)
