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

import hashlib

import numpy as np


__all__ = ["Activations", "check_activation", "frame_rate", "remembered"]

# the activations of the last signals asked for, oldest first (see remembered)
_RECENT = {}
_RECENT_SIZE = 64


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


def remembered(key, signal, compute):
    """The activations of a signal, computed once for the last 64 signals asked for.

    A chapter asks for the beats and the tempo of the same recording, and both
    need the same, slow, activation function: it is kept, keyed by ``key``
    (what computes it: a network's name and weights) and the signal's bytes.
    Every caller gets a copy, so changing it changes nobody else's.

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
        A copy of the remembered activations.
    """
    digest = hashlib.sha1(np.ascontiguousarray(signal, dtype=np.float32).tobytes()).hexdigest()
    full = (key, np.shape(signal), digest)
    if full not in _RECENT:
        act = compute()
        if len(_RECENT) >= _RECENT_SIZE:
            _RECENT.pop(next(iter(_RECENT)))
        _RECENT[full] = act
    return _RECENT[full].copy()
