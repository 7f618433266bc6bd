"""Plots and audio players as the book shows them.

Players embed the sound as MP3 (a few kB per second) so that built pages stay
small, and always carry the recording's attribution.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from ..audio import check_signal

__all__ = ["Player", "player", "player_html", "mp3_data_uri", "encode_mp3", "specshow", "mark_events", "event_figure",
           "with_clicks", "filter_figure", "embedding_map", "reliability_diagram", "figure_to_png",
           "figure_to_data_uri"]


def encode_mp3(y, sr):
    """Encode a mono signal as MP3 bytes (libsndfile's LAME encoder).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Signal in [-1, 1]; louder samples are clipped.
    sr : int
        Sample rate in Hz (MP3 supports 8000 to 48000); libsndfile chooses
        a variable bit rate.

    Returns
    -------
    bytes
        The MP3 file.

    Raises
    ------
    ValueError
        For empty or non-finite signals or a sample rate MP3 cannot store.
    """
    import soundfile as sf

    y = check_signal(y, sr, name="player", mono=True)
    if sr not in (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000):
        raise ValueError(f"MP3 cannot store a sample rate of {sr} Hz; resample to 22050 or 44100 Hz")
    buf = io.BytesIO()
    sf.write(buf, np.clip(y, -1, 1), int(sr), format="MP3", subtype="MPEG_LAYER_III")
    return buf.getvalue()


def mp3_data_uri(mp3):
    """A ``data:audio/mpeg;base64,...`` URI of MP3 bytes (from :func:`encode_mp3`)."""
    return "data:audio/mpeg;base64," + base64.b64encode(mp3).decode("ascii")


def player_html(src, caption="", attribution="", audio_class=""):
    """The HTML of an audio player: caption, ``<audio>`` and attribution in a ``figure.mirlib-player``.

    Parameters
    ----------
    src : str
        The audio's URI (e.g. :func:`mp3_data_uri`).
    caption, attribution : str
        Shown above and below the player (escaped; newlines kept).
    audio_class : str
        CSS class of the ``<audio>`` element (a demo finds its player by it).

    Returns
    -------
    str
    """
    parts = ['<figure class="mirlib-player" style="margin:0.5em 0">']
    if caption:
        parts.append(f'<div><strong>{html.escape(caption)}</strong></div>')
    cls = f' class="{html.escape(audio_class)}"' if audio_class else ""
    parts.append(f'<audio{cls} controls preload="none" src="{src}"></audio>')
    if attribution:
        credit = html.escape(attribution).replace("\n", "<br>")
        parts.append(f'<figcaption style="font-size:0.8em;color:#555">{credit}</figcaption>')
    parts.append("</figure>")
    return "".join(parts)


class Player:
    """An HTML5 audio player with the recording's attribution below it.

    Displays in Jupyter and on the static website (``text/html``); the sound is
    embedded as MP3. Create it with :func:`player`.
    """

    def __init__(self, mp3, caption, attribution):
        self.mp3 = mp3
        self.caption = caption
        self.attribution = attribution

    def _repr_html_(self):
        return player_html(mp3_data_uri(self.mp3), self.caption, self.attribution)

    def __repr__(self):
        return f"Player({self.caption!r}, {len(self.mp3)} bytes MP3)"


def player(y, sr, caption="", attribution="", max_seconds=30.0):
    """Audio player for a signal, with its attribution.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal in [-1, 1].
    sr : int
        Sample rate in Hz.
    caption : str
        Title shown above the player.
    attribution : str
        Source and licence of the recording (required for real recordings;
        see :func:`mirlib.data.example_attribution`).
    max_seconds : float
        Longer signals raise, to keep built pages small; cut an excerpt first.

    Returns
    -------
    Player
        Displays as an ``<audio>`` element.

    Raises
    ------
    ValueError
        If the signal is longer than ``max_seconds``, empty, non-finite or at a
        sample rate MP3 cannot store.
    """
    duration = len(y) / float(sr)
    if duration > max_seconds:
        raise ValueError(f"player: {duration:.1f} s is longer than max_seconds = {max_seconds} s; cut an excerpt")
    return Player(encode_mp3(y, sr), caption, attribution)


def specshow(S, frame_rate, ax=None, y_axis="bins", sr=None, fmin=0.0, fmax=None, cmap="magma",
             colorbar=True, label=None, **kwargs):
    """Show a time-major feature ``(n_frames, n_bins)`` with time in seconds.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bins)``
        Spectrogram or other feature, time first.
    frame_rate : float
        Frames per second of ``S``.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure if None.
    y_axis : {"bins", "linear", "mel"}
        ``"linear"`` labels STFT bins in Hz, ``"mel"`` labels mel bands by their
        centre frequency in Hz (needs ``sr``; ``fmin``, ``fmax`` as used for
        the filterbank), ``"bins"`` numbers the bins.
    sr : number
        Sample rate in Hz (for ``"linear"`` and ``"mel"``).
    colorbar : bool
        Draw a colour bar labelled ``label``.

    Returns
    -------
    matplotlib.collections.QuadMesh
        The image.

    Raises
    ------
    ValueError
        If ``S`` is not two-dimensional or the frequency axis needs ``sr``.
    """
    import librosa
    import librosa.display
    import matplotlib.pyplot as plt

    S = np.asarray(S)
    if S.ndim != 2:
        raise ValueError(f"specshow needs a feature of shape (n_frames, n_bins), got {S.shape}")
    if y_axis in ("linear", "mel") and sr is None:
        raise ValueError(f"y_axis={y_axis!r} needs the sample rate sr")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    if y_axis == "linear":
        n_fft = 2 * (S.shape[1] - 1)
        img = librosa.display.specshow(S.T, sr=sr, hop_length=max(1, int(round(sr / frame_rate))), n_fft=n_fft,
                                       x_axis="s", y_axis="linear", ax=ax, cmap=cmap, **kwargs)
    elif y_axis == "mel":
        img = librosa.display.specshow(S.T, sr=sr, hop_length=max(1, int(round(sr / frame_rate))),
                                       x_axis="s", y_axis="mel", fmin=fmin, fmax=fmax or sr / 2, ax=ax,
                                       cmap=cmap, **kwargs)
    else:
        times = np.arange(S.shape[0] + 1) / frame_rate
        img = ax.pcolormesh(times, np.arange(S.shape[1] + 1), S.T, cmap=cmap, shading="flat", **kwargs)
        ax.set_xlabel("Time (s)")
        ax.set_ylabel("Bin")
    if colorbar:
        ax.figure.colorbar(img, ax=ax, label=label, pad=0.01)
    return img


def mark_events(ax, times, color="white", label=None, **kwargs):
    """Draw event times (onsets, beats) as vertical lines.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    times : array-like, shape ``(n_events,)``
        Times in seconds.
    """
    times = np.asarray(times, dtype=float)
    for i, t in enumerate(times):
        ax.axvline(t, color=color, linestyle="--", linewidth=1, label=label if i == 0 else None, **kwargs)


def event_figure(curve, estimated, reference, window, threshold=None, fps=None, title="", ylabel="activation",
                 figsize=(8, 3)):
    """A detection curve with the events picked from it: correct, false, and the references missed.

    What a peak-picking demo shows: the curve (an activation, a novelty, a
    spectral flux), the threshold, the estimates within ``window`` of a
    reference in green and the others in red (matched one-to-one as the
    F-measure counts, :func:`mirlib.evaluation.match_events`), and the
    references no estimate found in grey.

    Parameters
    ----------
    curve : mirlib.features.Activations or np.ndarray, shape ``(n_frames,)``
        The curve; a plain array needs ``fps``.
    estimated, reference : array_like, shape ``(n_events,)``
        Event times in seconds.
    window : float
        Tolerance window in seconds.
    threshold : float or None
        Drawn as a dashed line.
    fps : float or None
        Frame rate of ``curve``; default its own.
    title, ylabel : str
    figsize : tuple of float

    Returns
    -------
    matplotlib.figure.Figure
        Closed (for :class:`mirlib.viz.widgets.Demo` and static pages).

    Raises
    ------
    ValueError
        Without a frame rate, or for bad times.
    """
    import matplotlib.pyplot as plt

    from ..evaluation.events import match_events
    from ..features.activations import frame_rate

    fps = frame_rate(curve, fps)
    curve = np.asarray(curve, dtype=float)
    t = np.arange(len(curve)) / fps
    est, ref = np.asarray(estimated, dtype=float), np.asarray(reference, dtype=float)
    correct, found = match_events(ref, est, window)
    fig, ax = plt.subplots(figsize=figsize)
    ax.plot(t, curve, color="C0", lw=1)
    if threshold is not None:
        ax.axhline(threshold, color="gray", linestyle="--", linewidth=0.8)
    top = max(1.0, float(curve.max())) * 1.05
    ax.vlines(ref[~found], 0, top, color="0.6", lw=3, alpha=0.6, label="missed")
    ax.vlines(ref[found], 0, top, color="k", lw=0.8, linestyle=":", label="annotated, found")
    ax.plot(est[correct], np.interp(est[correct], t, curve), "v", color="tab:green", ms=8, label="correct")
    ax.plot(est[~correct], np.interp(est[~correct], t, curve), "x", color="tab:red", ms=8, mew=2, label="false")
    ax.set(xlabel="time (s)", ylabel=ylabel, ylim=(0, top), title=title)
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    plt.close(fig)
    return fig


def filter_figure(S, kernel, feature_map, fps, title="input", filter_name="filter"):
    """A convolutional filter between the spectrogram it reads and the feature map it writes.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bands)``
        The input spectrogram, time first.
    kernel : np.ndarray, shape ``(kernel_frames, kernel_bands)``
        One filter of the convolution (one input channel).
    feature_map : np.ndarray, shape ``(n_frames', n_bands')``
        Its output on ``S`` (after the activation function).
    fps : float
        Frame rate of ``S`` and of the feature map, frames per second.
    title, filter_name : str
        Titles of the input and filter panels.

    Returns
    -------
    matplotlib.figure.Figure
        Closed (for :class:`mirlib.viz.widgets.Demo` and static pages).
    """
    import matplotlib.pyplot as plt

    kernel, feature_map = np.asarray(kernel, dtype=float), np.asarray(feature_map, dtype=float)
    fig = plt.figure(figsize=(9, 2.8))
    grid = fig.add_gridspec(1, 3, width_ratios=(4, 1, 4))
    ax0, ax1, ax2 = (fig.add_subplot(grid[0, i]) for i in range(3))
    specshow(S, fps, ax=ax0)
    ax0.set(title=title, xlabel="time (s)", ylabel="mel band")
    lim = max(float(np.abs(kernel).max()), 1e-9)
    ax1.imshow(kernel.T, origin="lower", aspect="auto", cmap="coolwarm", vmin=-lim, vmax=lim)
    ax1.set(title=filter_name, xlabel="frames", ylabel="bands")
    ax2.imshow(feature_map.T, origin="lower", aspect="auto", cmap="magma",
               extent=(0, feature_map.shape[0] / fps, 0, feature_map.shape[1]))
    ax2.set(title="feature map (ReLU)", xlabel="time (s)", ylabel="band position")
    fig.tight_layout()
    plt.close(fig)
    return fig


def embedding_map(embeddings, labels, names, ax=None, markers=None, title="", perplexity=20, seed=0):
    """A t-SNE map of embeddings, coloured by a label: which items the embedding puts together.

    t-SNE (van der Maaten & Hinton 2008, scikit-learn's) keeps near neighbours
    near; distances between far clusters mean little.

    Parameters
    ----------
    embeddings : np.ndarray, shape ``(n_items, dim)``
    labels : np.ndarray of int, shape ``(n_items,)``
        Index into ``names`` of every item's colour.
    names : sequence of str
        The legend's entries.
    ax : matplotlib.axes.Axes or None
        Where to draw; default a new figure.
    markers : np.ndarray of bool or None, shape ``(n_items,)``
        Items drawn as crosses instead of circles (e.g. other sounds), left out of the legend.
    title : str
    perplexity : float
        t-SNE's neighbourhood size (below the number of items).
    seed : int
        t-SNE's random state.

    Returns
    -------
    np.ndarray, shape ``(n_items, 2)``
        The map's coordinates.

    Raises
    ------
    ValueError
        For labels of another length than the embeddings, or too few items.
    """
    import matplotlib.pyplot as plt
    from sklearn.manifold import TSNE

    X, labels = np.asarray(embeddings, dtype=float), np.asarray(labels)
    if X.ndim != 2 or len(labels) != len(X):
        raise ValueError(f"need embeddings (n_items, dim) and one label per item, got {X.shape} and {labels.shape}")
    if len(X) <= perplexity:
        raise ValueError(f"t-SNE with perplexity {perplexity} needs more than {perplexity} items, got {len(X)}")
    crosses = np.zeros(len(X), bool) if markers is None else np.asarray(markers, bool)
    xy = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(X)
    ax = plt.subplots(figsize=(5.5, 4.2))[1] if ax is None else ax
    for i, name in enumerate(names):
        for mask, marker in ((~crosses, "o"), (crosses, "x")):
            chosen = mask & (labels == i)
            ax.scatter(*xy[chosen].T, marker=marker, color=plt.get_cmap("tab10")(i % 10), s=22,
                       label=name if marker == "o" else None)
    ax.set(title=title, xticks=[], yticks=[])
    return xy


def reliability_diagram(y_true, probabilities, n_bins=10, ax=None, title=""):
    """Reliability diagram: stated probability against observed frequency, one line per model.

    Parameters
    ----------
    y_true : array of {0, 1}, shape ``(n_examples,)``
    probabilities : dict
        Model name -> predicted probabilities of class 1, shape ``(n_examples,)``.
    n_bins : int
        Equal-width bins (:func:`mirlib.evaluation.calibration`).
    ax : matplotlib.axes.Axes or None
    title : str

    Returns
    -------
    matplotlib.axes.Axes
        The diagonal is perfect calibration; each legend entry gives the
        model's expected calibration error (ECE); the marker size grows with
        the number of examples in the bin.

    Raises
    ------
    ValueError
        As :func:`mirlib.evaluation.calibration`.
    """
    import matplotlib.pyplot as plt

    from ..evaluation import calibration

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot([0, 1], [0, 1], color="0.6", ls="--", lw=1, label="calibrated")
    for name, p in probabilities.items():
        table, ece = calibration(y_true, p, n_bins)
        ax.plot(table["mean probability"], table["share positive"], "-", lw=1)
        ax.scatter(table["mean probability"], table["share positive"], s=10 + 200 * table["examples"] / len(p),
                   label=f"{name} (ECE {ece:.3f})")
    ax.set(xlabel="stated probability", ylabel="observed frequency", xlim=(-0.02, 1.02), ylim=(-0.02, 1.02),
           title=title)
    ax.legend(fontsize=7, loc="upper left")
    return ax


def with_clicks(y, sr, times, seconds=None, click_freq=2000.0, gain=0.5):
    """A signal with a click at each event time, to hear where events were found.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.
    times : array_like, shape ``(n_events,)``
        Event times in seconds.
    seconds : float or None
        Keep only the first seconds.
    click_freq : float
        Pitch of the clicks in Hz.
    gain : float
        Level of the clicks against the signal (scaled to 0.7).

    Returns
    -------
    (np.ndarray, int)
        The mixed signal, shape ``(n_samples,)``, and ``sr``.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal.
    """
    import librosa

    y = check_signal(y, sr)
    n = len(y) if seconds is None else min(len(y), int(seconds * sr))
    times = np.asarray(times, dtype=float)
    clicks = librosa.clicks(times=times[times < n / sr], sr=sr, length=n, click_freq=click_freq)
    return 0.7 * y[:n] + gain * clicks, sr


def figure_to_png(fig, fmt="png", dpi=80):
    """Render a matplotlib figure to image bytes (PNG or JPEG) and close it.

    Returns
    -------
    bytes
        The encoded image.
    """
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    kwargs = {"pil_kwargs": {"quality": 85, "optimize": True}} if fmt in ("jpg", "jpeg") else {}
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", **kwargs)
    plt.close(fig)
    return buf.getvalue()


def figure_to_data_uri(fig, fmt="png", dpi=80):
    """Render a matplotlib figure to a ``data:`` URI (PNG or JPEG) and close it.

    Returns
    -------
    str
        ``data:image/png;base64,...``
    """
    mime = "jpeg" if fmt in ("jpg", "jpeg") else fmt
    return f"data:image/{mime};base64," + base64.b64encode(figure_to_png(fig, fmt, dpi)).decode("ascii")
