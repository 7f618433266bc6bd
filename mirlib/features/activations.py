"""Activation functions with their frame rate.

A network (or a hand-made onset detection function) turns features into an
*activation function*: one value per frame and output, high where an event is
likely. :class:`Activations` keeps the frame rate with the values, as madmom's
class of the same name does :cite:p:`boeck2016madmom`, so that later steps
(peak picking, a DBN, evaluation in seconds) never have to be told it again.
Activations are time first: ``(n_frames,)`` for one output, ``(n_frames,
n_outputs)`` for several (e.g. KD, SD and HH, or beats and downbeats).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np


__all__ = ["Activations", "ActivationCache", "check_activation", "frame_rate", "remembered"]


class Activations(np.ndarray):
    """An activation function: float32 values, time first, with a frame rate.

    Parameters
    ----------
    data : array_like, shape ``(n_frames,)`` or ``(n_frames, n_outputs)``
        One value per frame (and output).
    fps : float
        Frame rate in frames per second.
    labels : tuple of str or None
        Names of the outputs (columns), e.g. ``("KD", "SD", "HH")``.

    Raises
    ------
    ValueError
        See :func:`check_activation`.

    Examples
    --------
    >>> act = Activations([0.1, 0.9, 0.2], fps=100)
    >>> act.fps, act.times.tolist()
    (100.0, [0.0, 0.01, 0.02])
    >>> Activations(np.zeros((4, 3)), fps=100, labels=("KD", "SD", "HH"))["SD"].shape
    (4,)
    """

    def __new__(cls, data, fps, labels=None):
        fps = frame_rate(data, fps)
        values = check_activation(data, fps, channels=True)
        obj = np.asarray(values[:, 0] if np.ndim(data) == 1 else values, dtype=np.float32).view(cls)
        obj.fps = float(fps)
        if labels is not None and (obj.ndim != 2 or len(labels) != obj.shape[1]):
            raise ValueError(f"{len(labels)} labels for activations of shape {obj.shape}")
        obj.labels = None if labels is None else tuple(labels)
        return obj

    def __array_finalize__(self, obj):
        self.fps = getattr(obj, "fps", None)
        self.labels = getattr(obj, "labels", None)

    def __reduce__(self):
        state = super().__reduce__()
        return state[0], state[1], (state[2], self.fps, self.labels)

    def __setstate__(self, state):
        super().__setstate__(state[0])
        self.fps, self.labels = state[1], state[2]

    def __getitem__(self, key):
        if isinstance(key, str):
            if not self.labels or key not in self.labels:
                raise KeyError(f"no output {key!r}; outputs: {self.labels}")
            key = (slice(None), self.labels.index(key))
            out = super().__getitem__(key)
            out.labels = None
            return out
        out = super().__getitem__(key)
        if isinstance(out, Activations) and out.labels is not None and (out.ndim != 2
                                                                       or out.shape[1] != len(out.labels)):
            out.labels = None
        return out

    @property
    def times(self):
        """Time of each frame in seconds, shape ``(n_frames,)``."""
        return np.arange(self.shape[0]) / self.fps


def frame_rate(activation, fps=None):
    """The frame rate of an activation: ``fps`` if given, else the :class:`Activations`' own.

    Parameters
    ----------
    activation : array_like or Activations
    fps : float or None
        Frame rate in frames per second.

    Returns
    -------
    float
        Frames per second.

    Raises
    ------
    ValueError
        If neither gives a frame rate.

    Examples
    --------
    >>> frame_rate(Activations([0.0, 1.0], fps=50)), frame_rate([0.0, 1.0], 100)
    (50.0, 100.0)
    """
    fps = getattr(activation, "fps", None) if fps is None else fps
    if fps is None:
        raise ValueError("frame rate missing: pass fps or an Activations object")
    return float(fps)


def check_activation(activation, fps=None, name="activation", channels=False):
    """Check an activation function and return it as a float array.

    Parameters
    ----------
    activation : array_like, shape ``(n_frames,)`` or ``(n_frames, n_outputs)``
        One value per frame (and output).
    fps : float or None
        Frame rate in frames per second, checked to be positive if given.
    name : str
        What to call the array in error messages.
    channels : bool
        False: one output is required, ``(n_frames,)`` or ``(n_frames, 1)``,
        returned as ``(n_frames,)``. True: any number of outputs, returned as
        ``(n_frames, n_outputs)``.

    Returns
    -------
    np.ndarray, float64, shape ``(n_frames,)`` or ``(n_frames, n_outputs)``

    Raises
    ------
    ValueError
        If it has the wrong number of dimensions, is empty, holds NaN or
        infinite values, or ``fps`` is not a positive number.

    Examples
    --------
    >>> check_activation(np.zeros((5, 3)), 100, channels=True).shape
    (5, 3)
    >>> check_activation(np.zeros((5, 3)), 100)
    Traceback (most recent call last):
    ...
    ValueError: activation must have shape (n_frames,) (one output), got (5, 3)
    """
    a = np.asarray(activation, dtype=float)
    if channels:
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2:
            raise ValueError(f"{name} must have shape (n_frames,) or (n_frames, n_outputs), got {a.shape}")
    else:
        if a.ndim == 2 and a.shape[1] == 1:
            a = a[:, 0]
        if a.ndim != 1:
            raise ValueError(f"{name} must have shape (n_frames,) (one output), got {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if fps is not None and not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"frame rate must be a positive number of frames per second, got {fps!r}")
    return a


class ActivationCache:
    """Activations of the last signals asked for, computed once each.

    A chapter asks for the beats and the tempo of the same recording, and both
    need the same, slow, activation function. The cache keeps it, keyed by
    ``key`` (what computes it: a network's name and weights) and the signal's
    bytes, and drops the oldest entry when full. Every caller gets a copy, so
    changing it changes nobody else's. It is on by default because the book's
    chapters rely on it for speed; :data:`remembered` is the one instance.

    With a ``directory``, activations are also kept on disk (one ``.npz``
    file each), so that other processes find them: the kernels of a grading
    run (``mirlib grade`` gives every submission the reference run's), or a
    book build and a lecturer's notebook on the same machine. The key holds
    what computes them (a network's weights digest), so new weights never
    read old activations.

    Parameters
    ----------
    size : int
        How many activations to keep in memory; 0 turns the cache off (every
        call computes, on disk nothing is read or written). Default: the
        environment variable ``MIRLIB_CACHE_SIZE``, else 64.
    directory : str or Path, optional
        Folder for the activations on disk. Default: the environment variable
        ``MIRLIB_CACHE_DIR``; unset, nothing is kept on disk.

    Examples
    --------
    >>> import numpy as np
    >>> cache = ActivationCache(size=2)
    >>> calls = []
    >>> compute = lambda: calls.append(1) or Activations(np.zeros(3), fps=100)
    >>> _ = cache("flux", np.ones(10), compute); _ = cache("flux", np.ones(10), compute)
    >>> len(calls), len(cache)
    (1, 1)
    >>> with cache.disabled():
    ...     _ = cache("flux", np.ones(10), compute)
    >>> len(calls)
    2
    >>> cache.clear(); len(cache)
    0
    """

    def __init__(self, size=None, directory=None):
        self._entries = {}
        self.size = int(os.environ.get("MIRLIB_CACHE_SIZE", 64)) if size is None else size
        directory = os.environ.get("MIRLIB_CACHE_DIR") or None if directory is None else directory
        self.directory = None if directory is None else Path(directory)

    @property
    def size(self):
        """int: how many activations are kept (0: off). Setting it drops the oldest beyond it."""
        return self._size

    @size.setter
    def size(self, value):
        value = int(value)
        if value < 0:
            raise ValueError(f"cache size must be 0 (off) or more, got {value}")
        self._size = value
        while len(self._entries) > value:
            self._entries.pop(next(iter(self._entries)))

    def __len__(self):
        return len(self._entries)

    def clear(self):
        """Forget every remembered activation."""
        self._entries.clear()

    @contextlib.contextmanager
    def disabled(self):
        """Compute afresh (and remember nothing) inside a ``with`` block."""
        size, entries = self._size, dict(self._entries)
        self._size, self._entries = 0, {}
        try:
            yield self
        finally:
            self._size, self._entries = size, entries

    def __call__(self, key, signal, compute):
        """The activations of ``signal`` by ``key``: remembered, or ``compute()`` now.

        Parameters
        ----------
        key : hashable
            What computes the activations, and with which settings.
        signal : np.ndarray, shape ``(n_samples,)``
            The signal (its shape and float32 bytes are part of the key).
        compute : callable
            ``compute()`` -> :class:`Activations`, called when not remembered.

        Returns
        -------
        Activations
            A copy of the remembered activations (or the new ones, with the cache off).
        """
        if self._size == 0:
            return compute()
        digest = hashlib.sha1(np.ascontiguousarray(signal, dtype=np.float32).tobytes()).hexdigest()
        full = (key, np.shape(signal), digest)
        if full not in self._entries:
            path = None
            if self.directory is not None:
                path = self.directory / f"{hashlib.sha1(repr(full).encode()).hexdigest()}.npz"
            act = _read_activations(path) if path is not None and path.exists() else None
            if act is None:
                act = compute()
                if path is not None:
                    _write_activations(path, act)
            while len(self._entries) >= self._size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[full] = act
        return self._entries[full].copy()


def _read_activations(path):
    """Activations from a cache file, or None (with a warning) if it cannot be read."""
    try:
        with np.load(path) as f:
            labels = tuple(str(x) for x in f["labels"]) or None
            return Activations(f["values"], fps=float(f["fps"]), labels=labels)
    except Exception as err:   # a truncated or foreign file: computed again and rewritten
        warnings.warn(f"activation cache file {path} is unreadable ({err}); computing again", stacklevel=3)
        return None


def _write_activations(path, act):
    """Write a cache file atomically; a folder that cannot be written is warned about, not fatal."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, values=np.asarray(act), fps=np.float64(act.fps),
                     labels=np.array(getattr(act, "labels", None) or (), dtype=str))
        os.replace(tmp, path)
    except OSError as err:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        warnings.warn(f"cannot keep activations in {path.parent} ({err}): the cache folder is not writable",
                      stacklevel=3)


#: The activation cache of every shipped network and of madmom's references
#: (:class:`ActivationCache`): ``remembered.clear()``, ``remembered.size = 0`` (off),
#: ``with remembered.disabled(): ...``.
remembered = ActivationCache()
