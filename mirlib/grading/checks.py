"""Helpers for autograded exercises: comparisons whose failures explain themselves.

Test cells of the book's nbgrader exercises call :func:`check_array` to compare a
student's result with a reference computed by mirlib. When they differ, the
message says *what* is wrong (type, shape, orientation, scale, logarithm base, a
known mistake) without printing the solution. :func:`forbid` makes a library
function unusable for the duration of a test, to check that a step was
implemented from primitives.
"""

from __future__ import annotations

import contextlib
import importlib

import numpy as np

__all__ = ["check_array", "forbid"]


def _close(a, b, rtol, atol):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False)


def check_array(actual, expected, name, rtol=1e-4, atol=1e-5, hints=(), axes=("n_frames", "n_bins")):
    """Assert that a student's array equals the reference, explaining any difference.

    Parameters
    ----------
    actual : object
        What the student's function returned.
    expected : np.ndarray
        The reference result.
    name : str
        How to call the result in messages, for instance ``"frame_signal(y, 1024, 512)"``.
    rtol, atol : float
        Tolerances for :func:`numpy.allclose`.
    hints : sequence of (np.ndarray, str)
        Results of known mistakes with the message to give when ``actual``
        matches one of them, for instance ``(np.abs(X) ** 2, "looks like power")``.
    axes : tuple of str
        Names of the axes of ``expected``, used in shape messages.

    Raises
    ------
    AssertionError
        With a message naming the problem: not an array, NaN or infinite
        values, wrong number of dimensions, transposed axes, a wrong length
        along one axis, a result of a known mistake, a constant factor, or
        values that differ.

    Examples
    --------
    >>> ref = np.arange(6.0).reshape(3, 2)
    >>> check_array(ref.T, ref, "f(x)")
    Traceback (most recent call last):
    ...
    AssertionError: f(x) has its axes swapped: expected shape (n_frames, n_bins) = (3, 2), got (2, 3)
    """
    expected = np.asarray(expected)
    if actual is None:
        raise AssertionError(f"{name} returned None: did you forget `return`?")
    if not isinstance(actual, np.ndarray):
        raise AssertionError(f"{name} must return a NumPy array, got {type(actual).__name__}")
    if not np.issubdtype(actual.dtype, np.number):
        raise AssertionError(f"{name} must contain numbers, got dtype {actual.dtype}")
    if actual.ndim != expected.ndim:
        raise AssertionError(f"{name} has {actual.ndim} dimension(s), expected {expected.ndim}: "
                             f"shape ({', '.join(axes[:expected.ndim])})")
    if actual.shape != expected.shape:
        if actual.shape == expected.shape[::-1]:
            raise AssertionError(f"{name} has its axes swapped: expected shape ({', '.join(axes)}) = "
                                 f"{expected.shape}, got {actual.shape}")
        for axis, (got, want) in enumerate(zip(actual.shape, expected.shape)):
            if got != want:
                label = axes[axis] if axis < len(axes) else f"axis {axis}"
                what = "one too few" if got == want - 1 else "one too many" if got == want + 1 else \
                    "too few" if got < want else "too many"
                raise AssertionError(f"{name} has {got} along {label}, {what} (expected {want}); "
                                     f"shape {actual.shape}, expected {expected.shape}")
    n_bad = int(actual.size - np.count_nonzero(np.isfinite(actual)))
    if n_bad:
        raise AssertionError(f"{name} contains {n_bad} NaN or infinite value(s); "
                             "is a logarithm or a division applied to zeros?")
    actual = actual.astype(np.float64)
    expected = expected.astype(np.float64)
    if _close(actual, expected, rtol, atol):
        return
    for candidate, message in hints:
        candidate = np.asarray(candidate, dtype=np.float64)
        if _close(actual, candidate, rtol, atol):
            raise AssertionError(f"{name}: {message}")
    if _close(actual, expected ** 2, rtol, atol):
        raise AssertionError(f"{name} looks squared (power instead of magnitude?)")
    if _close(actual, expected * np.log(10), rtol, atol):
        raise AssertionError(f"{name} looks like the natural logarithm; use the base-10 logarithm")
    if _close(actual, expected * 20, rtol, atol) or _close(actual, expected * 10, rtol, atol):
        raise AssertionError(f"{name} looks like decibels (10 or 20 times log10); use log10 without a factor")
    mask = np.abs(expected) > 1e-6
    if np.any(mask):
        ratio = actual[mask] / expected[mask]
        if np.allclose(ratio, ratio[0], rtol=1e-3) and not np.isclose(ratio[0], 1.0) and ratio[0] != 0:
            raise AssertionError(f"{name} is off by a constant factor of {ratio[0]:.4g}")
    worst = np.unravel_index(np.argmax(np.abs(actual - expected)), expected.shape)
    raise AssertionError(f"{name} has the right shape {expected.shape} but wrong values "
                         f"(largest difference {np.abs(actual - expected)[worst]:.3g} at index {tuple(map(int, worst))})")


@contextlib.contextmanager
def forbid(*targets, reason="implement this step yourself with NumPy"):
    """Make library functions raise while the block runs.

    Parameters
    ----------
    *targets : str
        Dotted paths such as ``"librosa.stft"`` or ``"mirlib.features.frame"``.
    reason : str
        Added to the error message.

    Raises
    ------
    AssertionError
        Inside the block, whenever a forbidden function is called.
    ValueError
        If a target does not name an attribute of an importable module.

    Examples
    --------
    >>> import numpy as np
    >>> with forbid("numpy.convolve"):
    ...     np.convolve([1], [1])
    Traceback (most recent call last):
    ...
    AssertionError: numpy.convolve was called: implement this step yourself with NumPy
    """
    saved = []
    try:
        for target in targets:
            module_name, _, attr = target.rpartition(".")
            try:
                module = importlib.import_module(module_name)
                original = getattr(module, attr)
            except (ImportError, AttributeError) as err:
                raise ValueError(f"forbid: cannot find {target}") from err

            def blocked(*args, _target=target, **kwargs):
                raise AssertionError(f"{_target} was called: {reason}")

            saved.append((module, attr, original))
            setattr(module, attr, blocked)
        yield
    finally:
        for module, attr, original in reversed(saved):
            setattr(module, attr, original)
