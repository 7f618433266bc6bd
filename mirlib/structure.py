"""Music structure: section boundaries by self-similarity novelty and by a CNN.

Two ways to find where the sections of a piece begin, on the same features
(:data:`mirlib.features.STRUCTURE`: 40-band log-mel spectrogram at 5 fps):

* the classic **novelty** method of Foote :cite:p:`foote2000automatic`: a
  self-similarity matrix (:func:`self_similarity`), a checkerboard kernel
  slid along its diagonal (:func:`foote_novelty`), peak picking;
* the **boundary CNN** of Ullrich, Schlüter & Grill
  :cite:p:`ullrich2014boundary` (:data:`BOUNDARY_CNN`): a CNN that looks at
  16 s of spectrogram around each frame and outputs the probability that a
  section starts there, trained on targets smeared around the annotated
  boundaries (:func:`boundary_targets`), then peak picking. As Grill &
  Schlüter :cite:p:`grill2015music`, it also reads the self-similarity lag
  matrix (:func:`lag_similarity`) next to the spectrogram.

The chain, with the frame rate carried at every step::

    signal (any sample rate, resampled to 22.05 kHz)
      -> STRUCTURE features: log-mel, 40 bands, 5 fps
      -> self-similarity + checkerboard kernel  |  + self-similarity lags -> BOUNDARY_CNN
      -> novelty / activation at 5 fps -> peak picking -> boundary times in seconds

Both are evaluated with ``mir_eval.segment.detection`` at ±0.5 s and ±3 s
(:func:`mirlib.evaluation.boundary_scores`) on generated pieces in sections
(:mod:`mirlib.synth.sections`). ``mirlib train boundary_cnn`` reproduces the
shipped weights; ``mirlib boundaries AUDIO`` prints the boundaries.
"""

from __future__ import annotations

import numpy as np

from . import nn
from .audio import check_signal
from .features.activations import Activations, frame_rate
from .features.postprocessing import pick_peaks
from .features.settings import STRUCTURE
from .synth.sections import render_sectioned_piece, sectioned_pieces

__all__ = ["STRUCTURE", "MAX_LAG", "N_INPUTS", "self_similarity", "lag_similarity", "boundary_input",
           "checkerboard_kernel", "foote_novelty", "boundary_targets", "pick_boundaries", "BOUNDARY_PEAKS",
           "NOVELTY_PEAKS", "NOVELTY_METHODS", "NOVELTY_NAME", "BOUNDARY_CNN", "TRAIN_SEEDS",
           "VALIDATION_FIRST_SEED", "TEST_FIRST_SEED", "SAMPLED_FIRST_SEED", "activation", "detect_boundaries", "novelty_boundaries",
           "train_on_pieces", "compare", "held_out_scores"]

#: Seeds of the training pieces start here; test pieces start at :data:`TEST_FIRST_SEED`.
TRAIN_SEEDS = 0
#: First seed of held-out test pieces (validation pieces start at 40000).
TEST_FIRST_SEED = 50000
VALIDATION_FIRST_SEED = 40000
#: Training pieces played through the training SoundFont (``sounds="musescore"``) have seeds from here.
SAMPLED_FIRST_SEED = 1000

#: Lags of the self-similarity lag matrix on each side, in frames (8 s at 5 fps).
MAX_LAG = 40

#: Values per frame of the boundary CNN's input: log-mel bands and lags.
N_INPUTS = STRUCTURE.n_bands + 2 * MAX_LAG

#: Peak picking of the boundary CNN's activation: a peak above 0.4 that is the
#: maximum within ±4 s, at least 4 s after the previous boundary. The threshold
#: is the one of 0.2, 0.3, 0.4 and 0.5 with the best F-measure at ±3 s on 16
#: validation pieces (seeds 40000+).
BOUNDARY_PEAKS = dict(threshold=0.4, pre_max=4.0, post_max=4.0, combine=4.0)
#: Peak picking of Foote's novelty (normalised to a maximum of 1), tuned the same way
#: (0.1, 0.2 and 0.3 tried for both kernel sizes; 0.1 was best for both).
NOVELTY_PEAKS = dict(threshold=0.1, pre_max=4.0, post_max=4.0, combine=4.0)
#: Foote's novelty in the comparisons: name -> (kernel half size in frames, peak threshold tuned on
#: validation pieces).
NOVELTY_METHODS = {"Foote novelty, 4-s kernel": (20, 0.1), "Foote novelty, 8-s kernel": (40, 0.1)}
#: The Foote baseline the boundary CNN is measured against (the better kernel on validation pieces).
NOVELTY_NAME = "Foote novelty, 8-s kernel"


def self_similarity(features):
    """Self-similarity matrix of a feature sequence: cosine similarity of every pair of frames.

    Each feature dimension is standardised over the piece first, so that
    similarity reflects how frames differ, not what they all share.

    Parameters
    ----------
    features : np.ndarray, shape ``(n_frames, n_features)``
        E.g. a log-mel spectrogram, time first.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, n_frames)``
        Symmetric, in [-1, 1]; 1 on the diagonal (0 for silent frames).

    Raises
    ------
    ValueError
        If ``features`` is not two-dimensional, is empty or holds NaN or infinity.

    Examples
    --------
    >>> S = self_similarity(np.r_[np.ones((3, 2)) * [1, 0], np.ones((2, 2)) * [0, 1]])
    >>> S.round(2)[0].tolist()
    [1.0, 1.0, 1.0, -1.0, -1.0]
    """
    X = np.asarray(features, dtype=np.float64)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"features must have shape (n_frames, n_features), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("features hold NaN or infinite values")
    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)
    X /= np.linalg.norm(X, axis=1, keepdims=True) + 1e-12
    return (X @ X.T).astype(np.float32)


def lag_similarity(ssm, max_lag):
    """Self-similarity lag matrix: each frame's similarity to the frames up to ``max_lag`` before and after it.

    The second input of Grill & Schlüter's boundary CNN
    :cite:p:`grill2015music`: the self-similarity matrix read along its
    diagonals, so that a network looking at a window of frames sees whether
    the music just before a frame resembles the music just after it.

    Parameters
    ----------
    ssm : np.ndarray, shape ``(n_frames, n_frames)``
        Self-similarity matrix (:func:`self_similarity`).
    max_lag : int
        Lags in frames on each side (40 at 5 fps: 8 s).

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, 2 * max_lag)``
        Columns ``max_lag - l`` (lag ``l`` into the past) and
        ``max_lag + l - 1`` (lag ``l`` into the future), for ``l = 1 ..
        max_lag``; 0 beyond the ends of the piece.

    Raises
    ------
    ValueError
        If ``ssm`` is not square or ``max_lag`` not a positive integer.

    Examples
    --------
    >>> lag_similarity(np.eye(3) * 2 - 1, 1).tolist()   # frames alike only with themselves
    [[0.0, -1.0], [-1.0, -1.0], [-1.0, 0.0]]
    """
    S = np.asarray(ssm, dtype=np.float32)
    if S.ndim != 2 or S.shape[0] != S.shape[1] or S.shape[0] == 0:
        raise ValueError(f"a self-similarity matrix must be square, got shape {S.shape}")
    if int(max_lag) != max_lag or max_lag < 1:
        raise ValueError(f"max_lag must be a positive number of frames, got {max_lag!r}")
    n, L = len(S), int(max_lag)
    out = np.zeros((n, 2 * L), dtype=np.float32)
    idx = np.arange(n)
    for lag in range(1, L + 1):
        ok = idx - lag >= 0
        out[ok, L - lag] = S[idx[ok], idx[ok] - lag]
        ok = idx + lag < n
        out[ok, L + lag - 1] = S[idx[ok], idx[ok] + lag]
    return out


def boundary_input(features, max_lag=MAX_LAG):
    """The boundary CNN's input: log-mel frames next to their self-similarity lags.

    Parameters
    ----------
    features : np.ndarray, shape ``(n_frames, n_bands)``
        :data:`STRUCTURE` features.
    max_lag : int
        Lags on each side (:func:`lag_similarity`).

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, n_bands + 2 * max_lag)``

    Examples
    --------
    >>> boundary_input(np.random.default_rng(0).random((50, 40))).shape
    (50, 120)
    """
    return np.concatenate([np.asarray(features, dtype=np.float32),
                           lag_similarity(self_similarity(features), max_lag)], axis=1)


def checkerboard_kernel(size, taper=0.5):
    """Foote's checkerboard kernel, tapered by a Gaussian.

    Positive in the two quadrants that compare a frame's past with its past
    and its future with its future, negative in the two that compare past
    with future: correlating it along the diagonal of a self-similarity
    matrix gives a high value where two homogeneous sections meet
    :cite:p:`foote2000automatic`.

    Parameters
    ----------
    size : int
        Frames on each side of the centre; the kernel is ``2 * size + 1`` square.
    taper : float
        Standard deviation of the Gaussian taper relative to ``size``.

    Returns
    -------
    np.ndarray, shape ``(2 * size + 1, 2 * size + 1)``
        Sums to 0; absolute values sum to 1.

    Raises
    ------
    ValueError
        If ``size`` is not a positive integer or ``taper`` not positive.

    Examples
    --------
    >>> K = checkerboard_kernel(2)
    >>> K.shape, bool(abs(K.sum()) < 1e-9), bool(K[0, 0] > 0 > K[0, -1])
    ((5, 5), True, True)
    """
    if int(size) != size or size < 1:
        raise ValueError(f"kernel size must be a positive number of frames, got {size!r}")
    if not taper > 0:
        raise ValueError(f"taper must be positive, got {taper!r}")
    size = int(size)
    axis = np.arange(-size, size + 1)
    sign = np.sign(axis).astype(float)
    sign[size] = 0.0
    gauss = np.exp(-0.5 * (axis / (taper * size)) ** 2)
    K = np.outer(sign * gauss, sign * gauss)
    return K / np.abs(K).sum()


def foote_novelty(ssm, size, fps=STRUCTURE.fps):
    """Foote's novelty function: a checkerboard kernel slid along the diagonal of a self-similarity matrix.

    Parameters
    ----------
    ssm : np.ndarray, shape ``(n_frames, n_frames)``
        Self-similarity matrix (:func:`self_similarity`).
    size : int
        Kernel half size in frames (at 5 fps, 20 frames = 4 s on each side).
    fps : float
        Frame rate of the matrix, frames per second.

    Returns
    -------
    Activations, shape ``(n_frames,)``
        Novelty in [0, 1] (divided by its maximum), at ``fps``. The matrix is
        padded with zeros, so novelty near the ends is not inflated.

    Raises
    ------
    ValueError
        If ``ssm`` is not square, or for a bad kernel size.

    Examples
    --------
    >>> blocks = np.kron(np.eye(3), np.ones((10, 10))) * 2 - 1
    >>> nov = foote_novelty(blocks, 4)
    >>> np.flatnonzero(nov == nov.max()).tolist()   # the last frame before each change and the first after
    [9, 10, 19, 20]
    """
    S = np.asarray(ssm, dtype=np.float64)
    if S.ndim != 2 or S.shape[0] != S.shape[1] or S.shape[0] == 0:
        raise ValueError(f"a self-similarity matrix must be square, got shape {S.shape}")
    K = checkerboard_kernel(size)
    n, L = len(S), int(size)
    P = np.pad(S, L)
    nov = np.array([np.sum(P[i:i + 2 * L + 1, i:i + 2 * L + 1] * K) for i in range(n)])
    nov = np.maximum(nov, 0.0)
    if nov.max() > 0:
        nov /= nov.max()
    return Activations(nov, fps)


def boundary_targets(boundaries, n_frames, fps=STRUCTURE.fps, sigma=1.0):
    """Frame-wise training targets: a Gaussian of width ``sigma`` seconds around each boundary.

    Ullrich et al. smear the boundary annotations in time, because the exact
    frame of a boundary is uncertain and neighbouring frames look alike
    :cite:p:`ullrich2014boundary`.

    Parameters
    ----------
    boundaries : array_like, shape ``(n_boundaries,)``
        Boundary times in seconds.
    n_frames : int
        Length of the target in frames.
    fps : float
        Frame rate, frames per second.
    sigma : float
        Standard deviation of the smearing in seconds.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames,)``
        1 at each boundary frame, falling off with the Gaussian; the maximum
        where two overlap.

    Raises
    ------
    ValueError
        For a negative ``n_frames`` or a ``sigma`` that is not positive.

    Examples
    --------
    >>> boundary_targets([1.0], 10, fps=5, sigma=0.2).astype(float).round(2).tolist()
    [0.0, 0.0, 0.01, 0.14, 0.61, 1.0, 0.61, 0.14, 0.01, 0.0]
    """
    if n_frames < 0:
        raise ValueError(f"n_frames must not be negative, got {n_frames}")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive seconds, got {sigma!r}")
    t = np.arange(n_frames) / fps
    y = np.zeros(n_frames)
    for b in np.asarray(boundaries, dtype=float):
        y = np.maximum(y, np.exp(-0.5 * ((t - b) / sigma) ** 2))
    return y.astype(np.float32)


def pick_boundaries(curve, fps=None, edge=2.0, **peaks):
    """Boundary times from a novelty or boundary activation by peak picking.

    Parameters
    ----------
    curve : Activations or array_like, shape ``(n_frames,)``
        Novelty (:func:`foote_novelty`) or boundary activation (:func:`activation`).
    fps : float or None
        Its frame rate (None: from :class:`Activations`).
    edge : float
        Peaks closer than this many seconds to the start or the end of the
        curve are the beginning and end of the music, not section changes,
        and are dropped.
    **peaks
        ``threshold``, ``pre_max``, ``post_max``, ``combine`` (seconds) of
        :func:`mirlib.features.pick_peaks`; default :data:`BOUNDARY_PEAKS`.

    Returns
    -------
    np.ndarray, shape ``(n_boundaries,)``
        Boundary times in seconds.

    Examples
    --------
    >>> curve = np.zeros(100); curve[[2, 40, 97]] = 1.0
    >>> pick_boundaries(curve, fps=5).tolist()
    [8.0]
    """
    fps = frame_rate(curve, fps)
    times = pick_peaks(curve, fps, **{**BOUNDARY_PEAKS, **peaks})
    end = len(curve) / fps
    return times[(times >= edge) & (times <= end - edge)]


def _pieces_xy(pieces, sigma):
    xs, ys = [], []
    for p in pieces:
        X = boundary_input(STRUCTURE(p.audio, p.sr))
        xs.append(X)
        # the first and last boundaries (start and end of the music) are not section changes
        ys.append(boundary_targets(p.boundaries[1:-1], len(X), STRUCTURE.fps, sigma)[:, None])
    return xs, ys


def train_on_pieces(network, n_train=96, n_sampled=0, epochs=30, seed=0, sigma=0.5, batch_size=4, learning_rate=1e-3,
                    examples=None, log_dir=None, verbose=0):
    """Train the boundary CNN on generated pieces in sections (its recipe).

    Renders ``n_train`` pieces with synthesised sounds (seeds ``0 .. n_train -
    1``) and ``n_sampled`` played through the training SoundFont
    (``"musescore"``, seeds from :data:`SAMPLED_FIRST_SEED`;
    :func:`mirlib.synth.sections.sectioned_pieces`), computes their inputs
    (:func:`boundary_input`) and targets smeared by ``sigma`` seconds around
    the inner boundaries (:func:`boundary_targets`), and trains on whole
    pieces with a mask (:meth:`mirlib.nn.ShippedModel.fit_sequences`).

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
        :data:`BOUNDARY_CNN`.
    n_train : int
        Number of pieces with synthesised sounds (about 80 s each; 96 make
        just over two hours).
    n_sampled : int
        Number of pieces through the training SoundFont (needs FluidSynth).
        The ``"timgm6mb"`` and ``"alternative"`` sounds are never used.
    epochs, batch_size, learning_rate, seed
        As in :func:`mirlib.nn.train`.
    sigma : float
        Smearing of the targets in seconds.
    examples : tuple or None
        ``(xs, ys)`` to train on instead of rendering pieces.
    log_dir : str or None
        TensorBoard logs.
    verbose : int
        Keras verbosity.

    Returns
    -------
    mirlib.nn.History
        With the trained network as ``.model``.
    """
    if examples is None:
        pieces = sectioned_pieces(n_train, TRAIN_SEEDS)
        if n_sampled:
            pieces += sectioned_pieces(n_sampled, SAMPLED_FIRST_SEED, sounds="musescore")
        examples = _pieces_xy(pieces, sigma)
    xs, ys = examples
    return network.fit_sequences(xs, ys, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                               log_dir=log_dir, verbose=verbose)


def _example_piece():
    """A held-out piece in sections (seed 50003): sections last seconds, so the backend tests need one."""
    piece = render_sectioned_piece(TEST_FIRST_SEED + 3)
    return piece.audio, piece.sr


#: The boundary CNN of Ullrich, Schlüter & Grill (ISMIR 2014), with the
#: self-similarity lag input of Grill & Schlüter (EUSIPCO 2015), trained on
#: generated pieces in sections.
BOUNDARY_CNN = nn.ShippedModel(
    name="boundary_cnn", task="boundaries", paper="ullrich2014boundary,grill2015music",
    description="boundary CNN (Ullrich et al. 2014; Grill & Schlüter 2015) on 16 s of 40-band log-mel "
                "and self-similarity lags at 5 fps",
    features=STRUCTURE, inputs=boundary_input, outputs=("boundaries",),
    build=lambda norm: nn.boundary_cnn(N_INPUTS, normalization=norm),
    normalization_axis=-1, input_shape=(None, N_INPUTS), trainer=train_on_pieces,
    recipe=dict(n_train=96, n_sampled=96, epochs=30, seed=0, sigma=0.5, batch_size=4, learning_rate=1e-3),
    aliases=("boundaries",),
    held_out=nn.HeldOut(lambda **kw: held_out_scores(**kw), "F ±3 s",
                        f"{{n}} generated pieces (seeds {TEST_FIRST_SEED}+)", n=12, also=("F ±0.5 s",)),
    example=_example_piece)


def activation(y, sr, network="boundary_cnn", model=None):
    """Boundary activation of the boundary CNN.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 22.05 kHz).
    network : mirlib.nn.ShippedModel or str
        :data:`BOUNDARY_CNN` (or a variant of it), or its name.
    model : keras.Model or None
        Other weights, e.g. from ``BOUNDARY_CNN.train()``; default the shipped ones.

    Returns
    -------
    Activations, shape ``(n_frames,)``
        Probability of a section boundary per frame, at 5 fps.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    FileNotFoundError
        If no model is given and the shipped weights are missing.
    """
    return nn.resolve(network, BOUNDARY_CNN).activation(y, sr, model)[:, 0]


def detect_boundaries(y, sr, network="boundary_cnn", model=None, **peaks):
    """Section boundaries in seconds from the boundary CNN and peak picking.

    The CNN of Ullrich et al. :cite:p:`ullrich2014boundary` on log-mel frames
    and self-similarity lags :cite:p:`grill2015music` (:data:`BOUNDARY_CNN`).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    network : mirlib.nn.ShippedModel or str
        :data:`BOUNDARY_CNN` (or a variant of it), or its name.
    model : keras.Model or None
        Other weights of the network.
    **peaks
        Peak picking overriding :data:`BOUNDARY_PEAKS`.

    Returns
    -------
    np.ndarray, shape ``(n_boundaries,)``
        Times in seconds where a new section starts (not the start and end of
        the piece).

    Raises
    ------
    ValueError
        For a bad signal (see :func:`activation`) or a silent one.
    """
    check_signal(y, sr, allow_silence=False)
    return pick_boundaries(activation(y, sr, network=network, model=model), **peaks)


def novelty_boundaries(y, sr, size=40, **peaks):
    """Section boundaries in seconds from Foote's novelty on :data:`STRUCTURE` features.

    Self-similarity, a checkerboard kernel along its diagonal and peak picking
    :cite:p:`foote2000automatic`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
    size : int
        Checkerboard kernel half size in frames (40 at 5 fps: 8 s each side,
        the better of the two sizes of :data:`NOVELTY_METHODS`).
    **peaks
        Peak picking overriding :data:`NOVELTY_PEAKS`.

    Returns
    -------
    np.ndarray, shape ``(n_boundaries,)``

    Raises
    ------
    ValueError
        For a bad or silent signal or a bad kernel size.
    """
    check_signal(y, sr, allow_silence=False)
    nov = foote_novelty(self_similarity(STRUCTURE(y, sr)), size)
    return pick_boundaries(nov, **{**NOVELTY_PEAKS, **peaks})


def compare(pieces, network="boundary_cnn", model=None, methods=None):
    """Boundary scores of the boundary CNN and Foote's novelty on pieces in sections, as a table.

    Parameters
    ----------
    pieces : list of mirlib.synth.sections.SectionedPiece
        Annotated pieces (held out from training).
    network : mirlib.nn.ShippedModel or str
        :data:`BOUNDARY_CNN` (or a variant of it), or its name.
    model : keras.Model or None
        Weights of the network other than the shipped ones.
    methods : dict or None
        Name -> ``f(y, sr)`` returning boundary times, to compare instead of
        the default rows: ``"boundary CNN"`` and :data:`NOVELTY_METHODS`.

    Returns
    -------
    pandas.DataFrame
        One row per method; columns ``F``, ``P``, ``R`` at ±0.5 s and ±3 s
        (means over pieces, :func:`mirlib.evaluation.boundary_scores`) and
        ``seconds`` (time to find the boundaries of all pieces).

    Raises
    ------
    ValueError
        If ``pieces`` is empty.
    """
    from .evaluation import compare as compare_methods

    if not pieces:
        raise ValueError("compare needs at least one piece")
    if methods is None:
        methods = {"boundary CNN": lambda y, sr: detect_boundaries(y, sr, network=network, model=model)}
        for name, (size, threshold) in NOVELTY_METHODS.items():
            methods[name] = lambda y, sr, size=size, threshold=threshold: novelty_boundaries(
                y, sr, size=size, threshold=threshold)
    return compare_methods(methods, pieces, task="boundaries", windows=(0.5, 3.0))


def held_out_scores(model=None, network="boundary_cnn", n=12, sounds="standard"):
    """Boundary F-measure of the boundary CNN on ``n`` held-out generated pieces (seeds :data:`TEST_FIRST_SEED`+).

    Parameters
    ----------
    model : keras.Model or None
        Weights of ``network``; default the shipped ones.
    network : mirlib.nn.ShippedModel or str
        :data:`BOUNDARY_CNN` (or a variant of it), or its name.
    n : int
        Number of pieces.
    sounds : {"standard", "alternative", "musescore", "timgm6mb"}
        Instrument sounds of the pieces (:data:`mirlib.synth.sections.SOUND_SETS`);
        ``"alternative"`` and ``"timgm6mb"`` are never heard in training.

    Returns
    -------
    dict
        ``{"F ±0.5 s": float, "F ±3 s": float}``.
    """
    table = compare(sectioned_pieces(n, TEST_FIRST_SEED, sounds=sounds),
                    methods={"cnn": lambda y, sr: detect_boundaries(y, sr, network=network, model=model)})
    return {"F ±0.5 s": float(table.loc["cnn", "F ±0.5 s"]), "F ±3 s": float(table.loc["cnn", "F ±3 s"])}
