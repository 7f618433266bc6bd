import numpy as np

from mirlib import data
from mirlib.compat import import_madmom


def test_madmom_runs_its_pretrained_beat_tracker():
    madmom = import_madmom()
    from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor

    assert madmom.__version__ == "0.16.1"
    activation = RNNBeatProcessor()(data.madmom_file("sample.wav"))
    beats = DBNBeatTrackingProcessor(fps=100)(activation)
    reference, _ = data.load_beats(data.madmom_file("sample.beats"))
    # every annotated beat is found within 70 ms
    assert all(np.min(np.abs(beats - b)) < 0.07 for b in reference)


def test_shim_restores_removed_names():
    import collections

    assert np.float is float and np.int is int
    assert collections.MutableSequence is collections.abc.MutableSequence
