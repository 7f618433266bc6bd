"""A shipped network with its features inside one ONNX graph: signal in, activations out.

For the reader's browser (ONNX Runtime Web), which has no librosa: the graph
takes the samples of a mono signal at the network's sample rate and computes
what :class:`mirlib.features.FeatureSettings` computes, with ONNX's own
operators (opset 17): zero padding by half a frame, ``STFT`` with the periodic
Hann window, the magnitude, the filterbank as a constant matrix (mirlib's
mel or logarithmic filterbank itself, so no filter formula is repeated),
``log10(mul * x + add)``, the stack of frame sizes, the positive
difference of Böck's recurrent networks and the padding with silence of
:func:`mirlib.nn.predict_sequence`. The network graph
(:func:`mirlib.nn.onnx.export`) follows unchanged.

The operators are those of the ONNX standard, opset 17 (``STFT`` since 17);
the features are those of the networks' papers (Schlüter & Böck's
multi-resolution log-mel :cite:p:`schlueter2014improved`, Vogl et al.'s
log-filtered spectrogram :cite:p:`vogl2017drum`).

ONNX Runtime's FFT is not SciPy's, so the features agree with mirlib's to
float32 rounding, not bit for bit; ``tests/test_onnx.py`` checks the whole
graph's activations against mirlib's on real recordings.
"""

from __future__ import annotations

import numpy as np

from ..features.fourier import hann_window
from ..features.spectral import log_filterbank, mel_filterbank
from .onnx import OPSET
from .training import SEQUENCE_MULTIPLE

__all__ = ["features_graph", "signal_to_activation", "SIGNAL", "ACTIVATION", "N_FRAMES"]

#: Name of the graph's input: the samples, float32, shape ``(n_samples,)``.
SIGNAL = "signal"
#: Name of the graph's output: the activations, float32, shape ``(n_frames, n_outputs)``.
ACTIVATION = "activation"
#: Name of the number of frames before padding, int64, shape ``(1,)``.
N_FRAMES = "n_frames"


def _filterbank(settings, frame_size):
    if settings.bands_per_octave:
        return log_filterbank(settings.sr, frame_size, settings.bands_per_octave, settings.fmin,
                              settings.fmax or settings.sr / 2)
    return mel_filterbank(settings.sr, frame_size, n_mels=settings.n_bands, fmin=settings.fmin, fmax=settings.fmax)


def features_graph(settings, inputs="stack", output="features", multiple=None):
    """The ONNX nodes that turn a signal into a network's input.

    Parameters
    ----------
    settings : mirlib.features.FeatureSettings
        A (log-)mel or logarithmic-filterbank setting without a floor; not a
        constant-Q one.
    inputs : {"stack", "flat"}
        The network input (:meth:`mirlib.nn.ShippedModel.network_input`): the
        stacked spectrograms, or each frame flattened with its positive
        difference.
    output : str
        Name of the output, shape ``(1, n_frames, ...)`` (a batch of one).
    multiple : int or None
        Pad with zero frames to a multiple of this many frames, as
        :func:`mirlib.nn.predict_sequence` does (a recurrent network's backward
        pass sees the padding); the number of frames before padding is the
        value :data:`N_FRAMES`, shape ``(1,)``.

    Returns
    -------
    onnx.GraphProto
        Input :data:`SIGNAL`, float32 ``(n_samples,)`` at ``settings.sr``.

    Raises
    ------
    ValueError
        For a constant-Q setting, one with a floor, or another kind of input.
    """
    from onnx import TensorProto, helper, numpy_helper

    if settings.constant_q or not settings.frame_sizes:
        raise ValueError(f"{settings.name}: a constant-Q transform has no ONNX operator")
    if settings.floor is not None:
        raise ValueError(f"{settings.name}: the floor (a whole recording's maximum) is left to mirlib")
    if inputs not in ("stack", "flat"):
        raise ValueError(f"network input {inputs!r} has no ONNX graph (only 'stack' and 'flat')")
    consts, nodes = [], []

    def const(name, value):
        if name not in {c.name for c in consts}:
            consts.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op, ins, out, **attrs):
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    signal = node("Unsqueeze", [SIGNAL, const("axes_0_2", np.array([0, 2], np.int64))], "signal_3d")
    bands = []
    for n in settings.frame_sizes:
        padded = node("Pad", [signal, const(f"pad_{n}", np.array([0, n // 2, 0, 0, n // 2, 0], np.int64))],
                      f"padded_{n}")
        spec = node("STFT", [padded, const("hop", np.array(settings.hop_size, np.int64)),
                             const(f"window_{n}", hann_window(n).astype(np.float32)),
                             const(f"length_{n}", np.array(n, np.int64))], f"stft_{n}", onesided=1)
        power = node("ReduceSumSquare", [spec], f"power_{n}", axes=[-1], keepdims=0)     # axes: attribute in opset 17
        magnitude = node("Sqrt", [power], f"magnitude_{n}")                 # (1, n_frames, n_bins)
        filtered = node("MatMul", [magnitude, const(f"filterbank_{n}", _filterbank(settings, n))], f"filtered_{n}")
        scaled = node("Add", [node("Mul", [filtered, const("log_mul", np.float32(settings.log_mul))], f"mul_{n}"),
                              const("log_add", np.float32(settings.log_add))], f"add_{n}")
        bands.append(node("Div", [node("Log", [scaled], f"ln_{n}"), const("ln10", np.float32(np.log(10.0)))],
                          f"log_{n}"))
    if len(bands) == 1:
        x = bands[0]
    else:
        x = node("Concat", [node("Unsqueeze", [b, const("axis_3", np.array([3], np.int64))], f"{b}_4d")
                            for b in bands], "stacked", axis=3)
    if inputs == "flat":
        flat = node("Reshape", [x, const("flat_shape", np.array([1, -1, settings.n_bands * len(bands)], np.int64))],
                    "flat")
        # the frame before each frame (the first one its own), as np.diff(prepend=first frame)
        first = node("Slice", [flat, const("zero", np.array([0], np.int64)), const("one", np.array([1], np.int64)),
                               const("axis_1", np.array([1], np.int64))], "first_frame")
        but_last = node("Slice", [flat, const("zero", np.array([0], np.int64)),
                                  const("minus_one", np.array([-1], np.int64)), "axis_1"], "but_last")
        before = node("Concat", [first, but_last], "frame_before", axis=1)
        rise = node("Relu", [node("Sub", [flat, before], "difference")], "rise")
        x = node("Concat", [flat, rise], "flat_and_rise", axis=2)
    if multiple:
        # zero frames (silence) up to a multiple of `multiple` frames, as mirlib.nn.predict_sequence pads
        n_frames = node("Slice", [node("Shape", [x], "x_shape"), const("one", np.array([1], np.int64)),
                                  const("two", np.array([2], np.int64))], N_FRAMES)
        missing = node("Mod", [node("Neg", [n_frames], "minus_n_frames"),
                               const("multiple", np.array([multiple], np.int64))], "missing_frames")
        rank = 4 if inputs == "stack" and len(bands) > 1 else 3
        pads = node("Concat", [const("pads_before", np.zeros(rank + 1, np.int64)), missing,
                               const("pads_after", np.zeros(rank - 2, np.int64))], "frame_pads", axis=0)
        x = node("Pad", [x, pads], "padded_frames")
    nodes.append(helper.make_node("Identity", [x], [output]))
    return helper.make_graph(nodes, f"{settings.name}_features",
                             [helper.make_tensor_value_info(SIGNAL, TensorProto.FLOAT, ["n_samples"])],
                             [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)], consts)


def signal_to_activation(shipped, path=None):
    """One ONNX model of a shipped network with its features: signal in, activations out.

    Parameters
    ----------
    shipped : mirlib.nn.ShippedModel
        A sequence network (``input_shape[0] is None``) whose input is its
        stacked or flattened features, e.g. ``onset_cnn``, ``beat_blstm``,
        ``drum_crnn``.
    path : str or Path or None
        Also write the model there.

    Returns
    -------
    onnx.ModelProto
        Input :data:`SIGNAL`: float32 samples, shape ``(n_samples,)``, at
        ``shipped.features.sr`` Hz; output :data:`ACTIVATION`: float32,
        shape ``(n_frames, n_outputs)``, at ``shipped.fps`` frames per second.

    Raises
    ------
    ValueError
        For a frame-wise or excerpt network, a constant-Q input, or one whose
        input a function makes.
    FileNotFoundError
        If the network's ONNX file is missing (run ``mirlib export NAME``).

    Examples
    --------
    >>> import onnxruntime
    >>> from mirlib import audio, data, onsets
    >>> model = signal_to_activation(onsets.ONSET_CNN)
    >>> session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    >>> y, sr = audio.load(data.madmom_file("sample.wav"), sr=onsets.ONSET_CNN.features.sr)
    >>> session.run([ACTIVATION], {SIGNAL: y})[0].shape
    (281, 1)
    """
    import onnx
    from onnx import compose, helper

    if shipped.input_shape[0] is not None or callable(shipped.inputs):
        raise ValueError(f"{shipped.name}: only sequence networks fed their stacked or flattened features "
                         "have a signal-to-activation graph")
    if not shipped.onnx_path.is_file():
        raise FileNotFoundError(f"{shipped.onnx_path} is missing: run `mirlib export {shipped.name}`")
    network = onnx.load(str(shipped.onnx_path))
    features = helper.make_model(features_graph(shipped.features, shipped.inputs, multiple=SEQUENCE_MULTIPLE),
                                 opset_imports=[helper.make_opsetid("", OPSET)], ir_version=network.ir_version)
    for opset in network.opset_import:
        if opset.domain:
            features.opset_import.append(opset)
    merged = compose.merge_models(features, network, io_map=[("features", network.graph.input[0].name)],
                                  prefix2="network/")
    out = merged.graph.output[0].name
    # the first n_frames frames of the batch of one
    merged.graph.initializer.extend([onnx.numpy_helper.from_array(np.array([0], np.int64), "network/batch_axis"),
                                     onnx.numpy_helper.from_array(np.array([0], np.int64), "network/first")])
    merged.graph.node.extend([
        helper.make_node("Squeeze", [out, "network/batch_axis"], ["network/padded_activation"]),
        helper.make_node("Slice", ["network/padded_activation", "network/first", N_FRAMES, "network/batch_axis"],
                         [ACTIVATION])])
    del merged.graph.output[:]
    merged.graph.output.append(helper.make_tensor_value_info(ACTIVATION, onnx.TensorProto.FLOAT, ["n_frames", None]))
    onnx.checker.check_model(merged)
    if path is not None:
        onnx.save(merged, str(path))
    return merged
