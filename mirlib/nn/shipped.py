"""Shipped networks: what each is, how it is built, trained, saved and loaded.

Like madmom's models, the book's trained networks ship with the package
(``mirlib/weights/NAME.weights.h5``) and are described by their paper. A
:class:`ShippedModel` holds everything about one of them: name, paper,
feature settings, builder, training recipe and weights file, so that
:func:`mirlib.models.get` and the ``mirlib`` command (``mirlib train NAME``,
inference) read it instead of repeating it. The recipe reproduces the
shipped weights on the default backend.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ..features.activations import Activations, remembered
from ..features.settings import FeatureSettings, add_positive_difference
from .training import pad_sequences, predict, predict_sequence, train

__all__ = ["ShippedModel", "HeldOut", "resolve", "TRAINING_OPTIONS", "WEIGHTS_DIR", "weights_path", "onnx_path_of",
           "save_weights"]

#: Folder of the shipped weights files.
WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "weights"

#: Recipe entries that ``mirlib train`` offers as options: entry -> (option,
#: argparse keywords). A network takes an option when its recipe has the entry;
#: the command line's help lists which do.
TRAINING_OPTIONS = {
    "epochs": ("--epochs", dict(type=int, help="passes over the training data")),
    "n_train": ("--n-train", dict(type=int, help="number of generated training pieces (loops, pieces or lines)")),
    "n_band_songs": ("--n-band-songs", dict(type=int, help="number of generated band songs in the training data")),
    "n_riff_songs": ("--n-riff-songs", dict(type=int, help="number of generated riff songs (bass and guitar in "
                                            "unison with a syncopated kick drum) in the training data")),
    "n_sampled": ("--n-sampled", dict(type=int, help="number of generated pieces played on the sampled instruments "
                                      "of the training SoundFont")),
    "dataset": ("--dataset", dict(metavar="NAME:PATH", help="add a beat dataset read through mirdata to the "
                                  "training data, e.g. ballroom:/data/ballroom (NAME:PATH:INDEX names an index file)")),
    "recorded": ("--recorded", dict(type=float, metavar="SHARE", help="share of the drum loops on recorded kits "
                                    "played through a random recording chain (EQ, room, compression)")),
    "seed": ("--seed", dict(type=int, help="seed of initialisation and batch order")),
}

# what is remembered per ShippedModel and per loaded keras model, without
# keeping either alive (a description stays immutable, see ShippedModel.cached)
_LOADED = weakref.WeakKeyDictionary()
_SESSIONS = weakref.WeakKeyDictionary()
_WEIGHTS_DIGEST = weakref.WeakKeyDictionary()


def _digest(network):
    """SHA1 of a network's weights: once per loaded network, at every call for others.

    A network loaded by :meth:`ShippedModel.load` was hashed when loaded; one
    trained here may still change, so it is hashed each time it is asked for.
    """
    from .onnx import OnnxNetwork

    if isinstance(network, OnnxNetwork):        # the hash of its file
        return network.digest
    try:
        return _WEIGHTS_DIGEST[network]
    except (KeyError, TypeError):
        pass
    weights = hashlib.sha1()
    for w in network.get_weights():
        weights.update(np.ascontiguousarray(w).tobytes())
    return weights.hexdigest()


def resolve(network, *choices):
    """The shipped network meant by ``network``: one of ``choices``, given itself or by name.

    Every task function that uses a network takes ``network=`` this way.

    Parameters
    ----------
    network : ShippedModel or str
        The network, or its name or alias (``"drum_crnn"``, ``"drums"``).
    *choices : ShippedModel
        The networks the task can use.

    Returns
    -------
    ShippedModel

    Raises
    ------
    ValueError
        For a name that is not among ``choices``, or a network of another
        task (a variant of a choice, e.g. by :func:`dataclasses.replace`, is
        accepted); the message lists the choices.

    Examples
    --------
    >>> from mirlib import onsets
    >>> resolve("onset_rnn", onsets.ONSET_CNN, onsets.ONSET_RNN).name
    'onset_rnn'
    """
    if isinstance(network, ShippedModel):
        # a choice itself, or a variant of one (dataclasses.replace, another recipe) for the same task
        if network.task in {c.task for c in choices}:
            return network
        raise ValueError(f"{network.name} is a {network.task} network; use one of {[c.name for c in choices]}")
    for choice in choices:
        if network == choice.name or network in choice.aliases:
            return choice
    raise ValueError(f"unknown network {network!r}; choose one of {[c.name for c in choices]}")


@dataclass(frozen=True)
class HeldOut:
    """How ``mirlib train`` measures a network on data it never trained on.

    Parameters
    ----------
    scores : callable
        ``scores(model=keras.Model, network=ShippedModel, n=int)`` -> dict of
        scores; the task module's ``held_out_scores``.
    measure : str
        The key of the headline figure, e.g. ``"F ±50 ms"``.
    data : str
        What the held-out data is, with ``{n}`` for its size.
    n : int
        Default size (``mirlib train --n-test``).
    also : tuple of str
        Further keys reported after the headline.
    """

    scores: Callable
    measure: str
    data: str
    n: int
    also: tuple = ()

    def report(self, model, network, n=None):
        """One line: the held-out figure of ``model`` (weights of ``network``).

        Returns
        -------
        str
            E.g. ``"held-out F ±50 ms on 20 loops ...: 0.901"``.
        """
        n = self.n if n is None else n
        scores = self.scores(model=model, network=network, n=n)
        extra = "".join(f", {k} {scores[k]:.3f}" for k in self.also)
        return f"held-out {self.measure} on {self.data.format(n=n)}: {scores[self.measure]:.3f}{extra}"


def weights_path(name):
    """Path of the shipped weights of a reference model.

    Parameters
    ----------
    name : str
        Model name, e.g. ``"onset_cnn"`` or ``"beat_blstm"``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If mirlib ships no weights of that name; the message lists those it has.
    """
    path = WEIGHTS_DIR / f"{name}.weights.h5"
    if not path.is_file():
        have = sorted(p.name.split(".")[0] for p in WEIGHTS_DIR.glob("*.weights.h5"))
        raise FileNotFoundError(f"no shipped weights {path.name} in {WEIGHTS_DIR}; available: {have}")
    return path


def onnx_path_of(weights):
    """The ONNX file that belongs to a weights file: ``NAME.weights.h5`` -> ``NAME.onnx`` in the same folder.

    Parameters
    ----------
    weights : str or pathlib.Path
        A weights file (need not exist).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> onnx_path_of("runs/beat_blstm.weights.h5").as_posix()
    'runs/beat_blstm.onnx'
    """
    weights = Path(weights)
    stem = weights.name[:-len(".weights.h5")] if weights.name.endswith(".weights.h5") else weights.stem
    return weights.with_name(stem + ".onnx")


def check_weights_file(path):
    """Check that Keras can save weights under this name: it must end in ``.weights.h5``.

    Parameters
    ----------
    path : str or pathlib.Path
        File name of a weights file.

    Returns
    -------
    str or pathlib.Path
        ``path`` itself.

    Raises
    ------
    ValueError
        If ``path`` does not end in ``.weights.h5``.
    """
    if not str(path).endswith(".weights.h5"):
        raise ValueError(f"weights file must end in .weights.h5, got {path}")
    return path


def save_weights(model, path):
    """Save a network's weights without the optimiser's state.

    ``model.save_weights`` of a compiled Keras model also writes the
    optimiser's variables (Adam keeps two per weight), which triples the file
    and is not needed to use the model. This saves an uncompiled copy, rebuilt
    from the model's configuration, with the same weights (including
    normalisation statistics). (``keras.models.clone_model`` and
    ``model_from_json`` would not do: they compile the copy like the original.)

    Parameters
    ----------
    model : keras.Model
        A trained network (compiled or not).
    path : str or pathlib.Path
        File to write; must end in ``.weights.h5``.

    Raises
    ------
    ValueError
        If ``path`` does not end in ``.weights.h5`` (Keras' requirement).
    """
    check_weights_file(path)
    clean = model.__class__.from_config(model.get_config())
    clean.set_weights(model.get_weights())
    clean.save_weights(str(path))


@dataclass(eq=False, frozen=True)
class ShippedModel:
    """A trained network that ships with mirlib.

    Parameters
    ----------
    name : str
        Model name and weights file stem (``NAME.weights.h5``).
    task : str
        What it does, e.g. ``"onsets"``.
    paper : str
        The bibliography key(s) of the paper it follows.
    description : str
        One line for listings (``mirlib train --help``).
    features : FeatureSettings
        Its input features; the frame rate of its activations is ``features.fps``.
    build : callable
        ``build(normalization)`` -> uncompiled :class:`keras.Model`, given the
        input normalisation layer (adapted, or unadapted before loading weights).
    normalization_axis : int or tuple of int
        Axes of the input normalisation (see :func:`mirlib.nn.normalization`).
    input_shape : tuple of int
        Shape of one input without the batch axis (``None`` for any number of
        frames), to build the normalisation before loading.
    trainer : callable
        ``trainer(model, **recipe)`` -> :class:`mirlib.nn.History`: trains this
        network on its data (``model`` is this ShippedModel).
    recipe : dict
        Default keyword arguments of ``trainer``: with them it reproduces the
        shipped weights.
    outputs : tuple of str
        Names of the outputs, e.g. ``("onsets",)``.
    inputs : str or callable
        How features become the network input (``"stack"``, ``"flat"`` or
        ``"excerpts"``, for the task module), or a function
        ``inputs(features) -> input`` of a sequence model.
    aliases : tuple of str
        Other names the command line accepts (``mirlib train onsets``).
    held_out : HeldOut or None
        How ``mirlib train`` reports the freshly trained network.
    example : callable or None
        ``example()`` -> ``(y, sr)``: a recording on which the tests compare
        this network's outputs across backends and weights files; default
        madmom's ``sample.wav``.
    weights_file : str or pathlib.Path or None
        Its weights, for a network registered from outside mirlib
        (:func:`mirlib.models.register`); default
        ``mirlib/weights/NAME.weights.h5``.
    thresholds : dict or None
        Peak-picking threshold per output, tuned for the shipped weights on
        validation recordings; None: the task's default.
    """

    name: str
    task: str
    paper: str
    description: str
    features: FeatureSettings
    build: Callable
    normalization_axis: object
    input_shape: tuple
    trainer: Callable
    recipe: dict = field(default_factory=dict)
    outputs: tuple = ("activation",)
    inputs: str = "stack"
    aliases: tuple = ()
    held_out: HeldOut = None
    example: Callable = field(default=None, repr=False)
    weights_file: object = None
    thresholds: dict = None

    @property
    def fps(self):
        """Frame rate of its activations (that of its features), frames per second."""
        return self.features.fps

    @property
    def weights_path(self):
        """Path of the shipped weights file (see :func:`weights_path`), or :attr:`weights_file`."""
        return weights_path(self.name) if self.weights_file is None else Path(self.weights_file)

    @property
    def onnx_path(self):
        """Path of its ONNX file, next to the weights: ``NAME.onnx`` (see :mod:`mirlib.nn.onnx`)."""
        return onnx_path_of(self.weights_path)

    def untrained(self, X=None):
        """The network with a fresh normalisation: adapted to ``X`` if given, else empty.

        Parameters
        ----------
        X : np.ndarray or None
            Training inputs for the normalisation statistics.

        Returns
        -------
        keras.Model
        """
        from .layers import normalization      # Keras, only when a network is built

        return self.build(normalization(X, axis=self.normalization_axis, shape=None if X is not None
                                        else self.input_shape))

    def load(self, path=None):
        """The trained network with the shipped weights (or those in ``path``).

        Parameters
        ----------
        path : str or pathlib.Path or None
            A weights file written by :func:`save_weights` (e.g. by
            ``mirlib train NAME``) to load instead of the shipped one.

        Returns
        -------
        keras.Model

        Raises
        ------
        FileNotFoundError
            If the weights file does not exist.
        ValueError
            If the file does not hold this network's weights.
        """
        path = self.weights_path if path is None else Path(path)
        if not Path(path).is_file():
            raise FileNotFoundError(f"no weights file {path}")
        model = self.untrained()
        try:
            model.load_weights(str(path))
        except (ValueError, KeyError) as err:
            raise ValueError(f"{path}: not weights of {self.name} ({err})") from err
        _WEIGHTS_DIGEST[model] = _digest(model)
        return model

    def cached(self):
        """The shipped network, loaded once per process (for inference).

        Kept outside the description (which stays immutable), for as long as
        the description exists.
        """
        if self not in _LOADED:
            _LOADED[self] = self.load()
        return _LOADED[self]

    def runtime(self):
        """The shipped network for inference, loaded once per process: the Keras model
        (:meth:`cached`), or its ONNX file in ONNX Runtime
        (:class:`mirlib.nn.onnx.OnnxNetwork`) where :func:`mirlib.nn.onnx.inference`
        says ``"onnx"``. Both have ``predict``.

        Raises
        ------
        FileNotFoundError
            If the weights file (or ONNX file) is missing.
        """
        from .onnx import OnnxNetwork, inference

        if inference() == "keras":
            return self.cached()
        if self not in _SESSIONS:
            _SESSIONS[self] = OnnxNetwork(self.onnx_path)
        return _SESSIONS[self]

    def example_signal(self):
        """The recording of :attr:`example` (default madmom's ``sample.wav``), as ``(y, sr)``."""
        if self.example is not None:
            return self.example()
        from .. import audio, data

        return audio.load(data.madmom_file("sample.wav"), sr=44100)

    def held_out_report(self, model, n=None):
        """One line on ``model``'s quality on held-out data (what ``mirlib train`` prints).

        Raises
        ------
        ValueError
            If the network has no held-out measure.
        """
        if self.held_out is None:
            raise ValueError(f"{self.name} has no held-out measure")
        return self.held_out.report(model, self, n)

    def train(self, **overrides):
        """Train the network by its recipe; keyword arguments override the recipe.

        Returns
        -------
        History
            With the trained network as ``.model`` (see :func:`mirlib.nn.train`).

        Raises
        ------
        ValueError
            For an argument the recipe does not know.
        """
        unknown = set(overrides) - set(self.recipe) - {"verbose", "examples", "log_dir"}
        if unknown:
            raise ValueError(f"{self.name}: unknown training argument(s) {sorted(unknown)}; "
                             f"the recipe has {sorted(self.recipe)}")
        args = {**self.recipe, **{k: v for k, v in overrides.items() if v is not None}}
        return self.trainer(self, **args)

    def fit_sequences(self, xs, ys, **train_args):
        """Train a fresh sequence network on whole excerpts of different lengths.

        The excerpts are padded to one batch with a mask
        (:func:`mirlib.nn.pad_sequences`), the input normalisation is adapted
        to all their frames, and binary cross-entropy is minimised
        (:func:`mirlib.nn.train`): the training of every rhythm and drum network.

        Parameters
        ----------
        xs : list of np.ndarray, each ``(n_frames_i, ...)``
            Network inputs (see :meth:`network_input`).
        ys : list of np.ndarray, each ``(n_frames_i, n_outputs)`` or ``(n_frames_i,)``
            Frame-wise targets in [0, 1].
        **train_args
            ``epochs``, ``batch_size``, ``learning_rate``, ``seed``, ``log_dir``,
            ``verbose`` of :func:`mirlib.nn.train`.

        Returns
        -------
        History
            With the trained network as ``.model``.

        Raises
        ------
        ValueError
            For inputs and targets of different numbers or lengths.
        """
        X, Y, W = pad_sequences(xs, ys)
        return train(lambda: self.untrained(np.concatenate(xs)[None]), X, Y, sample_weight=W,
                     loss="binary_crossentropy", metrics=[], **train_args)

    def network_input(self, features):
        """The network's input from its features: the stack itself (``"stack"``),
        flattened with its positive difference (``"flat"``), or what a function
        given as ``inputs`` makes of them; time first."""
        if callable(self.inputs):
            return self.inputs(features)
        if self.inputs == "stack":
            return features
        if self.inputs == "flat":
            return add_positive_difference(features)
        raise ValueError(f"{self.name} is not a sequence model (inputs {self.inputs!r})")

    def input_activation(self, X, model=None):
        """The activations of a network input computed already (e.g. a training example's ``x``).

        Parameters
        ----------
        X : np.ndarray, shape ``(n_frames, ...)``
            The network input (:meth:`network_input` of the features), time first.
        model : keras.Model or None
            Other weights of this network; default the shipped ones.

        Returns
        -------
        mirlib.features.Activations, shape ``(n_frames, n_outputs)``
            At :attr:`fps`, columns labelled by :attr:`outputs`.
        """
        network = self.runtime() if model is None else model
        # a sequence model takes the whole piece at once; a frame-wise one (input_shape without a
        # time axis, e.g. the bass network) takes the frames as a batch
        out = predict_sequence(network, X) if self.input_shape[0] is None else predict(network, X, 1024)
        return Activations(out, self.fps, labels=self.outputs)

    def activation(self, y, sr, model=None):
        """The chain signal -> features -> network -> activations of a sequence or frame-wise model.

        Parameters
        ----------
        y : np.ndarray, shape ``(n_samples,)``
            Mono signal.
        sr : int
            Its sample rate in Hz; checked once and resampled to ``features.sr``
            (:meth:`mirlib.features.FeatureSettings.prepare`).
        model : keras.Model or None
            Other weights of this network; default the shipped ones.

        Returns
        -------
        mirlib.features.Activations, shape ``(n_frames, n_outputs)``
            At :attr:`fps`, columns labelled by :attr:`outputs`.

        Raises
        ------
        ValueError
            For an empty, NaN or multi-channel signal or a bad sample rate.
        FileNotFoundError
            If no model is given and the shipped weights are missing.
        """
        network = self.runtime() if model is None else model

        def compute():
            return self.input_activation(self.network_input(self.features(y, sr)), network)

        # remembered per signal, keyed by the network's weights: a network trained
        # further is another network
        return remembered((self.name, _digest(network), sr), y, compute)

    def network_output(self, y, sr, model=None, hop=None):
        """What the network puts out for a signal, whatever its kind of input.

        Sequence and frame-wise networks give their activations
        (:meth:`activation`); an excerpt network gives one row per excerpt of
        ``input_shape[0]`` frames every ``hop`` frames.

        Parameters
        ----------
        y : np.ndarray, shape ``(n_samples,)``
            Mono signal.
        sr : int
            Its sample rate in Hz (resampled to ``features.sr``).
        model : keras.Model or None
            Other weights of this network; default the shipped ones.
        hop : int or None
            Excerpt hop in frames; default half an excerpt.

        Returns
        -------
        np.ndarray, shape ``(n_frames, n_outputs)`` or ``(n_excerpts, n_outputs)``

        Raises
        ------
        ValueError
            For an empty, NaN or multi-channel signal or a bad sample rate.
        """
        if self.inputs != "excerpts":
            return np.asarray(self.activation(y, sr, model=model))
        import librosa

        from ..features.spectral import excerpts

        network = self.runtime() if model is None else model
        y = np.asarray(y, dtype=np.float32)
        if sr != self.features.sr:
            y = librosa.resample(y, orig_sr=sr, target_sr=self.features.sr)
        n = self.input_shape[0]
        return predict(network, excerpts(self.features(y, self.features.sr), n, hop or n // 2))
