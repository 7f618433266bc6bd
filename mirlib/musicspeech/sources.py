"""Music/speech on recordings from sources and speakers the shipped network never trained on.

The test that tells whether the classifier holds up on a user's recordings:
CMU Sphinx's speech, FSDD's isolated words from unheard speakers (as recorded
and alone in 2-s clips of noise), madmom's music excerpts, short clips of the
MDB Drums band mixes and drum loops on unheard kits; accuracy per source and
the calibration of the probabilities (:func:`held_out_scores`).
"""

from __future__ import annotations

import numpy as np

from .. import audio as _audio
from .. import nn
from . import CLASSES, MUSIC_SPEECH_CNN, SR, classify

__all__ = ["cross_source_recordings", "cross_source_test", "held_out_scores"]


def cross_source_recordings(n_loops=12, fsdd_takes=5):
    """Recordings from sources and speakers the music/speech CNN never trained on.

    Parameters
    ----------
    n_loops : int
        Drum loops on the four unheard test kits
        (:func:`mirlib.synth.held_out_kit_pieces`): half drums only, half with
        bass and chords.
    fsdd_takes : int
        Takes per digit of the two unheard FSDD speakers
        (:data:`mirlib.data.fsdd.TEST_SPEAKERS`): each word as recorded, and
        (other takes, ``fsdd_takes // 2 + 1`` of them) alone in a 2-s clip of faint noise.

    Returns
    -------
    list of tuple
        ``(source, name, label, signal, sr)``, mono at their own sample rates:
        the 14 speech recordings of CMU Sphinx
        (:func:`mirlib.data.speech.speech_clips`), the isolated words (label
        0), madmom's two music excerpts, 24 clips of 0.5 to 4 s from the four
        MDB Drums band mixes and the loops (label 1).

    Raises
    ------
    FileNotFoundError
        If a recording cannot be found or downloaded.
    """
    from ..data import augment, fsdd, madmom_file, mdb_drums, speech
    from ..synth.rhythm import held_out_kit_pieces

    out = [("CMU Sphinx speech", c.name, 0, c.audio, c.sr) for c in speech.speech_clips()]
    out += [("FSDD words, unheard speakers", w.name, 0, w.audio, w.sr)
            for w in fsdd.load_words(fsdd.TEST_SPEAKERS, takes=range(fsdd_takes))]
    rng = np.random.default_rng(0)
    out += [("FSDD words in 2-s clips of noise", w.name, 0,
             augment.isolate(w.audio, w.sr, 2.0, rng, noise_db=(-45.0, -25.0), p_silence=0.0), w.sr)
            for w in fsdd.load_words(fsdd.TEST_SPEAKERS, takes=range(fsdd_takes, fsdd_takes + fsdd_takes // 2 + 1))]
    for name in ("sample.wav", "sample2.wav"):
        signal, sr = _audio.load(madmom_file(name), sr=None)
        out.append(("madmom music", name, 1, signal, sr))
    for track in mdb_drums.load_tracks(source="mix"):
        for k, seconds in enumerate((0.5, 1.0, 2.0, 4.0, 0.5, 1.0)):
            start = int(rng.uniform(0, len(track.audio) / track.sr - seconds) * track.sr)
            out.append(("MDB Drums band mixes, short clips", f"{track.name} {seconds:g} s at {start / track.sr:.1f} s",
                        1, track.audio[start:start + int(seconds * track.sr)], track.sr))
    half = n_loops // 2
    for accompaniment, count, first in ((False, n_loops - half, 30000), (True, half, 31000)):
        if count:
            out += [("drum loops, unheard kits", p.name + (" + band" if accompaniment else ""), 1, p.audio, p.sr)
                    for p in held_out_kit_pieces(count, length=8.0, first_seed=first, accompaniment=accompaniment)]
    return out


def cross_source_test(model, recordings=None):
    """Classify recordings from other sources, one row per recording.

    Parameters
    ----------
    model : keras.Model
        A music/speech CNN.
    recordings : list of tuple or None
        ``(source, name, label, signal, sr)``; default
        :func:`cross_source_recordings`.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``recording``, ``seconds``, ``true``,
        ``predicted`` (class names) and ``p_music``.

    Raises
    ------
    ValueError
        For an empty or silent recording.
    """
    import librosa
    import pandas as pd

    recordings = cross_source_recordings() if recordings is None else recordings
    rows = []
    for source, name, label, signal, sr in recordings:
        y = librosa.resample(np.asarray(signal, dtype=np.float32), orig_sr=sr, target_sr=SR)
        predicted, p = classify(y, SR, model=model)
        rows.append(dict(source=source, recording=name, seconds=round(len(y) / SR, 1), true=CLASSES[label],
                         predicted=predicted, p_music=p))
    return pd.DataFrame(rows)


def held_out_scores(model=None, network="music_speech_cnn", n=12):
    """Accuracy of the music/speech CNN on recordings from sources it never trained on.

    Parameters
    ----------
    model : keras.Model or None
        Weights of ``network``; default the shipped ones.
    network : mirlib.nn.ShippedModel or str
        :data:`MUSIC_SPEECH_CNN` (or a variant of it), or its name.
    n : int
        Drum loops on unheard kits among the recordings of :func:`cross_source_recordings`.

    Returns
    -------
    dict
        ``"accuracy"``: the share of recordings classified right; ``"ECE"``:
        expected calibration error of their probabilities of music
        (:func:`mirlib.evaluation.calibration`); ``"recordings"``: how many.

    Raises
    ------
    FileNotFoundError
        If a recording cannot be found or downloaded.
    """
    model = nn.resolve(network, MUSIC_SPEECH_CNN).cached() if model is None else model
    table = cross_source_test(model, cross_source_recordings(n_loops=n))
    from ..evaluation import calibration

    return {"accuracy": float(np.mean(table["true"] == table["predicted"])),
            "ECE": calibration((table["true"] == "music").astype(int), table["p_music"])[1], "recordings": len(table)}
