"""What the ``mirlib`` commands run: one table of per-file analyses, and training by the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import beats, drums, models, musicspeech, onsets, structure, vocals
from ..features.settings import CLASSIFICATION, RHYTHM, VOCALS
from ..nn import TRAINING_OPTIONS
from ..references import madmom_beats, madmom_onsets, madmom_tempo

_EACH = "With several files, each line starts with the file's path and a tab."
_AUDIO = "audio files (any format librosa reads)"


@dataclass(frozen=True)
class Analysis:
    """A command that analyses each of its audio files on its own.

    Parameters
    ----------
    help : str
        One line for ``mirlib --help``.
    description : str
        What ``mirlib COMMAND --help`` says after the help line.
    lines : callable
        ``lines(y, sr, args, path, model)`` -> the output lines of one file.
    sr : int
        Sample rate the files are loaded at.
    options : tuple
        ``(flags, argparse keywords)`` of the command's own options.
    always_path : bool
        Start every line with the file's path, even for one file.
    load : callable or None
        ``load(args)`` -> a network loaded once before the files (``--weights``);
        its errors end the command with status 2.
    """

    help: str
    description: str
    lines: Callable
    sr: int = RHYTHM.sr
    options: tuple = ()
    always_path: bool = False
    load: Callable = None


def _values(ours, theirs, fmt):
    def lines(y, sr, args, path, model):
        return [fmt.format(v) for v in np.atleast_1d((theirs if args.madmom else ours)(y, sr))]
    return lines


def drum_lines(y, sr, args, path, model=None):
    """``mirlib drums``: ``time<TAB>KD|SD|HH`` lines in time order; writes a MIDI file with ``--midi``."""
    from ..data.midi import write_drum_midi

    hits = drums.transcribe(y, sr)
    midi = _midi_path(args, path)
    if midi is not None:
        write_drum_midi(hits, midi)
    events = sorted((t, name) for name, times in hits.items() for t in times)
    return [f"{t:.3f}\t{name}" for t, name in events]


def _midi_path(args, path):
    # one input: --midi names the file; several: a folder with one STEM.mid per input
    from pathlib import Path

    if getattr(args, "midi", None) is None:
        return None
    if len(args.audio) == 1:
        return Path(args.midi)
    folder = Path(args.midi)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (Path(path).stem + ".mid")


def boundary_lines(y, sr, args, path, model=None):
    """``mirlib boundaries``: section boundary times in seconds, one per line."""
    found = structure.novelty_boundaries(y, sr) if args.novelty else structure.detect_boundaries(y, sr)
    return [f"{t:.2f}" for t in found]


def downbeat_lines(y, sr, args, path, model=None):
    """``mirlib downbeats``: ``time<TAB>position`` lines (position 1 = downbeat)."""
    return [f"{t:.3f}\t{int(pos)}" for t, pos in drums.track_downbeats(y, sr)]


def music_speech_lines(y, sr, args, path, model):
    """``mirlib music-speech``: ``"music"`` or ``"speech"`` and P(music), tab-separated."""
    label, p_music = musicspeech.classify(y, sr, model=model)
    return [f"{label}\t{p_music:.3f}"]


def vocal_lines(y, sr, args, path, model):
    """``mirlib vocals``: ``"vocal"`` or ``"instrumental"`` and the share of excerpts with a voice, tab-separated."""
    label, share = vocals.classify(y, sr, model=model)
    return [f"{label}\t{share:.3f}"]


_MADMOM = (("--madmom",), dict(action="store_true", help="use madmom's pretrained models for comparison"))
_WEIGHTS = (("--weights",), dict(default=None, help="Keras weights file, run through Keras (default: the network "
                                                    "shipped with mirlib)"))


def network(shipped, weights=None):
    """The network an analysis runs: ``weights`` loaded in Keras, else the shipped one through
    :meth:`mirlib.nn.ShippedModel.runtime` (ONNX Runtime unless ``--backend keras``)."""
    return shipped.load(weights) if weights else shipped.runtime()

#: The per-file commands: name -> :class:`Analysis`.
ANALYSES = {
    "onsets": Analysis("print onset times in seconds, one per line", _EACH,
                       _values(onsets.detect_onsets, madmom_onsets, "{:.3f}"), options=(_MADMOM,)),
    "beats": Analysis("print beat times in seconds, one per line", _EACH,
                      _values(beats.track_beats, madmom_beats, "{:.3f}"), options=(_MADMOM,)),
    "tempo": Analysis("print the tempo in bpm", _EACH, _values(beats.estimate_tempo, madmom_tempo, "{:.1f}"),
                      options=(_MADMOM,)),
    "drums": Analysis(
        "transcribe kick drum (KD), snare drum (SD) and hi-hat (HH) onsets",
        "With the CRNN of the chapter 'Drum transcription' (Vogl et al. 2017). Prints time in seconds and "
        "instrument, tab-separated, in time order. " + _EACH, drum_lines,
        options=((("--midi",), dict(metavar="OUT", default=None,
                                    help="also write a General MIDI drum track (channel 10; notes 36 KD, 38 SD, "
                                    "42 HH): the file OUT for one input, else one OUT/NAME.mid per input")),)),
    "downbeats": Analysis(
        "track beats and downbeats",
        "With the joint drum and beat CRNN and madmom's DBN. Prints time in seconds and position in the bar "
        "(1 = downbeat), tab-separated. " + _EACH, downbeat_lines),
    "music-speech": Analysis(
        "classify each file as music or speech",
        "With the CNN of the chapter 'Music or speech?'. Prints the path, 'music' or 'speech' and the "
        "probability of music, tab-separated, one line per file.", music_speech_lines, sr=CLASSIFICATION.sr,
        options=(_WEIGHTS,), always_path=True, load=lambda args: network(musicspeech.MUSIC_SPEECH_CNN, args.weights)),
    "vocals": Analysis(
        "classify each file as instrumental or vocal",
        "With the level-invariant CNN of the chapter 'Instrumental or vocal?' (zero-mean convolutions, Schlüter & "
        "Lehner 2018). Prints the path, 'vocal' or 'instrumental' and the share of 1.9-s excerpts in which it "
        "hears a voice (vocal from 0.2 on), tab-separated, one line per file.", vocal_lines, sr=VOCALS.sr,
        options=(_WEIGHTS,), always_path=True,
        load=lambda args: network(vocals.VOCAL_CNN, args.weights)),
    "boundaries": Analysis(
        "print the times in seconds where sections (intro, verse, chorus, ...) start, one per line",
        "Found by the boundary CNN of the chapter 'Structure boundaries' (Ullrich et al. 2014). " + _EACH,
        boundary_lines,
        options=((("--novelty",), dict(action="store_true", help="use Foote's self-similarity novelty (the "
                                       "classic baseline) instead of the CNN")),)),
}


def training_overrides(args, shipped):
    """The recipe entries given on the command line, checked against the network's recipe.

    Raises
    ------
    ValueError
        For an option whose recipe entry the network does not have; the
        message names the networks that take it.
    """
    overrides = {}
    for key, (flag, _) in TRAINING_OPTIONS.items():
        value = getattr(args, key, None)
        if value is None:
            continue
        if key not in shipped.recipe:
            takers = [m.name for m in models.MODELS.values() if key in m.recipe]
            raise ValueError(f"{flag} does not apply to {shipped.name}: it applies to {', '.join(takers)}")
        overrides[key] = value
    return overrides


def train(args, out):
    """``mirlib train NAME``: train by the recipe, save the weights and their ONNX file, report held-out quality."""
    from ..nn import WEIGHTS_DIR, save_weights

    shipped = models.get(args.task)
    history = shipped.train(verbose=2 if args.verbose else 0, **training_overrides(args, shipped))
    path = args.out or f"{shipped.name}.weights.h5"
    save_weights(history.model, path)
    print(f"trained {shipped.name} in {history['seconds']:.0f} s, final loss {history['loss'][-1]:.4f}", file=out)
    if shipped.held_out is not None and args.n_test != 0:
        print(shipped.held_out_report(history.model, args.n_test), file=out)
    onnx_file = export_onnx(shipped.name, path)
    print(f"wrote {path} and {onnx_file}; copy both to {WEIGHTS_DIR}/ to replace the shipped network", file=out)
    return 0


def export_onnx(name, weights=None, path=None):
    """Write the ONNX file of a weights file (default the shipped one; by default next to it, see
    :func:`mirlib.nn.onnx.export`); in a TensorFlow subprocess where Keras runs on another backend.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    RuntimeError
        If the conversion fails (the message ends with its error).
    """
    from ..nn import backend
    from ..nn.onnx import export as write_onnx

    if backend() == "tensorflow":
        return write_onnx(models.get(name), weights, path)
    import os
    import pathlib
    import subprocess
    import sys

    from ..nn import onnx_path_of

    weights = models.get(name).weights_path if weights is None else weights
    path = onnx_path_of(weights) if path is None else path
    proc = subprocess.run([sys.executable, "-m", "mirlib.cli", "export", name, "--weights", str(weights), "--out",
                           str(path)], env={**os.environ, "KERAS_BACKEND": "tensorflow"}, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"exporting {name} to ONNX failed: {proc.stderr.strip().splitlines()[-1:]}")
    return pathlib.Path(path)


def export(args, out):
    """``mirlib export NAME``: write the ONNX file of a network's weights."""
    print(f"wrote {export_onnx(models.get(args.task).name, args.weights, args.out)}", file=out)
    return 0
