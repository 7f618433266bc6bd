import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402

from mirlib.viz import display, widgets  # noqa: E402


def line_demo(calls):
    def render(freq, style):
        calls.append((freq, style))
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.plot(np.sin(freq * np.linspace(0, 6, 50)), style)
        return fig

    return widgets.Demo(render, {"freq": ("frequency", [1, 2, 3]), "style": ("style", ["-", "--"])},
                        initial={"freq": 2}, title="test demo")


def test_demo_offers_widget_and_static_html():
    calls = []
    demo = line_demo(calls)
    bundle = demo._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    # one precomputed view per combination, all different
    assert sorted(calls[1:]) == sorted((f, s) for f in [1, 2, 3] for s in ["-", "--"])
    views = demo.views()
    assert len(views) == 6 and len(set(views.values())) == 6
    assert 'type="range"' in html and "<select" in html
    assert 'data-view="1-0"' in html  # initial freq=2 is index 1


def test_live_widget_recomputes_on_change():
    calls = []
    demo = line_demo(calls)
    box = demo.widget()
    assert calls == [(2, "-")]
    box.inputs["freq"].value = 3
    box.inputs["style"].value = "--"
    assert calls[-2:] == [(3, "-"), (3, "--")]
    first = bytes(box.image.value)
    assert first.startswith(b"\x89PNG")
    box.inputs["freq"].value = 1
    assert bytes(box.image.value) != first  # the shown figure was recomputed


def test_demo_rejects_bad_controls():
    with pytest.raises(ValueError, match="no value"):
        widgets.Demo(lambda **k: None, {"a": ("a", [])})
    with pytest.raises(ValueError, match="not among"):
        widgets.Demo(lambda **k: None, {"a": ("a", [1, 2])}, initial={"a": 5})


def test_chapter_demos_build_on_a_short_signal():
    sr = 22050
    y = np.sin(2 * np.pi * 440 * np.arange(sr) / sr).astype(np.float32)
    stft = widgets.stft_explorer(y, sr, frame_sizes=(256, 1024), hop_sizes=(256,), windows=("hann",))
    assert len(stft.views()) == 2
    mel = widgets.mel_explorer(y, sr, n_mels=(16,), muls=(0, 10))
    assert len(mel.views()) == 2
    with pytest.raises(ValueError, match="non-finite"):
        widgets.stft_explorer(np.full(100, np.nan), sr)
    with pytest.raises(ValueError, match="mono"):
        widgets.mel_explorer(np.zeros((2, 100)), sr)


def test_player_embeds_short_mp3_with_attribution():
    sr = 22050
    y = 0.5 * np.sin(2 * np.pi * 440 * np.arange(2 * sr) / sr)
    p = display.player(y, sr, "A tone", "generated, CC0")
    html = p._repr_html_()
    assert "data:audio/mpeg;base64," in html and "generated, CC0" in html and "A tone" in html
    decoded, sr_back = sf.read(io.BytesIO(p.mp3))
    assert sr_back == sr and abs(len(decoded) - len(y)) < 0.1 * sr
    assert len(p.mp3) < 0.1 * y.size * 2  # far smaller than 16-bit PCM


def test_player_errors():
    with pytest.raises(ValueError, match="longer than"):
        display.player(np.zeros(22050 * 40), 22050)
    with pytest.raises(ValueError, match="sample rate"):
        display.player(np.zeros(1000), 12345)
    with pytest.raises(ValueError, match="empty"):
        display.player(np.zeros(0), 22050)


def test_specshow_checks_shape():
    with pytest.raises(ValueError, match="n_frames, n_bins"):
        display.specshow(np.zeros(5), 10.0)
    with pytest.raises(ValueError, match="sample rate"):
        display.specshow(np.zeros((5, 3)), 10.0, y_axis="mel")
    fig, ax = plt.subplots()
    display.specshow(np.random.rand(20, 8), 10.0, ax=ax)
    display.mark_events(ax, [0.5, 1.0])
    assert ax.get_xlim()[1] == pytest.approx(2.0)
    assert display.figure_to_data_uri(fig).startswith("data:image/png;base64,")


def test_transcription_explorer_marks_hits_and_plays_the_transcription():
    sr, fps = 8000, 100.0
    y = np.random.default_rng(0).standard_normal(2 * sr).astype("float32") * 0.1
    S = np.abs(np.random.default_rng(1).standard_normal((200, 20)))
    act = np.zeros((200, 3))
    act[[20, 120], 0] = [0.9, 0.4]
    ref = {"KD": [0.2, 1.2], "SD": [0.7], "HH": []}
    calls = []

    def transcribe(name, th):
        calls.append((name, th))
        return {"KD": np.flatnonzero(act[:, 0] > th) / fps, "SD": np.zeros(0), "HH": np.zeros(0)}

    demo = widgets.transcription_explorer({"a": (y, S), "b": (y[: sr], S[:100])}, sr, fps, transcribe,
                                          lambda hits: np.ones(sr, dtype="float32") * 0.1 * len(hits["KD"]),
                                          thresholds=[0.3, 0.5, 0.8], references={"a": ref, "b": ref}, seconds=1.0)
    views = demo.views()
    assert len(views) == 6 and len(set(views.values())) == 6
    assert len(set(calls)) == 6                         # one transcription per setting, shared by view and sound
    played, rate = demo.sound(recording="a", threshold=0.3)
    assert rate == sr and len(played) == sr + sr // 2 + sr and played[-1] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="at least one recording"):
        widgets.transcription_explorer({}, sr, fps, transcribe, lambda h: y, [0.5])
    with pytest.raises(ValueError, match="n_frames, n_bands"):
        widgets.transcription_explorer({"a": (y, S[0])}, sr, fps, transcribe, lambda h: y, [0.5])


def test_event_figure_marks_correct_false_and_missed_events():
    from mirlib import features
    from mirlib.viz import display

    curve = features.Activations(np.zeros(300), fps=100)
    fig = display.event_figure(curve, estimated=[0.5, 1.0, 2.9], reference=[0.52, 2.0], window=0.05, threshold=0.3)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert len(lines["correct"].get_xdata()) == 1 and len(lines["false"].get_xdata()) == 2
    missed = next(c for c in ax.collections if c.get_label() == "missed")
    assert len(missed.get_segments()) == 1               # the reference at 2.0 s
    y, sr = display.with_clicks(np.zeros(22050, dtype=np.float32), 22050, [0.25, 0.75], seconds=0.5)
    assert len(y) == 11025 and np.abs(y).max() > 0.1     # the click at 0.25 s, not the one after the end
