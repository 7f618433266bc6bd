"""Named feature settings: one place for every spectrogram the book's networks read.

A :class:`FeatureSettings` fixes the sample rate, frame sizes, hop size, mel
bands, frequency range and log compression of a representation, and so its
frame rate :attr:`~FeatureSettings.fps`. Calling it on a signal checks the
signal once, resamples it if allowed, and computes the features, time first.
Every task module and every shipped network reads its settings from here, so
that training, the chapters and the command line compute the same features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..audio import check_signal
from .constantq import log_cqt
from .spectral import log_filtered_spectrogram, log_mel_spectrogram

__all__ = ["FeatureSettings", "RHYTHM", "CLASSIFICATION", "VOCALS", "TRANSCRIPTION", "STRUCTURE", "BASS",
           "add_positive_difference"]


@dataclass(frozen=True)
class FeatureSettings:
    """Settings of a (multi-resolution) log-mel spectrogram.

    Parameters
    ----------
    name : str
        Short name, used in messages.
    sr : int
        Sample rate in Hz the features are computed at.
    frame_sizes : tuple of int
        Frame sizes in samples; several give one channel each.
    hop_size : int
        Hop size in samples; the frame rate is ``sr / hop_size``.
    n_bands : int
        Mel bands.
    fmin, fmax : float
        Frequency range of the mel filterbank in Hz (``fmax=None``: ``sr / 2``).
    log_mul, log_add : float
        Log compression ``log10(log_mul * x + log_add)``.
    resample : bool
        Resample signals of another sample rate (True) or refuse them with a
        ``ValueError`` (False).
    bands_per_octave : int
        0 for a mel filterbank; otherwise a logarithmic filterbank with this
        many bands per octave (:func:`mirlib.features.log_filtered_spectrogram`),
        whose band count must equal ``n_bands``.
    constant_q : bool
        Compute a constant-Q transform instead (:func:`mirlib.features.log_cqt`):
        ``n_bands`` bins, ``bands_per_octave`` to the octave from ``fmin``.
        Its window lengths follow from the Q factor, so ``frame_sizes`` must
        be empty.
    floor : float or None
        Raise every value more than ``floor`` below the recording's maximum to
        that floor (in log10 units: 3.0 is 60 dB of magnitude); None keeps all.
        A gain moves the floor with everything else.

    Examples
    --------
    >>> RHYTHM.fps, RHYTHM.n_channels
    (100.0, 3)
    >>> RHYTHM(np.zeros(22050), 22050).shape   # resampled to 44.1 kHz
    (101, 80, 3)
    >>> CLASSIFICATION.fps
    43.06640625
    """

    name: str
    sr: int
    frame_sizes: tuple
    hop_size: int
    n_bands: int
    fmin: float = 27.5
    fmax: float | None = None
    log_mul: float = 1.0
    log_add: float = 1.0
    resample: bool = True
    bands_per_octave: int = 0
    constant_q: bool = False
    floor: float | None = None

    @property
    def fps(self):
        """Frame rate in frames per second, ``sr / hop_size``."""
        return self.sr / self.hop_size

    @property
    def n_channels(self):
        """Number of frame sizes (channels of the stacked spectrogram)."""
        return max(1, len(self.frame_sizes))    # a constant-Q transform has no frame sizes and one channel

    @property
    def shape(self):
        """Shape of one frame: ``(n_bands,)`` or ``(n_bands, n_channels)``."""
        return (self.n_bands,) if self.n_channels == 1 else (self.n_bands, self.n_channels)

    def prepare(self, y, sr):
        """Check a mono signal and bring it to :attr:`sr`.

        Parameters
        ----------
        y : np.ndarray, shape ``(n_samples,)``
        sr : int
            Its sample rate in Hz.

        Returns
        -------
        np.ndarray, float32, shape ``(n_samples',)``
            The signal at :attr:`sr`.

        Raises
        ------
        ValueError
            For an empty, NaN or multi-channel signal, a bad sample rate, or
            another sample rate when :attr:`resample` is False.
        """
        import librosa

        y = check_signal(y, sr, mono=True)
        if sr != self.sr:
            if not self.resample:
                raise ValueError(f"{self.name} features expect a sample rate of {self.sr} Hz, got {sr} Hz; "
                                 "resample first (mirlib.audio.load does)")
            y = librosa.resample(y, orig_sr=sr, target_sr=self.sr)
        return y

    def __call__(self, y, sr):
        """Compute the features of a signal.

        Parameters
        ----------
        y : np.ndarray, shape ``(n_samples,)``
            Mono signal.
        sr : int
            Its sample rate in Hz.

        Returns
        -------
        np.ndarray, float32
            Shape ``(n_frames, n_bands)`` for one frame size, or
            ``(n_frames, n_bands, n_channels)`` for several; frame ``n`` is
            centred at ``n / fps`` seconds.

        Raises
        ------
        ValueError
            See :meth:`prepare`.
        """
        y = self.prepare(y, sr)
        if self.constant_q:
            return log_cqt(y, self.sr, hop_size=self.hop_size, fmin=self.fmin, n_bins=self.n_bands,
                           bins_per_octave=self.bands_per_octave, mul=self.log_mul, add=self.log_add)
        if self.bands_per_octave:
            specs = [log_filtered_spectrogram(y, self.sr, frame_size=n, hop_size=self.hop_size,
                                              bands_per_octave=self.bands_per_octave, fmin=self.fmin,
                                              fmax=self.fmax or self.sr / 2, mul=self.log_mul, add=self.log_add)
                     for n in self.frame_sizes]
            if specs[0].shape[1] != self.n_bands:
                raise ValueError(f"{self.name}: the logarithmic filterbank has {specs[0].shape[1]} bands, "
                                 f"not n_bands={self.n_bands}")
        else:
            specs = [log_mel_spectrogram(y, self.sr, frame_size=n, hop_size=self.hop_size, n_mels=self.n_bands,
                                         fmin=self.fmin, fmax=self.fmax, mul=self.log_mul, add=self.log_add)
                     for n in self.frame_sizes]
        S = specs[0] if len(specs) == 1 else np.stack(specs, axis=-1)
        return S if self.floor is None else np.maximum(S, S.max() - np.float32(self.floor))


#: The rhythm networks' input (onsets, beats): log-mel spectrograms of frame
#: sizes 1024, 2048 and 4096 samples (23, 46, 93 ms) at 44.1 kHz, hop 441
#: samples (100 fps), 80 bands from 27.5 Hz to 16 kHz, ``log10(1 + x)``, as in
#: :cite:p:`schlueter2014improved,boeck2011enhanced`.
RHYTHM = FeatureSettings("rhythm", sr=44100, frame_sizes=(1024, 2048, 4096), hop_size=441, n_bands=80,
                         fmin=27.5, fmax=16000.0)

#: The classification chapters' input (music/speech, styles, tags): frame size
#: 1024 and hop 512 samples at 22.05 kHz (43 fps), 40 mel bands from 27.5 Hz
#: to 11.025 kHz, ``log10(1 + 1000 x)``, as in the ISMIR 2018 tutorial
#: :cite:p:`schindler2018tutorial`. Other sample rates are refused.
CLASSIFICATION = FeatureSettings("classification", sr=22050, frame_sizes=(1024,), hop_size=512, n_bands=40,
                                 fmin=27.5, fmax=None, log_mul=1000.0, resample=False)

#: The singing-voice detectors' input: frame size 1024 and hop 512 samples at
#: 22.05 kHz (43 fps), 80 mel bands from 27.5 Hz to 8 kHz (where the voice's
#: partials and formants lie, as in :cite:p:`schlueter2015exploring`), and
#: ``log10(x + 1e-8)``, a logarithm without compression, so that a gain change
#: of the recording shifts every value by the same amount (``log10`` of the
#: gain), as level-invariant detection needs :cite:p:`schlueter2018zeromean`;
#: values more than 60 dB below the recording's loudest are raised to that
#: floor, so that the faint noise of a room or a microphone (which the
#: uncompressed logarithm shows as clearly as any note) is no cue.
VOCALS = FeatureSettings("vocals", sr=22050, frame_sizes=(1024,), hop_size=512, n_bands=80, fmin=27.5, fmax=8000.0,
                         log_mul=1.0, log_add=1e-8, resample=False, floor=3.0)

#: The drum transcription networks' input: a log-filtered spectrogram (frame
#: size 2048 at 44.1 kHz, hop 441 samples = 100 fps, 12 bands per octave from
#: 20 Hz to 20 kHz, 84 bands, ``log10(1 + x)``), as in Vogl et al. :cite:p:`vogl2017drum`.
TRANSCRIPTION = FeatureSettings("transcription", sr=44100, frame_sizes=(2048,), hop_size=441, n_bands=84,
                                fmin=20.0, fmax=20000.0, bands_per_octave=12)

#: Music structure's input (section boundaries, self-similarity): long frames
#: (8192 samples, 372 ms) at 22.05 kHz, hop 4410 samples (5 fps, the reduced
#: frame rate of Ullrich et al. :cite:p:`ullrich2014boundary`), 40 mel bands
#: from 27.5 Hz to 11.025 kHz, ``log10(1 + 1000 x)``.
STRUCTURE = FeatureSettings("structure", sr=22050, frame_sizes=(8192,), hop_size=4410, n_bands=40,
                            fmin=27.5, fmax=None, log_mul=1000.0)

#: The bass transcription network's input: a constant-Q transform at 22.05 kHz,
#: hop 1024 samples (21.5 fps), one bin per semitone for 7 octaves from C1
#: (32.7 Hz) to B7 (3951 Hz), ``log10(1 + 10 x)``: the semitone-spaced
#: log-frequency input of Balke et al. and Abeßer et al.
#: :cite:p:`balke2017data,abesser2017deep`.
BASS = FeatureSettings("bass", sr=22050, frame_sizes=(), hop_size=1024, n_bands=84, fmin=32.703,
                       bands_per_octave=12, constant_q=True, log_mul=10.0)


def add_positive_difference(x):
    """Flatten each frame and append its positive first-order difference.

    The input of Böck's recurrent onset and beat networks
    :cite:p:`boeck2012online,boeck2011enhanced`: the spectrogram, and how much
    each bin rose since the frame before (0 where it fell).

    Parameters
    ----------
    x : np.ndarray, shape ``(n_frames, n_bands)`` or ``(n_frames, n_bands, n_channels)``
        Spectrogram(s), time first.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, 2 * n_bands * n_channels)``

    Raises
    ------
    ValueError
        If ``x`` is not two- or three-dimensional.

    Examples
    --------
    >>> add_positive_difference(np.zeros((10, 80, 3))).shape
    (10, 480)
    >>> add_positive_difference(np.array([[1.0], [3.0], [2.0]])).tolist()
    [[1.0, 0.0], [3.0, 2.0], [2.0, 0.0]]
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim not in (2, 3) or len(x) == 0:
        raise ValueError(f"spectrogram must have shape (n_frames, n_bands[, n_channels]), got {x.shape}")
    flat = x.reshape(len(x), -1)
    diff = np.maximum(np.diff(flat, axis=0, prepend=flat[:1]), 0.0)
    return np.concatenate([flat, diff], axis=1)
