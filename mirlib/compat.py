"""Import shim that lets madmom 0.16.1 run on Python 3.11 and NumPy >= 1.24.

madmom 0.16.1 (2018) is the only release on the package index. Its code

* imports ``MutableSequence`` from :mod:`collections`, which Python 3.10 removed
  (it lives in :mod:`collections.abc`), and
* uses NumPy's scalar aliases ``np.float``, ``np.int``, ``np.complex`` and
  ``np.bool``, which NumPy 1.24 removed (they were the Python builtins), and
* in :class:`~madmom.features.downbeats.DBNDownBeatTrackingProcessor`, builds an
  array of ``(path, log probability)`` pairs of different lengths to pick the
  best bar length, which NumPy 1.24 refuses (a ragged array).

Importing this module restores the names; :func:`import_madmom` also mends the
downbeat tracker, so ``import madmom`` works. Always
import madmom through :func:`import_madmom`, never directly, so that the shim is
in place first. This is the only place of the shim; nothing else in mirlib
depends on these aliases.
"""

import collections
import collections.abc

import numpy as np

__all__ = ["import_madmom", "import_pretty_midi"]

for _name in ("MutableSequence", "Sequence", "Iterable", "Mapping", "MutableMapping"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

for _alias, _builtin in (("float", float), ("int", int), ("complex", complex), ("bool", bool)):
    # NumPy >= 1.24 raises AttributeError for these; older NumPy has them already.
    if _alias not in np.__dict__:
        setattr(np, _alias, _builtin)


def import_madmom():
    """Import and return :mod:`madmom` with the compatibility shim applied.

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

    try:
        with warnings.catch_warnings():
            # madmom imports pkg_resources, which warns that it is deprecated;
            # the pin setuptools<81 keeps it working, so the warning only distracts.
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
            import madmom
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "madmom is not installed; install numpy and Cython first, then "
            "`pip install --no-build-isolation madmom==0.16.1` (see README)"
        ) from err
    _mend_downbeat_tracker(madmom)
    return madmom


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
