"""Drum transcription by non-negative matrix factorisation: the classic baseline of the drum networks.

Templates of KD, SD and HH come from the one-shots of recorded drum kits; a
recording's filtered magnitude spectrogram is factorised with the templates
fixed, and the rise of each drum's gain is its activation, on the same
frames (:data:`mirlib.features.TRANSCRIPTION`) as the drum networks'.
"""

from __future__ import annotations

import numpy as np

from ..data.annotations import DRUMS
from ..features.settings import TRANSCRIPTION

__all__ = ["nmf_templates", "nmf_activation"]


def nmf_templates(kits=None, frames=10):
    """Spectral templates of KD, SD and HH for NMF, averaged over the one-shots of kits.

    Each one-shot's log-filtered magnitude spectrum (linear magnitudes, before
    the logarithm) is averaged over its first ``frames`` frames (100 ms), and
    the templates of a drum are averaged over the kits' layers; each template
    is scaled to unit sum.

    Parameters
    ----------
    kits : sequence of str or None
        Kits (default: the training kits).
    frames : int
        Frames of each one-shot to average.

    Returns
    -------
    np.ndarray, float32, shape ``(3, n_bands)``
        Templates of KD, SD and HH over the :data:`mirlib.features.TRANSCRIPTION` bands.

    Raises
    ------
    ValueError
        For an unknown kit.
    """
    from ..data.drumkits import TRAIN_KITS, load_kit

    kits = TRAIN_KITS if kits is None else kits
    fb = _filterbank()
    out = np.zeros((len(DRUMS), fb.shape[1]))
    for i, drum in enumerate(DRUMS):
        spectra = []
        for name in kits:
            for variant in load_kit(name).instruments[drum]:
                for layer in variant:
                    S = _linear_filtered(layer.audio, fb)[:frames].mean(axis=0)
                    spectra.append(S / (S.sum() + 1e-12))
        out[i] = np.mean(spectra, axis=0)
    return out.astype(np.float32)


def _filterbank():
    from ..features.spectral import log_filterbank

    return log_filterbank(TRANSCRIPTION.sr, TRANSCRIPTION.frame_sizes[0], TRANSCRIPTION.bands_per_octave,
                          TRANSCRIPTION.fmin, TRANSCRIPTION.fmax)


def _linear_filtered(y, fb):
    from ..features.spectral import magnitude_spectrogram

    return magnitude_spectrogram(y, frame_size=TRANSCRIPTION.frame_sizes[0], hop_size=TRANSCRIPTION.hop_size) @ fb


def nmf_activation(y, sr, templates):
    """Drum activations by non-negative matrix factorisation with fixed templates (a baseline).

    The filtered magnitude spectrogram ``V`` (``(n_frames, n_bands)``) is
    factorised as ``V ≈ G T`` with the templates ``T`` fixed
    (:func:`sklearn.decomposition.non_negative_factorization`, Kullback-Leibler
    divergence); the gains ``G`` say how strongly each drum sounds in each
    frame. Their positive difference, scaled to a maximum of 1 per drum, is
    the activation: a drum starts where its gain rises. The classic approach
    before neural networks; see Wu et al.'s review :cite:p:`wu2018review`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    templates : np.ndarray, shape ``(3, n_bands)``
        From :func:`nmf_templates`.

    Returns
    -------
    mirlib.features.Activations, shape ``(n_frames, 3)``
        KD, SD and HH at 100 fps.

    Raises
    ------
    ValueError
        For a bad signal or templates of the wrong shape.
    """
    from sklearn.decomposition import non_negative_factorization

    from ..features.activations import Activations

    fb = _filterbank()
    templates = np.asarray(templates, dtype=np.float64)
    if templates.shape != (len(DRUMS), fb.shape[1]):
        raise ValueError(f"templates must have shape (3, {fb.shape[1]}), got {templates.shape}")
    V = _linear_filtered(TRANSCRIPTION.prepare(y, sr), fb).astype(np.float64) + 1e-9
    G, _, _ = non_negative_factorization(V, H=templates, n_components=len(DRUMS), init="custom", update_H=False,
                                         beta_loss="kullback-leibler", solver="mu", max_iter=200, tol=1e-4)
    rise = np.maximum(np.diff(G, axis=0, prepend=G[:1]), 0.0)
    rise /= rise.max(axis=0, keepdims=True) + 1e-12
    return Activations(rise.astype(np.float32), TRANSCRIPTION.fps, labels=DRUMS)
