"""Import shim that lets madmom 0.16.1 run on Python 3.11 and NumPy >= 1.24, without changing them for anyone else.

madmom 0.16.1 (2018) is the only release on the package index. Its code

* imports ``MutableSequence`` from :mod:`collections`, which Python 3.10 removed
  (it lives in :mod:`collections.abc`), and
* uses NumPy's scalar aliases ``np.float``, ``np.int``, ``np.complex`` and
  ``np.bool``, which NumPy 1.24 removed (they were the Python builtins), and
* in :class:`~madmom.features.downbeats.DBNDownBeatTrackingProcessor`, builds an
  array of ``(path, log probability)`` pairs of different lengths to pick the
  best bar length, which NumPy 1.24 refuses (a ragged array).

Its LSTM layers (:class:`madmom.ml.nn.layers.LSTMLayer`, in the pretrained beat
and downbeat ensembles) also take each frame's input through each gate's
weights one frame at a time, a dozen NumPy calls per frame. The shim computes
the input part of all frames and gates in one product and compiles the loop over
the recurrent part with Numba (:func:`lstm_activate`): the same equations, the
beat ensemble about 3 times and the downbeat ensemble 4 times as fast, their
activations equal to float32 rounding (tested against madmom's own code).

:func:`import_madmom` imports every madmom module with the old names in place
for the moment of the import, then takes them away again and hands madmom's
modules a NumPy of their own (:data:`MADMOM_NUMPY`: NumPy plus the aliases) in
place of the global one. Importing mirlib or madmom through it leaves
``numpy.float`` undefined for every other importer (students' code in the
exercises included), as NumPy >= 1.24 intends. It also mends the downbeat
tracker. Always import madmom through :func:`import_madmom`, never directly.
This is the only place of the shim.
"""

import collections
import collections.abc
import contextlib
import functools
import importlib
import pkgutil
import sys
import types

import numpy as np

__all__ = ["import_madmom", "import_pretty_midi", "lstm_activate", "MADMOM_NUMPY"]

_ALIASES = {"float": float, "int": int, "complex": complex, "bool": bool}
_COLLECTIONS = ("MutableSequence", "Sequence", "Iterable", "Mapping", "MutableMapping")


class _NumpyWithAliases(types.ModuleType):
    """NumPy as madmom 0.16.1 knows it: every NumPy name, plus ``float``, ``int``, ``complex``, ``bool``."""

    def __getattr__(self, name):
        return getattr(np, name)

    def __dir__(self):
        return sorted(set(dir(np)) | set(_ALIASES))


#: The NumPy that madmom's modules see as ``np`` (and ``numpy``): NumPy with the
#: scalar aliases it removed in 1.24. Nobody else sees them.
MADMOM_NUMPY = _NumpyWithAliases("numpy", "NumPy with the scalar aliases of NumPy < 1.24, for madmom 0.16.1")
# NumPy's public names are copied in, so that madmom's frame-by-frame LSTMs (half a million
# lookups of np.dot, np.tanh, ... per 10-s recording) find them in the module's own
# dictionary instead of through __getattr__, which only serves the names NumPy loads lazily
MADMOM_NUMPY.__dict__.update({_name: _value for _name, _value in np.__dict__.items() if not _name.startswith("__")})
for _alias, _builtin in _ALIASES.items():
    setattr(MADMOM_NUMPY, _alias, _builtin)


@contextlib.contextmanager
def _old_names():
    """The removed names, put back only while madmom's module code runs (its import)."""
    added = []
    for name in _COLLECTIONS:
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
            added.append((collections, name))
    for name, builtin in _ALIASES.items():
        if name not in np.__dict__:
            setattr(np, name, builtin)
            added.append((np, name))
    try:
        yield
    finally:
        for module, name in added:
            delattr(module, name)


def _give_madmom_its_numpy():
    for name, module in list(sys.modules.items()):
        if name == "madmom" or name.startswith("madmom."):
            namespace = getattr(module, "__dict__", {})
            for key, value in list(namespace.items()):
                if value is np:
                    namespace[key] = MADMOM_NUMPY


def import_madmom():
    """Import and return :mod:`madmom` with the compatibility shim applied.

    Every madmom module is imported (so that none runs its module code later,
    without the old names), then sees :data:`MADMOM_NUMPY` as its NumPy.

    Returns
    -------
    module
        The :mod:`madmom` package.

    Raises
    ------
    ImportError
        If madmom is not installed. The message says how to install it (it needs
        ``pip install --no-build-isolation madmom`` after NumPy and Cython).
    """
    import warnings

    if "madmom" in sys.modules and getattr(sys.modules["madmom"], "_mirlib_shimmed", False):
        return sys.modules["madmom"]
    try:
        with warnings.catch_warnings(), _old_names():
            # madmom imports pkg_resources, which warns that it is deprecated (the pin
            # setuptools<81 keeps it working), and its old modules warn that they are
            # (madmom.utils.midi): warnings about madmom's own import only distract.
            warnings.simplefilter("ignore")
            import madmom

            for info in pkgutil.walk_packages(madmom.__path__, "madmom."):
                try:
                    importlib.import_module(info.name)
                except ImportError:     # optional dependencies (e.g. pyaudio for live input)
                    pass
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "madmom is not installed; install numpy and Cython first, then "
            "`pip install --no-build-isolation madmom==0.16.1` (see README)"
        ) from err
    _give_madmom_its_numpy()
    _mend_downbeat_tracker(madmom)
    lstm = madmom.ml.nn.layers.LSTMLayer
    if lstm.activate is not lstm_activate:
        lstm.madmom_activate = lstm.activate     # madmom's own, kept for comparison
        lstm.activate = lstm_activate
    madmom._mirlib_shimmed = True
    return madmom


def lstm_activate(self, data, reset=True):
    """:meth:`madmom.ml.nn.layers.LSTMLayer.activate` with the input weights applied to all frames at once.

    madmom's layer runs every frame through its four gates (input, forget,
    cell, output), each with its own input and recurrent product, a dozen NumPy
    calls per frame. The input products do not depend on the previous frame, so
    here they are one matrix product over all frames and gates before the loop;
    the loop over frames, which only the recurrent part needs, is compiled with
    Numba. Layers whose gates use other functions than madmom's sigmoid and
    tanh (none of madmom's pretrained LSTMs), or whose input is not float32,
    run madmom's own method (``LSTMLayer.madmom_activate``). The equations
    are madmom's LSTM with peephole connections :cite:p:`hochreiter1997long,boeck2016madmom`;
    only the order of summation and the rounding of the sigmoid and tanh differ.

    Parameters
    ----------
    self : madmom.ml.nn.layers.LSTMLayer
        The layer (this replaces its method).
    data : np.ndarray, shape ``(n_frames, n_inputs)``
        Input of the layer.
    reset : bool
        Start from the layer's initial state (else from the state it ended in).

    Returns
    -------
    np.ndarray, shape ``(n_frames, n_units)``
        Output of the layer.
    """
    from madmom.ml.nn import activations

    functions = (self.input_gate.activation_fn, self.forget_gate.activation_fn, self.cell.activation_fn,
                 self.output_gate.activation_fn, self.activation_fn)
    sigmoid, tanh = activations.sigmoid, activations.tanh
    if functions != (sigmoid, sigmoid, tanh, sigmoid, tanh) or np.asarray(data).dtype != np.float32:
        return type(self).madmom_activate(self, data, reset=reset)
    if reset:
        self.reset()
    gates = (self.input_gate, self.forget_gate, self.cell, self.output_gate)
    n_units = self.cell.bias.size
    weights = np.concatenate([gate.weights for gate in gates], axis=1)
    recurrent = np.concatenate([gate.recurrent_weights for gate in gates], axis=1).astype(np.float32)
    bias = np.concatenate([np.broadcast_to(gate.bias, (n_units,)) for gate in gates])
    inputs = (np.dot(data, weights) + bias).astype(np.float32)
    peepholes = [np.zeros(n_units, np.float32) if gate.peephole_weights is None
                 else np.asarray(gate.peephole_weights, np.float32) for gate in (gates[0], gates[1], gates[3])]
    out, self._prev, self._state = _compiled_lstm_loop()(inputs, recurrent, *peepholes,
                                                         np.asarray(self._prev, np.float32),
                                                         np.asarray(self._state, np.float32))
    return out


@functools.cache
def _compiled_lstm_loop():
    """The frame loop of an LSTM layer with sigmoid gates and tanh cell and output, compiled by Numba once."""
    import numba

    @numba.njit(cache=True)
    def loop(inputs, recurrent, in_peep, forget_peep, out_peep, prev, state):
        n_frames, n_units = inputs.shape[0], state.shape[0]
        out = np.empty((n_frames, n_units), dtype=np.float32)
        prev, state = prev.copy(), state.copy()
        z = np.empty(4 * n_units, dtype=np.float32)
        for i in range(n_frames):
            for k in range(4 * n_units):
                acc = inputs[i, k]
                for j in range(n_units):
                    acc += prev[j] * recurrent[j, k]
                z[k] = acc
            for j in range(n_units):
                in_gate = 1.0 / (1.0 + np.exp(-(z[j] + state[j] * in_peep[j])))
                forget_gate = 1.0 / (1.0 + np.exp(-(z[n_units + j] + state[j] * forget_peep[j])))
                state[j] = np.tanh(z[2 * n_units + j]) * in_gate + state[j] * forget_gate
                out_gate = 1.0 / (1.0 + np.exp(-(z[3 * n_units + j] + state[j] * out_peep[j])))
                out[i, j] = np.tanh(state[j]) * out_gate
            prev[:] = out[i]
        return out, prev, state

    return loop


class _Decoded(tuple):
    """A ``(path, log probability)`` pair that reads as ``[0, log probability]`` as an array.

    madmom's downbeat DBN takes ``np.asarray(results)[:, 1]`` of such pairs;
    this keeps that line working on NumPy >= 1.24 while ``path, _ = pair`` still
    unpacks the path.
    """

    def __array__(self, dtype=None, copy=None):
        return np.array([0.0, self[1]], dtype=dtype)


def _mend_downbeat_tracker(madmom):
    import madmom.features.downbeats as downbeats

    cls = downbeats.DBNDownBeatTrackingProcessor
    if getattr(cls, "_mirlib_mended", False):
        return
    original_process = cls.process

    def process(self, activations, **kwargs):
        # the tracker decodes one HMM per bar length with self.map; wrap its results
        mapper = self.__dict__.get("map", map)
        self.map = lambda function, iterable: [_Decoded(r) for r in mapper(function, iterable)]
        try:
            return original_process(self, activations, **kwargs)
        finally:
            self.map = mapper

    cls.process = process
    cls._mirlib_mended = True


def import_pretty_midi():
    """Import pretty_midi without the line pyfluidsynth prints where ``CI`` is set.

    pretty_midi imports pyfluidsynth, which prints where it found the FluidSynth
    library (``'fluidsynth' was found at ...``) when the environment variable
    ``CI`` is set; that line would land in a doctest's or a notebook's output.

    Returns
    -------
    module
        ``pretty_midi``.
    """
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        import pretty_midi
    return pretty_midi
