"""Music similarity with Siamese (triplet) networks (tutorial Examples 5 and 6).

The processing chain, at 22.05 kHz and 43 frames per second::

    audio -> log-mel spectrogram (40 bands) -> excerpts of 128 frames (3 s), every 64 frames
      -> embedding CNN (shared branch of a triplet network) -> unit vector per excerpt
      -> mean over the excerpts, scaled to unit length -> one embedding per piece
      -> Euclidean distance between pieces: the smaller, the more similar

The data are the generated dance-style pieces of :mod:`mirlib.synth.styles`.
Pieces, not excerpts, are the unit of every split: the excerpts of one piece
are never in training and test (:func:`render_collection` with different
seeds). Similar means *same style* (Example 5) or *similar tags*, weighted by
TF-IDF (Example 6, :func:`mirlib.data.pairs.tag_similarity`).

The trained reference model ships with mirlib (:data:`STYLE_EMBEDDING`); its
recipe reproduces it (``mirlib train style_embedding``) and
:func:`rank_files` is what ``mirlib similar`` runs.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import audio as _audio
from . import nn
from .audio import AUDIO_EXTENSIONS, audio_files  # noqa: F401  (the collection's files, as mirlib similar finds them)
from .data import pairs
from .data.augment import timbre_augment
from .data.recordings import examples_joined
from .evaluation.retrieval import distance_matrix
from .features.settings import CLASSIFICATION
from .features.spectral import excerpts as _excerpts
from .synth import styles

__all__ = ["SR", "N_FRAMES", "EXCERPT_HOP", "DURATION", "RECIPE", "AUDIO_EXTENSIONS", "Collection",
           "render_collection", "excerpts", "random_excerpts", "piece_vectors", "embed", "train_embedding",
           "train_classifier", "classifier_layer", "held_out_scores", "STYLE_EMBEDDING", "load_model", "embed_signal",
           "embed_file", "audio_files", "rank_files", "train_on_styles"]

#: Sample rate in Hz (that of :data:`mirlib.features.CLASSIFICATION`).
SR = CLASSIFICATION.sr
#: Frames per excerpt (128 frames at 43 fps: 3 s), as in the genre chapter.
N_FRAMES = styles.N_FRAMES
#: Hop between the excerpts of a piece in frames (50 % overlap).
EXCERPT_HOP = 64
#: Length of a generated piece in seconds (whole bars are rendered).
DURATION = 6.0
#: Training recipe of the shipped model: 40 training pieces per style
#: (collection seed 0), a random 3-s excerpt of each piece of a triplet, new
#: triplets every epoch with semi-hard negatives, margin 0.2, 16 dimensions.
RECIPE = dict(n_per_style=40, epochs=40, triplets=960, negatives="semihard", margin=0.2, dim=16, augment=True,
              batch_size=32, learning_rate=1e-3, seed=0)


@dataclass
class Collection:
    """Generated pieces with their full log-mel spectrograms, styles and tags.

    Attributes
    ----------
    spectrograms : list of np.ndarray, float32, shape ``(n_frames, 40)``
        Log-mel spectrogram of every piece (about 6 s), time first.
    style : np.ndarray of int, shape ``(n_pieces,)``
        Style index into :data:`mirlib.synth.styles.STYLE_NAMES`.
    tags : np.ndarray of int, shape ``(n_pieces, 6)``
        Tags as in :data:`mirlib.synth.styles.TAGS`.
    seeds : np.ndarray of int, shape ``(n_pieces,)``
    sounds : str
        The sound set the pieces were rendered with.
    audio : list of np.ndarray or None
        The pieces' audio at :data:`SR`, if kept.
    """

    spectrograms: list
    style: np.ndarray
    tags: np.ndarray
    seeds: np.ndarray
    sounds: str = "standard"
    audio: list | None = None

    def __len__(self):
        return len(self.style)

    @property
    def style_names(self):
        """Style name of every piece, shape ``(n_pieces,)``."""
        return np.array(styles.STYLE_NAMES)[self.style]

    def excerpts(self):
        """All excerpts of all pieces (:func:`excerpts`), with the piece each comes from.

        Returns
        -------
        X : np.ndarray, float32, shape ``(n_excerpts, 128, 40)``
        piece : np.ndarray of int, shape ``(n_excerpts,)``
            Index of each excerpt's piece.
        """
        parts = [excerpts(S) for S in self.spectrograms]
        return (np.concatenate(parts).astype(np.float32),
                np.repeat(np.arange(len(parts)), [len(p) for p in parts]))


def render_collection(n_per_style, seed=0, sounds="standard", duration=DURATION, keep_audio=False):
    """Render ``n_per_style`` pieces of every style and their log-mel spectrograms.

    Piece ``i`` of a style has seed ``seed * 100000 + i`` (as in
    :func:`mirlib.synth.styles.style_dataset`): collections with different
    ``seed`` share no piece.

    Parameters
    ----------
    n_per_style : int
        Pieces per style (at least 1).
    seed : int
        Collection seed, 0 to 9999.
    sounds : {"standard", "alternative"}
        Instrument sounds (:data:`mirlib.synth.SOUNDS`).
    duration : float
        Minimum length of a piece in seconds (at least 3 s, one excerpt).
    keep_audio : bool
        Keep the audio for listening.

    Returns
    -------
    Collection

    Raises
    ------
    ValueError
        For ``n_per_style < 1``, a seed out of range, an unknown sound set or
        a duration shorter than an excerpt.

    Examples
    --------
    >>> c = render_collection(1, seed=5)
    >>> len(c), c.spectrograms[0].shape[1], c.style_names[:2].tolist()
    (6, 40, ['waltz', 'viennese'])
    """
    if n_per_style < 1:
        raise ValueError(f"n_per_style must be at least 1, got {n_per_style}")
    if not 0 <= seed < 10000:
        raise ValueError(f"seed must lie in 0..9999, got {seed}")
    if duration < N_FRAMES / CLASSIFICATION.fps:
        raise ValueError(f"duration must be at least {N_FRAMES / CLASSIFICATION.fps:.2f} s (one excerpt), got {duration}")
    specs, style, tags, seeds, kept = [], [], [], [], []
    for label, name in enumerate(styles.STYLE_NAMES):
        for i in range(n_per_style):
            s = seed * 100000 + i
            piece = styles.render_piece(name, s, duration=duration, sounds=sounds)
            specs.append(styles.log_mel(piece.audio))
            style.append(label)
            tags.append(piece.tags)
            seeds.append(s)
            if keep_audio:
                kept.append(piece.audio)
    return Collection(specs, np.array(style), np.stack(tags), np.array(seeds), sounds, kept if keep_audio else None)


def excerpts(S):
    """The excerpts a piece is embedded from: 128 frames every 64 frames.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bands)``
        Log-mel spectrogram; shorter than 128 frames is padded with zeros
        (silence).

    Returns
    -------
    np.ndarray, shape ``(n_excerpts, 128, n_bands)``
    """
    return _excerpts(S, N_FRAMES, EXCERPT_HOP)


def random_excerpts(spectrograms, index, rng):
    """One random 128-frame excerpt of each piece in ``index`` (training crops).

    Parameters
    ----------
    spectrograms : list of np.ndarray, shape ``(n_frames, n_bands)``
    index : np.ndarray of int, shape ``(n,)``
    rng : np.random.Generator

    Returns
    -------
    np.ndarray, float32, shape ``(n, 128, n_bands)``
    """
    out = []
    for i in index:
        S = spectrograms[i]
        start = rng.integers(0, max(1, len(S) - N_FRAMES + 1))
        out.append(excerpts(S[start:start + N_FRAMES])[0])
    return np.stack(out).astype(np.float32)


def piece_vectors(transform, spectrograms, normalize=True):
    """One vector per piece: a transform of every excerpt, averaged.

    Parameters
    ----------
    transform : callable
        ``(n_excerpts, 128, n_bands)`` -> ``(n_excerpts, dim)``, e.g. an
        embedding network's prediction.
    spectrograms : list of np.ndarray, shape ``(n_frames, n_bands)``
    normalize : bool
        Scale every mean to unit length (for unit-norm embeddings).

    Returns
    -------
    np.ndarray, shape ``(n_pieces, dim)``
    """
    parts = [excerpts(S) for S in spectrograms]
    out = np.asarray(transform(np.concatenate(parts)), dtype=float)
    bounds = np.cumsum([0] + [len(p) for p in parts])
    V = np.stack([out[a:b].mean(0) for a, b in zip(bounds[:-1], bounds[1:])])
    if normalize:
        V /= np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
    return V


def embed(model, spectrograms):
    """Embeddings of pieces by an embedding network (mean of its excerpts, unit length).

    Parameters
    ----------
    model : keras.Model
        Input ``(batch, 128, 40)``, output ``(batch, dim)`` (e.g. :func:`load_model`).
    spectrograms : list of np.ndarray, shape ``(n_frames, 40)``

    Returns
    -------
    np.ndarray, shape ``(n_pieces, dim)``
    """
    return piece_vectors(lambda X: nn.predict(model, X), spectrograms)


def _style_triplets(collection, negatives, margin, n, rng):
    def sample(epoch, branch):
        t = pairs.sample_triplets(collection.style, n, rng)
        if negatives == "semihard" and epoch > 0:
            E = nn.predict(branch, random_excerpts(collection.spectrograms, np.arange(len(collection)), rng))
            t[:, 2] = pairs.semi_hard_negatives(E, t[:, 0], t[:, 1], collection.style, margin, rng)
        return t
    return sample


def train_embedding(collection, similarity="style", negatives=None, epochs=None, triplets=None, margin=None,
                    dim=None, augment=None, seed=None, verbose=0):
    """Train the embedding CNN as a triplet network on a collection.

    Every epoch draws new triplets of training pieces and a random 3-s
    excerpt of each, so that the network sees other parts of a piece each time.

    Parameters
    ----------
    collection : Collection
        Training pieces only.
    similarity : {"style", "tags"}
        Example 5: positives share the anchor's style. Example 6: positives are
        among the 10 % of pieces whose TF-IDF weighted tags are most similar
        to the anchor's, negatives among the 50 % least similar
        (:func:`mirlib.data.pairs.triplets_from_similarity`).
    negatives : {"semihard", "random"} or None
        How negatives are chosen. Semi-hard mining needs labels, so it is
        only offered with ``similarity="style"``; None: :data:`RECIPE`'s
        choice for styles, random for tags.
    epochs, triplets, margin, dim, seed
        Default: :data:`RECIPE`. ``triplets`` is per epoch.
    augment : bool or None
        Apply :func:`mirlib.data.augment.timbre_augment` to every training excerpt (default: :data:`RECIPE`).
    verbose : int

    Returns
    -------
    mirlib.nn.History
        ``"loss"`` and ``"active"`` per epoch, with the trained embedding
        network as ``.model``.

    Raises
    ------
    ValueError
        For an unknown similarity or negative choice, semi-hard negatives
        with tags, or a collection of fewer than two styles.
    """
    if similarity not in ("style", "tags"):
        raise ValueError(f"similarity must be 'style' or 'tags', got {similarity!r}")
    if negatives is None:
        negatives = RECIPE["negatives"] if similarity == "style" else "random"
    if negatives not in ("semihard", "random"):
        raise ValueError(f"negatives must be 'semihard' or 'random', got {negatives!r}")
    if similarity == "tags" and negatives == "semihard":
        raise ValueError("semi-hard negatives need style labels; with similarity='tags' use negatives='random'")
    r = RECIPE
    epochs = r["epochs"] if epochs is None else epochs
    n = r["triplets"] if triplets is None else triplets
    margin = r["margin"] if margin is None else margin
    dim = r["dim"] if dim is None else dim
    seed = r["seed"] if seed is None else seed
    augment = r["augment"] if augment is None else augment
    rng = np.random.default_rng(seed)
    if similarity == "style":
        sample_pieces = _style_triplets(collection, negatives, margin, n, rng)
    else:
        S = pairs.tag_similarity(collection.tags)
        sample_pieces = lambda epoch, branch: pairs.triplets_from_similarity(S, n, rng)  # noqa: E731

    def sample(epoch, branch):
        t = sample_pieces(epoch, branch)
        crops = [random_excerpts(collection.spectrograms, t[:, j], rng) for j in range(3)]
        return [timbre_augment(x, rng) for x in crops] if augment else crops

    norm_data, _ = collection.excerpts()
    history = nn.train_triplets(lambda: nn.embedding_cnn(N_FRAMES, CLASSIFICATION.n_bands, dim,
                                                         normalization=nn.normalization(norm_data)),
                                sample, epochs=epochs, batch_size=r["batch_size"], learning_rate=r["learning_rate"],
                                margin=margin, seed=seed, verbose=verbose)
    history["n_pieces"] = len(collection)
    return history


def train_classifier(collection, epochs=20, seed=0):
    """The baseline: a parallel CNN trained to classify the style of excerpts.

    Parameters
    ----------
    collection : Collection
        Training pieces; all excerpts of every piece are used.
    epochs : int
    seed : int

    Returns
    -------
    mirlib.nn.History
        With the trained :func:`mirlib.nn.parallel_cnn` as ``.model``.
    """
    X, piece = collection.excerpts()
    y = collection.style[piece]
    return nn.train(lambda: nn.parallel_cnn(N_FRAMES, CLASSIFICATION.n_bands, len(styles.STYLE_NAMES),
                                            normalization=nn.normalization(X)),
                    X, y, epochs=epochs, batch_size=32, learning_rate=2e-3, seed=seed)


def classifier_layer(model, layer="embedding"):
    """A classifier cut at one layer, as a feature extractor (its penultimate layer by default).

    Parameters
    ----------
    model : keras.Model
    layer : str

    Returns
    -------
    keras.Model
        Same input, output of ``layer``.

    Raises
    ------
    ValueError
        If the model has no such layer.
    """
    names = [lay.name for lay in model.layers]
    if layer not in names:
        raise ValueError(f"model {model.name!r} has no layer {layer!r}; its layers: {names}")
    return nn.keras.Model(model.input, model.get_layer(layer).output)


def held_out_scores(model=None, network="style_embedding", n=15, k=(1, 5, 10)):
    """Style retrieval of an embedding network on generated pieces it never saw.

    Parameters
    ----------
    model : keras.Model or None
        Weights of ``network``; default the shipped ones.
    network : mirlib.nn.ShippedModel or str
        :data:`STYLE_EMBEDDING` (or a variant of it), or its name.
    n : int
        Held-out pieces per style (collection seed 2, standard sounds).
    k : tuple of int

    Returns
    -------
    dict
        As :func:`mirlib.evaluation.retrieval_scores`.
    """
    from .evaluation.retrieval import retrieval_scores

    model = nn.resolve(network, STYLE_EMBEDDING).cached() if model is None else model
    test = render_collection(n, seed=2)
    return retrieval_scores(embed(model, test.spectrograms), test.style, k=k)


def train_on_styles(network, verbose=0, log_dir=None, **recipe):
    """Train the style embedding by its recipe (the trainer of :data:`STYLE_EMBEDDING`).

    :func:`train_embedding` on a generated collection (seed 0) of
    ``n_per_style`` pieces per style.

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
        :data:`STYLE_EMBEDDING`.
    verbose : int
        Keras verbosity.
    log_dir : None
        Must be None: the triplet network writes no TensorBoard logs.
    **recipe
        ``n_per_style`` and the arguments of :func:`train_embedding`.

    Returns
    -------
    mirlib.nn.History
        With the trained embedding as ``.model``.

    Raises
    ------
    ValueError
        For a ``log_dir``.
    """
    if log_dir is not None:
        raise ValueError("style_embedding: TensorBoard logs are not written for the triplet network (no log_dir)")
    train = render_collection(recipe.pop("n_per_style"))
    return train_embedding(train, verbose=verbose, **recipe)


#: The style embedding: a triplet network's branch trained on generated dance styles.
STYLE_EMBEDDING = nn.ShippedModel(
    name="style_embedding", task="similarity", paper="hoffer2015deep",
    description="triplet-trained parallel CNN (Hoffer & Ailon 2015; Pons et al. 2016) to a 16-dim unit embedding "
                "of 128-frame log-mel excerpts, 43 fps",
    features=CLASSIFICATION, inputs="excerpts", outputs=tuple(f"e{i}" for i in range(RECIPE["dim"])),
    build=lambda norm: nn.embedding_cnn(N_FRAMES, CLASSIFICATION.n_bands, RECIPE["dim"], normalization=norm),
    normalization_axis=-1, input_shape=(N_FRAMES, CLASSIFICATION.n_bands),
    trainer=train_on_styles, recipe=dict(n_per_style=RECIPE["n_per_style"], epochs=RECIPE["epochs"],
                                          triplets=RECIPE["triplets"], seed=RECIPE["seed"]),
    aliases=("similarity",),
    held_out=nn.HeldOut(lambda **kw: held_out_scores(**kw), "MAP",
                        "{n} generated pieces per style (collection seed 2), style retrieval", n=15, also=("P@5",)),
    # excerpts of two of librosa's recordings
    example=functools.partial(examples_joined, ("vibeace", "libri2"), SR))


def load_model(path=None):
    """The shipped style embedding network (or other weights of it).

    Parameters
    ----------
    path : str or None
        Weights written by ``mirlib train style_embedding``.

    Returns
    -------
    keras.Model
        Input ``(batch, 128, 40)``, output ``(batch, 16)``, unit length.

    Raises
    ------
    FileNotFoundError
        If the weights file does not exist.
    """
    return STYLE_EMBEDDING.load(path)


def embed_signal(y, sr, network="style_embedding", model=None, name="signal"):
    """The embedding of a signal: mean over its 3-s excerpts, unit length.

    A signal shorter than 3 s is padded with silence.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz; must be 22050 (:func:`mirlib.audio.load` resamples).
    network : mirlib.nn.ShippedModel or str
        :data:`STYLE_EMBEDDING` (or a variant of it), or its name.
    model : keras.Model or None
        Other weights of the network; default the shipped ones.
    name : str
        What error messages call the signal (e.g. its file).

    Returns
    -------
    np.ndarray, shape ``(dim,)``

    Raises
    ------
    ValueError
        For an empty, silent or non-finite signal or another sample rate.
    """
    _audio.check_signal(y, sr, name=name, allow_silence=False)
    model = nn.resolve(network, STYLE_EMBEDDING).runtime() if model is None else model
    return embed(model, [CLASSIFICATION(y, sr)])[0]


def embed_file(path, network="style_embedding", model=None):
    """The embedding of an audio file (resampled to 22.05 kHz mono), as :func:`embed_signal`.

    Parameters
    ----------
    path : str or pathlib.Path
        Any audio file librosa reads.
    network, model
        As in :func:`embed_signal`.

    Returns
    -------
    np.ndarray, shape ``(dim,)``
        Unit length.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it cannot be decoded, or is empty or silent.
    """
    y, sr = _audio.load(path, sr=SR)
    return embed_signal(y, sr, network=network, model=model, name=str(path))


def rank_files(query, collection, k=10, network="style_embedding", model=None, on_error=None):
    """Rank audio files by their distance to a query file (what ``mirlib similar`` prints).

    Parameters
    ----------
    query : str or Path
        The query audio file.
    collection : sequence of str or Path
        Audio files (see :func:`mirlib.audio.audio_files` for folders). The query itself is
        left out.
    k : int
        Number of nearest files to return.
    network : mirlib.nn.ShippedModel or str
        :data:`STYLE_EMBEDDING` (or a variant of it), or its name.
    model : keras.Model or None
        Other weights of the network; default the shipped ones.
    on_error : callable or None
        ``on_error(path, exception)`` for a collection file that cannot be
        read; it is then skipped. None: the exception is raised.

    Returns
    -------
    list of (int, float, str)
        ``(rank, distance, path)``, nearest first, at most ``k``.

    Raises
    ------
    FileNotFoundError, ValueError
        If the query cannot be read, ``k < 1``, or (without ``on_error``) a
        collection file cannot be read.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    model = nn.resolve(network, STYLE_EMBEDDING).runtime() if model is None else model
    q = embed_file(query, network=network, model=model)
    query_path = Path(os.fspath(query)).resolve()
    names, vectors = [], []
    for path in collection:
        if Path(os.fspath(path)).resolve() == query_path:
            continue
        try:
            vectors.append(embed_file(path, network=network, model=model))
        except (OSError, ValueError) as error:
            if on_error is None:
                raise
            on_error(str(path), error)
            continue
        names.append(str(path))
    if not names:
        return []
    d = distance_matrix(q[None, :], np.stack(vectors))[0]
    order = np.argsort(d, kind="stable")[:k]
    return [(rank, float(d[i]), names[i]) for rank, i in enumerate(order, start=1)]
