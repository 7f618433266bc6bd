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


def test_shim_gives_madmom_the_removed_names_and_nobody_else():
    import collections
    import subprocess
    import sys

    madmom = import_madmom()
    import madmom.audio.signal
    import madmom.features.beats

    # madmom's modules see NumPy with its old aliases ...
    assert madmom.audio.signal.np.float is float and madmom.features.beats.np.int is int
    assert madmom.audio.signal.np.zeros is np.zeros
    # ... found in its own dictionary, not through __getattr__ (each fallback raises and catches an
    # AttributeError: madmom's frame-by-frame LSTMs ran at half speed through the shim)
    from mirlib.compat import MADMOM_NUMPY
    for name in ("dot", "tanh", "zeros", "float32", "asarray", "linalg", "float", "int"):
        assert name in vars(MADMOM_NUMPY), name
    # ... while NumPy and collections stay as they are for every other importer
    assert not hasattr(np, "float") and not hasattr(np, "int")
    assert not hasattr(collections, "MutableSequence")
    # in a fresh process too, after mirlib imported madmom
    code = ("import numpy, collections, mirlib.compat as c; c.import_madmom(); "
            "print(hasattr(numpy, 'float'), hasattr(collections, 'MutableSequence'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.split() == ["False", "False"], out.stderr[-2000:]


def test_shim_runs_madmoms_lstms_faster_with_the_same_activations():
    import time

    madmom = import_madmom()
    from madmom.features.beats import RNNBeatProcessor
    from madmom.features.downbeats import RNNDownBeatProcessor
    from madmom.ml.nn.layers import LSTMLayer

    from mirlib.compat import lstm_activate
    assert LSTMLayer.activate is lstm_activate and madmom._mirlib_shimmed
    path = data.madmom_file("sample.wav")
    RNNDownBeatProcessor()(path)    # the first call compiles the loop (or loads it from Numba's cache): not timed
    timings = {}
    try:
        for implementation in ("madmom", "shim"):
            LSTMLayer.activate = LSTMLayer.madmom_activate if implementation == "madmom" else lstm_activate
            start = time.perf_counter()
            timings[implementation] = [RNNBeatProcessor()(path), RNNDownBeatProcessor()(path)]
            timings[implementation].append(time.perf_counter() - start)
    finally:
        LSTMLayer.activate = lstm_activate
    (beat, down, madmom_seconds), (fast_beat, fast_down, shim_seconds) = timings["madmom"], timings["shim"]
    # the same equations: equal to float32 rounding (madmom's activations are float32)
    assert beat.shape == fast_beat.shape and down.shape == fast_down.shape
    np.testing.assert_allclose(fast_beat, beat, atol=1e-5)
    np.testing.assert_allclose(fast_down, down, atol=1e-5)
    assert np.ptp(beat) > 0.2 and np.ptp(down) > 0.2     # real activations, not arrays of zeros
    # and faster (3 to 4x measured; a loose bound, as a busy test machine times noisily)
    assert shim_seconds < madmom_seconds, (shim_seconds, madmom_seconds)


def test_lstm_layers_with_other_gates_or_no_peepholes_match_madmom():
    """Layers without peepholes take the compiled loop; layers with other gate functions run madmom's own method."""
    import_madmom()
    from madmom.ml.nn import activations
    from madmom.ml.nn.layers import Cell, Gate, LSTMLayer

    rng = np.random.default_rng(0)
    n_inputs, n_units = 7, 5

    def weights(*shape):
        return rng.normal(0, 0.5, shape).astype(np.float32)

    def hard_sigmoid(x, out=None):      # bounded like a sigmoid, but not madmom's
        return np.clip(0.2 * x + 0.5, 0, 1, out=out)

    for peepholes, gate_fn in ((True, activations.sigmoid), (False, activations.sigmoid), (True, hard_sigmoid)):
        def gate():
            return Gate(weights(n_inputs, n_units), weights(n_units), weights(n_units, n_units),
                        weights(n_units) if peepholes else None, activation_fn=gate_fn)

        layer = LSTMLayer(gate(), gate(), Cell(weights(n_inputs, n_units), weights(n_units),
                                               weights(n_units, n_units)), gate())
        data = weights(50, n_inputs)
        expected = LSTMLayer.madmom_activate(layer, data)
        np.testing.assert_allclose(layer.activate(data), expected, atol=1e-5)
        # carrying the state on (reset=False) as madmom does
        np.testing.assert_allclose(layer.activate(data[:20]), expected[:20], atol=1e-5)
        np.testing.assert_allclose(layer.activate(data[20:], reset=False), expected[20:], atol=1e-5)
