"""What the ``mirlib`` commands run: analyses per command, and training by the registry."""

from __future__ import annotations

import numpy as np

from .. import bass, beats, drums, models, onsets, similarity, structure
from ..evaluation.tables import score_piece
from ..references import madmom_beats, madmom_onsets, madmom_tempo
from ..synth.rhythm import held_out_pieces

#: command -> (the book's method, madmom's method), each ``f(y, sr)``.
ANALYSES = {
    "onsets": (onsets.detect_onsets, madmom_onsets),
    "beats": (beats.track_beats, madmom_beats),
    "tempo": (beats.estimate_tempo, madmom_tempo),
}


def drum_lines(y, sr, midi=None):
    """``mirlib drums``: ``time<TAB>KD|SD|HH`` lines in time order; writes ``midi`` if given."""
    from ..data.midi import write_drum_midi

    hits = drums.transcribe(y, sr)
    if midi is not None:
        write_drum_midi(hits, midi)
    events = sorted((t, name) for name, times in hits.items() for t in times)
    return [f"{t:.3f}\t{name}" for t, name in events]


def boundary_lines(y, sr, novelty=False):
    """``mirlib boundaries``: section boundary times in seconds, one per line."""
    found = structure.novelty_boundaries(y, sr) if novelty else structure.detect_boundaries(y, sr)
    return [f"{t:.2f}" for t in found]


def downbeat_lines(y, sr):
    """``mirlib downbeats``: ``time<TAB>position`` lines (position 1 = downbeat)."""
    return [f"{t:.3f}\t{int(pos)}" for t, pos in drums.track_downbeats(y, sr)]


def _held_out_f_measure(shipped, model, n_test):
    """Mean F-measure of a freshly trained rhythm network on generated held-out loops."""
    pieces = held_out_pieces(n=n_test, length=8.0)
    if "beats" in shipped.outputs:
        estimate = lambda p: beats.track_beats(p.audio, p.sr, model=model)  # noqa: E731
        task, column = "beats", "F ±70 ms"
    else:
        estimate = lambda p: onsets.detect_onsets(p.audio, p.sr, network=shipped.name, model=model)  # noqa: E731
        task, column = "onsets", "F ±50 ms"
    return float(np.mean([score_piece(p, estimate(p), task)[column] for p in pieces])), len(pieces)


def train(args, out):
    """``mirlib train NAME``: train by the recipe, save the weights, report held-out quality."""
    from ..nn import WEIGHTS_DIR, save_weights

    shipped = models.get(args.task)
    overrides = dict(epochs=args.epochs, seed=args.seed)
    if args.n_train is not None:
        if "n_train" not in shipped.recipe:
            raise ValueError(f"--n-train does not apply to {shipped.name}: it trains on a fixed corpus")
        overrides["n_train"] = args.n_train
    if getattr(args, "dataset", None) is not None:
        if "dataset" not in shipped.recipe:
            raise ValueError(f"--dataset does not apply to {shipped.name}: it trains on generated data only")
        overrides["dataset"] = args.dataset
    history = shipped.train(verbose=2 if args.verbose else 0, **overrides)
    path = args.out or f"{shipped.name}.weights.h5"
    save_weights(history.model, path)
    print(f"trained {shipped.name} in {history['seconds']:.0f} s, final loss {history['loss'][-1]:.4f}", file=out)
    if shipped is similarity.STYLE_EMBEDDING:
        scores = similarity.held_out_scores(history.model)
        print(f"held-out style retrieval on {scores['queries']} generated pieces (collection seed 2): "
              f"MAP {scores['MAP']:.3f}, P@5 {scores['P@5']:.3f}", file=out)
    elif shipped is models.MODELS["music_speech_cnn"]:
        print(f"trained on {history['n_excerpts']} excerpts of {history['n_recordings']} recordings; for accuracy "
              "on unseen recordings see the chapter 'Music or speech?' (leave-one-recording-out)", file=out)
    elif shipped is structure.BOUNDARY_CNN:
        scores = structure.held_out_scores(history.model, n=args.n_test)
        print(f"held-out boundary F-measure on {args.n_test} generated pieces (seeds {structure.TEST_FIRST_SEED}+): "
              f"{scores['F ±0.5 s']:.3f} at ±0.5 s, {scores['F ±3 s']:.3f} at ±3 s", file=out)
    elif shipped.task == "bass":
        scores = bass.held_out_scores(history.model, shipped, n=args.n_test)
        print(f"held-out beat-wise bass pitch accuracy on {args.n_test} generated pieces (seeds "
              f"{bass.TEST_FIRST_SEED}+): {scores['accuracy']:.3f} ({scores['chroma accuracy']:.3f} "
              "forgiving octave errors)", file=out)
    elif shipped.task == "drums":
        scores = drums.held_out_scores(history.model, shipped, n=args.n_test)
        print(f"held-out overall F-measure on {args.n_test} loops from kits never heard in training: "
              f"{scores['F ±50 ms']:.3f} at ±50 ms, {scores['F ±20 ms']:.3f} at ±20 ms", file=out)
    else:
        f_measure, n = _held_out_f_measure(shipped, history.model, args.n_test)
        print(f"held-out F-measure on {n} generated loops (seeds 10000+): {f_measure:.3f}", file=out)
    print(f"wrote {path}; copy it to {WEIGHTS_DIR}/ to replace the shipped weights", file=out)
    return 0


