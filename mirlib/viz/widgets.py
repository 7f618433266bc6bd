"""Interactive demos that work with and without a kernel.

A demo is a function of a few parameters that draws a matplotlib figure. The
:class:`Demo` object returned by each demo function displays in two ways at
once, as two representations of one output:

* ``application/vnd.jupyter.widget-view+json``: ipywidgets controls that
  recompute the figure whenever a control changes (Jupyter, JupyterHub);
* ``text/html``: the same controls in plain HTML with every view precomputed
  at build time and swapped by a few lines of JavaScript, so the static website
  still responds to its controls without a kernel.

Jupyter shows the widget view; the book's HTML build prefers ``text/html``
(``nb_mime_priority_overrides`` in ``_config.yml``).
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import uuid

import numpy as np

from .. import features
from ..audio import check_signal
from ..evaluation.events import drum_scores
from .display import encode_mp3, figure_to_data_uri, figure_to_png, mp3_data_uri, player_html, specshow

__all__ = ["Demo", "stft_explorer", "mel_explorer", "retrieval_explorer", "transcription_explorer"]


def _is_slider(values):
    """Numeric controls with several values are sliders, others drop-down lists."""
    return len(values) > 1 and all(isinstance(v, (int, float, np.number)) for v in values)


class Demo:
    """A figure that depends on a few discrete parameters.

    Parameters
    ----------
    render : callable
        ``render(**params) -> matplotlib.figure.Figure``; called once per view.
    controls : dict
        Parameter name -> ``(label, values)``; ``values`` is a list of the values
        the control offers (numbers become sliders, strings drop-down lists).
    initial : dict or None
        Starting value per parameter (default: the first value of each).
    title : str
        Shown above the controls.
    image_format : {"png", "jpeg"}
        Format of the precomputed views embedded in the HTML view.
    sound : callable or None
        ``sound(**params) -> (y, sr)``: a signal to play with the view (e.g. a
        query and the pieces found for it); it gets an audio player that
        follows the controls, live and on the website (MP3, keep it short).
    attribution : str
        Credit shown under the player.

    Raises
    ------
    ValueError
        If a control offers no value, or an initial value is not among its values.
    """

    def __init__(self, render, controls, initial=None, title="", image_format="jpeg", dpi=72, sound=None,
                 attribution=""):
        self.render = render
        self.sound = sound
        self.attribution = attribution
        self.controls = {name: (label, list(values)) for name, (label, values) in controls.items()}
        for name, (_, values) in self.controls.items():
            if not values:
                raise ValueError(f"control {name!r} offers no value")
        self.initial = {name: values[0] for name, (_, values) in self.controls.items()}
        for name, value in (initial or {}).items():
            if name not in self.controls or value not in self.controls[name][1]:
                raise ValueError(f"initial value {value!r} of {name!r} is not among the control's values")
            self.initial[name] = value
        self.title = title
        self.image_format = image_format
        self.dpi = dpi
        self._widget = None
        self._html = None

    # -- static view -------------------------------------------------------
    def _settings(self):
        """Every combination of control values: ``(key, params)``, key ``"i-j-..."`` of value indices."""
        names = list(self.controls)
        for idx in itertools.product(*(range(len(self.controls[n][1])) for n in names)):
            yield "-".join(map(str, idx)), {n: self.controls[n][1][i] for n, i in zip(names, idx)}

    def views(self):
        """Render every combination of control values.

        Returns
        -------
        dict
            ``"i-j-..."`` (the index of each control's value, in control order)
            -> ``data:`` URI of the rendered image.
        """
        return {key: figure_to_data_uri(self.render(**params), fmt=self.image_format, dpi=self.dpi)
                for key, params in self._settings()}

    def sounds(self):
        """Encode the sound of every combination of control values (keys as :meth:`views`).

        Returns
        -------
        dict
            View key -> ``data:audio/mpeg`` URI; empty without ``sound``.
        """
        if self.sound is None:
            return {}
        return {key: mp3_data_uri(encode_mp3(*self.sound(**params))) for key, params in self._settings()}

    def to_html(self):
        """The kernel-free view: HTML controls, precomputed images, a small script."""
        if self._html is not None:
            return self._html
        demo_id = "mirlib-demo-" + uuid.uuid4().hex[:12]
        names = list(self.controls)
        views = self.views()
        start = [self.controls[n][1].index(self.initial[n]) for n in names]
        rows = []
        for name, i0 in zip(names, start):
            label, values = self.controls[name]
            shown = [html.escape(str(v)) for v in values]
            if _is_slider(values):
                control = (f'<input type="range" min="0" max="{len(values) - 1}" step="1" value="{i0}" '
                           f'data-control="{html.escape(name)}" data-labels=\'{html.escape(json.dumps(shown))}\'>'
                           f' <output>{shown[i0]}</output>')
            else:
                options = "".join(f'<option value="{i}"{" selected" if i == i0 else ""}>{v}</option>'
                                  for i, v in enumerate(shown))
                control = f'<select data-control="{html.escape(name)}">{options}</select>'
            rows.append(f'<label style="display:block;margin:0.2em 0">'
                        f'<span style="display:inline-block;min-width:11em">{html.escape(label)}</span> {control}</label>')
        key = "-".join(map(str, start))
        title = f"<div><strong>{html.escape(self.title)}</strong></div>" if self.title else ""
        sounds = self.sounds()
        audio = ""
        if sounds:
            audio = (player_html(sounds[key], attribution=self.attribution, audio_class="mirlib-sound") +
                     f'<script type="application/json" class="mirlib-sounds">{json.dumps(sounds)}</script>')
        script = """
<script>
(function () {
  var root = document.getElementById("%(id)s");
  var views = JSON.parse(root.querySelector("script.mirlib-views").textContent);
  var img = root.querySelector("img.mirlib-view");
  var soundsTag = root.querySelector("script.mirlib-sounds");
  var sounds = soundsTag ? JSON.parse(soundsTag.textContent) : null;
  var audio = root.querySelector("audio.mirlib-sound");
  var controls = root.querySelectorAll("[data-control]");
  function update() {
    var key = [];
    controls.forEach(function (c) {
      key.push(c.value);
      if (c.dataset.labels) { c.nextElementSibling.textContent = JSON.parse(c.dataset.labels)[c.value]; }
    });
    img.src = views[key.join("-")];
    if (sounds) { audio.src = sounds[key.join("-")]; }
    root.dataset.view = key.join("-");
  }
  controls.forEach(function (c) { c.addEventListener("input", update); c.addEventListener("change", update); });
})();
</script>""" % {"id": demo_id}
        self._html = (
            f'<div class="mirlib-demo" id="{demo_id}" data-view="{key}">{title}'
            f'<div class="mirlib-controls">{"".join(rows)}</div>'
            f'<img class="mirlib-view" style="max-width:100%" src="{views[key]}" alt="{html.escape(self.title)}">'
            f'<script type="application/json" class="mirlib-views">{json.dumps(views)}</script>'
            f'{audio}{script}</div>'
        )
        return self._html

    # -- live view ---------------------------------------------------------
    def widget(self):
        """The live view: ipywidgets controls that recompute the figure on change.

        Returns
        -------
        ipywidgets.VBox
            Controls, then an ``Image`` showing the current figure; the
            controls are also available as ``.inputs`` (name -> widget).
        """
        if self._widget is not None:
            return self._widget
        import ipywidgets as w

        inputs = {}
        for name, (label, values) in self.controls.items():
            style = {"description_width": "11em"}
            layout = w.Layout(width="32em")
            if _is_slider(values):
                inputs[name] = w.SelectionSlider(options=values, value=self.initial[name], description=label,
                                                 style=style, layout=layout, continuous_update=False)
            else:
                inputs[name] = w.Dropdown(options=values, value=self.initial[name], description=label,
                                          style=style, layout=layout)
        image = w.Image(format="png")
        player = w.Audio(format="mpeg", autoplay=False, loop=False) if self.sound is not None else None

        def redraw(_change=None):
            params = {name: ctrl.value for name, ctrl in inputs.items()}
            image.value = figure_to_png(self.render(**params), dpi=self.dpi)
            if player is not None:
                player.value = encode_mp3(*self.sound(**params))

        for ctrl in inputs.values():
            ctrl.observe(redraw, names="value")
        redraw()
        children = ([w.HTML(f"<strong>{html.escape(self.title)}</strong>")] if self.title else []) + list(inputs.values()) + [image]
        if player is not None:
            children += [player] + ([w.HTML(f'<small>{html.escape(self.attribution)}</small>')] if self.attribution else [])
        self._widget = w.VBox(children)
        self._widget.inputs = inputs
        self._widget.image = image
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget()._repr_mimebundle_())
        bundle["text/html"] = self.to_html()
        bundle["text/plain"] = f"<{self.title or 'mirlib demo'}: {', '.join(self.controls)}>"
        return bundle


# ---------------------------------------------------------------------------
# Demos used in the chapter "Audio basics"
# ---------------------------------------------------------------------------

def _credit(fig, attribution):
    """Print the first line of a recording's attribution under a figure."""
    if attribution:
        fig.text(0.01, -0.02, attribution.splitlines()[0], fontsize=7, color="#555", va="top")


def stft_explorer(y, sr, frame_sizes=(256, 1024, 4096), hop_sizes=(128, 512), windows=("hann", "boxcar"),
                  title="STFT: frame size, hop size and window", attribution=""):
    """Demo: how frame size, hop size and window shape a magnitude spectrogram.

    The figure shows the spectrogram in dB and states the resulting frequency
    resolution (``sr / frame_size`` Hz per bin), frame duration and frame rate.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono excerpt (a few seconds keeps the page small).
    sr : int
        Sample rate in Hz.
    frame_sizes, hop_sizes : sequence of int
        Values the controls offer, in samples.
    windows : sequence of str
        Window names for :func:`scipy.signal.get_window` (``"boxcar"``: none).
    attribution : str
        Credit for the recording, printed under the figure.

    Returns
    -------
    Demo

    Raises
    ------
    ValueError
        For an empty, non-finite or non-mono signal.
    """
    import librosa
    import matplotlib.pyplot as plt

    y = check_signal(y, sr, name="stft_explorer", mono=True)

    def render(frame_size, hop_size, window):
        S = features.magnitude_spectrogram(y, frame_size, hop_size, window=window)
        S_db = librosa.amplitude_to_db(S, ref=np.max, top_db=80)
        fig, ax = plt.subplots(figsize=(8, 3.2))
        specshow(S_db, features.fps(sr, hop_size), ax=ax, y_axis="linear", sr=sr, label="dB", vmin=-80, vmax=0)
        ax.set_ylim(0, min(sr / 2, 5000))
        ax.set_title(f"frame {frame_size} ({1000 * frame_size / sr:.0f} ms), hop {hop_size} "
                     f"({features.fps(sr, hop_size):.0f} fps), {window} window: "
                     f"{sr / frame_size:.1f} Hz per bin, {S.shape[0]} frames", fontsize=9)
        _credit(fig, attribution)
        return fig

    return Demo(render, {"frame_size": ("frame size (samples)", list(frame_sizes)),
                         "hop_size": ("hop size (samples)", list(hop_sizes)),
                         "window": ("window", list(windows))},
                initial={"frame_size": frame_sizes[len(frame_sizes) // 2]}, title=title)


def mel_explorer(y, sr, n_mels=(16, 40, 128), muls=(0, 1, 10, 1000), frame_size=2048, hop_size=512,
                 title="Mel bands and log compression", attribution=""):
    """Demo: number of mel bands and strength of the log compression.

    Shows the mel spectrogram ``M`` as is (``mul = 0``) or compressed as
    ``log10(1 + mul * M)``, next to the histogram of its values, which shows why
    compression makes quiet details visible to a network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono excerpt.
    sr : int
        Sample rate in Hz.
    n_mels : sequence of int
        Numbers of mel bands the control offers.
    muls : sequence of float
        Compression gains; 0 means no compression (linear magnitudes).
    frame_size, hop_size : int
        STFT parameters in samples.
    attribution : str
        Credit for the recording.

    Returns
    -------
    Demo

    Raises
    ------
    ValueError
        For an empty, non-finite or non-mono signal.
    """
    import matplotlib.pyplot as plt

    y = check_signal(y, sr, name="mel_explorer", mono=True)
    S = features.magnitude_spectrogram(y, frame_size, hop_size)
    frame_rate = features.fps(sr, hop_size)

    def render(n_mels, mul):
        M = S @ features.mel_filterbank(sr, frame_size, n_mels=n_mels)
        shown = M if mul == 0 else features.log_compress(M, mul=mul)
        fig, (ax, hist) = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [4, 1]})
        specshow(shown, frame_rate, ax=ax, y_axis="mel", sr=sr, label="linear" if mul == 0 else "log10(1 + mul·M)")
        ax.set_title(f"{n_mels} mel bands, " + ("no compression" if mul == 0 else f"log10(1 + {mul}·M)"), fontsize=9)
        hist.hist(shown.ravel(), bins=50, color="#444")
        hist.set_yscale("log")
        hist.set_title("value histogram", fontsize=9)
        _credit(fig, attribution)
        fig.tight_layout()
        return fig

    return Demo(render, {"n_mels": ("mel bands", list(n_mels)),
                         "mul": ("compression mul", list(muls))},
                initial={"n_mels": n_mels[len(n_mels) // 2], "mul": muls[min(2, len(muls) - 1)]}, title=title)


# ---------------------------------------------------------------------------
# Demo used in the chapter "Music similarity"
# ---------------------------------------------------------------------------

def retrieval_explorer(embeddings, labels, label_names, audio, sr, queries, k=5, n_listen=3, seconds=2.5,
                       attribution=""):
    """Query by example: choose a query and a representation, see and hear the nearest items.

    Parameters
    ----------
    embeddings : dict
        Representation name -> ``np.ndarray`` of shape ``(n_items, dim)``
        (e.g. a learned embedding and plain features); Euclidean distances.
    labels : np.ndarray of int, shape ``(n_items,)``
        Class of every item (same class = relevant).
    label_names : sequence of str
        Name of every class.
    audio : list of np.ndarray
        The items' signals at ``sr``.
    sr : int
        Sample rate in Hz.
    queries : sequence of int
        Items offered as queries.
    k : int
        Nearest items shown.
    n_listen : int
        Nearest items played after the query.
    seconds : float
        Length of each item in the sound, seconds.
    attribution : str
        Credit of the audio.

    Returns
    -------
    Demo
        Controls ``query`` and ``representation``; the view ranks the ``k``
        nearest items (the query left out) with their distances, relevant ones
        marked; the sound plays the query and then its ``n_listen`` nearest.

    Raises
    ------
    ValueError
        If the embeddings and labels differ in length, or ``k`` exceeds the
        other items.
    """
    import matplotlib.pyplot as plt

    labels = np.asarray(labels)
    for name, E in embeddings.items():
        if len(E) != len(labels) or len(audio) != len(labels):
            raise ValueError(f"{name}: {len(E)} embeddings, {len(labels)} labels and {len(audio)} signals differ")
    if not 1 <= k < len(labels):
        raise ValueError(f"k must lie in 1..{len(labels) - 1}, got {k}")
    counts = {}
    names = {}
    for q in queries:
        counts[labels[q]] = counts.get(labels[q], 0) + 1
        names[f"{label_names[labels[q]]} {counts[labels[q]]}"] = int(q)
    colors = plt.get_cmap("tab10")

    @functools.lru_cache(maxsize=None)        # the view and the sound of a setting share it
    def nearest(query, representation):
        E = np.asarray(embeddings[representation], dtype=float)
        q = names[query]
        d = np.linalg.norm(E - E[q], axis=1)
        d[q] = np.inf
        order = np.argsort(d, kind="stable")[:k]
        return q, order, d[order]

    def render(query, representation):
        q, order, d = nearest(query, representation)
        fig, ax = plt.subplots(figsize=(7, 0.45 * k + 1.0))
        y = np.arange(k)[::-1]
        ax.barh(y, d, color=[colors(labels[i] % 10) for i in order])
        for yy, i, dist in zip(y, order, d):
            mark = "✓" if labels[i] == labels[q] else "✗"
            ax.text(dist, yy, f"  {mark} {label_names[labels[i]]}", va="center", fontsize=9)
        ax.set(yticks=y, yticklabels=[f"#{r}" for r in range(1, k + 1)], xlabel="distance to the query",
               xlim=(0, 1.35 * max(d.max(), 1e-6)),
               title=f"{representation}: nearest to the query ({label_names[labels[q]]})")
        plt.tight_layout()
        plt.close(fig)
        return fig

    def sound(query, representation):
        q, order, _ = nearest(query, representation)
        n = int(seconds * sr)
        gap = np.zeros(int(0.4 * sr), dtype=np.float32)
        parts = []
        for i in [q, *order[:n_listen]]:
            y = np.asarray(audio[i], dtype=np.float32)[:n]
            fade = np.minimum(1.0, np.minimum(np.arange(len(y)), np.arange(len(y))[::-1]) / (0.02 * sr))
            parts += [y * fade, gap]
        return np.concatenate(parts), sr

    return Demo(render, {"query": ("query piece", list(names)),
                         "representation": ("representation", list(embeddings))},
                title="Query by example", sound=sound,
                attribution=attribution or f"The query, then its {n_listen} nearest pieces")


def transcription_explorer(recordings, sr, fps, transcribe, resynthesise, thresholds, references=None, window=0.05,
                           seconds=4.0, attribution=""):
    """Drum transcriptions as a grid over the spectrogram, under recording and threshold controls, with audio.

    Parameters
    ----------
    recordings : dict
        Name -> ``(y, S)``: the signal, shape ``(n_samples,)`` at ``sr``, and
        its spectrogram, shape ``(n_frames, n_bands)`` at ``fps``.
    sr : int
        Sample rate of the signals in Hz.
    fps : float
        Frame rate of the spectrograms in frames per second.
    transcribe : callable
        ``transcribe(name, threshold) -> {"KD": times, "SD": times, "HH": times}``
        (seconds), e.g. peak picking of precomputed activations.
    resynthesise : callable
        ``resynthesise(hits) -> np.ndarray`` at ``sr``: a transcription
        played on a drum kit.
    thresholds : sequence of float
        Values of the threshold control.
    references : dict or None
        Name -> true onsets per instrument: hits are marked correct (filled
        dots) or wrong (crosses), missed ones drawn hollow, with the F-measure.
    window : float
        Tolerance window in seconds for marking hits correct.
    seconds : float
        Length of the original and of the re-rendered transcription in the sound.
    attribution : str
        Credit of the recordings.

    Returns
    -------
    Demo
        Controls ``recording`` and ``threshold``; the sound plays the
        original, then the transcription re-rendered.

    Raises
    ------
    ValueError
        For a bad signal, a spectrogram that is not ``(n_frames, n_bands)``,
        no recordings or no thresholds.
    """
    import matplotlib.pyplot as plt

    if not recordings:
        raise ValueError("offer at least one recording")
    checked = {}
    for name, (y, S) in recordings.items():
        S = np.asarray(S)
        if S.ndim != 2:
            raise ValueError(f"{name}: spectrogram must have shape (n_frames, n_bands), got {S.shape}")
        checked[name] = (check_signal(y, sr, name=name, mono=True), S)
    drums = ("KD", "SD", "HH")
    colors = {"KD": "tab:red", "SD": "tab:blue", "HH": "tab:green"}

    @functools.lru_cache(maxsize=None)
    def hits(name, threshold):
        return transcribe(name, threshold)

    def matched(ref, est):
        # which estimates and references mir_eval pairs up (each at most once), as drum_scores counts them
        import mir_eval

        ok_est, ok_ref = np.zeros(len(est), dtype=bool), np.zeros(len(ref), dtype=bool)
        if len(ref) and len(est):
            for r, e in mir_eval.util.match_events(ref, est, window):
                ok_ref[r] = ok_est[e] = True
        return ok_est, ok_ref

    def render(recording, threshold):
        h, (_, S) = hits(recording, threshold), checked[recording]
        reference = None if references is None else references[recording]
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 4.2), sharex=True, gridspec_kw=dict(height_ratios=(2, 1)))
        specshow(S, fps, ax=ax1, colorbar=False)
        ax1.set(ylabel="band", xlabel="")
        title = f"{recording}, threshold {threshold:g}"
        for row, name in enumerate(drums):
            est = np.asarray(h.get(name, []), dtype=float)
            if reference is not None:
                ref = np.asarray(reference[name], dtype=float)
                ok_est, ok_ref = matched(ref, est)
                ax2.scatter(est[ok_est], np.full(ok_est.sum(), row), color=colors[name], marker="o", s=30)
                ax2.scatter(est[~ok_est], np.full((~ok_est).sum(), row), color="k", marker="x", s=30)
                ax2.scatter(ref[~ok_ref], np.full((~ok_ref).sum(), row), facecolors="none", edgecolors=colors[name],
                            marker="o", s=60)
            else:
                ax2.scatter(est, np.full(len(est), row), color=colors[name], marker="o", s=30)
            for t in est:
                ax1.axvline(t, color=colors[name], alpha=0.5, linewidth=0.8)
        if reference is not None:
            f = drum_scores(reference, {d: h.get(d, []) for d in drums}, window)["overall"]["F"]
            title += f": F = {f:.2f} (dots correct, x wrong, circles missed)"
        ax2.set(yticks=range(3), yticklabels=drums, ylim=(-0.6, 2.6), xlabel="time (s)", xlim=(0, len(S) / fps))
        ax1.set_title(title, fontsize=10)
        plt.tight_layout()
        plt.close(fig)
        return fig

    def sound(recording, threshold):
        n = int(seconds * sr)
        y = checked[recording][0][:n]
        played = np.asarray(resynthesise(hits(recording, threshold)), dtype=np.float32)[:n]
        gap = np.zeros(int(0.5 * sr), dtype=np.float32)
        return np.concatenate([y, gap, played]), sr

    thresholds = [float(t) for t in thresholds]
    if not thresholds:
        raise ValueError("offer at least one threshold")
    return Demo(render, {"recording": ("recording", list(checked)), "threshold": ("threshold", thresholds)},
                initial={"threshold": thresholds[len(thresholds) // 2]}, title="Drum transcription", sound=sound,
                attribution=attribution or "The original, then the transcription played on a drum kit")
