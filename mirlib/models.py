"""The networks that ship with mirlib, by name: the registry the ``mirlib`` command reads.

=====================  ===============  ==============================================
name                   task             paper
=====================  ===============  ==============================================
``onset_cnn``          onsets           Schlüter & Böck, ICASSP 2014
``onset_rnn``          onsets           Eyben et al. 2010; Böck et al. 2012
``beat_blstm``         beats, tempo     Böck & Schedl, DAFx 2011
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
:mod:`mirlib.similarity`, :mod:`mirlib.drums`, :mod:`mirlib.structure`, :mod:`mirlib.bass`):
its feature settings, builder, training recipe and weights file
(``mirlib/weights/NAME.weights.h5``). ``mirlib train NAME`` runs the recipe,
which reproduces the shipped weights on the default backend.

Examples
--------
>>> sorted(MODELS)
['bass_dnn', 'bass_dnn_m1', 'beat_blstm', 'boundary_cnn', 'drum_cnn', 'drum_crnn', 'drum_joint', 'drum_rnn', 'music_speech_cnn', 'onset_cnn', 'onset_rnn', 'style_embedding']
>>> get("beats").name, get("beats").fps
('beat_blstm', 100.0)
"""

from __future__ import annotations

from . import bass, beats, drums, musicspeech, onsets, similarity, structure

__all__ = ["MODELS", "get", "load", "train"]

#: Shipped networks by name.
MODELS = {m.name: m for m in (onsets.ONSET_CNN, onsets.ONSET_RNN, beats.BEAT_BLSTM, musicspeech.MUSIC_SPEECH_CNN,
                              similarity.STYLE_EMBEDDING, drums.DRUM_CRNN, drums.DRUM_CNN, drums.DRUM_RNN,
                              drums.DRUM_JOINT, structure.BOUNDARY_CNN, bass.BASS_DNN, bass.BASS_DNN_M1)}


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
