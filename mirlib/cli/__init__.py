"""The ``mirlib`` command line.

::

    mirlib onsets AUDIO...            onset times in seconds, one per line
    mirlib beats AUDIO...             beat times in seconds, one per line
    mirlib tempo AUDIO...             tempo in bpm
    mirlib drums AUDIO... [--midi OUT]
                                      drum onsets: time in seconds and KD, SD or
                                      HH, tab-separated; --midi also writes a
                                      General MIDI drum track per file
    mirlib downbeats AUDIO...         beats: time in seconds and position in
                                      the bar (1 = downbeat), tab-separated
    mirlib music-speech AUDIO...      path, "music" or "speech", and P(music), tab-separated
    mirlib vocals AUDIO...            path, "vocal" or "instrumental", and the
                                      share of excerpts with a voice, tab-separated
    mirlib similar QUERY COLLECTION... [-k K]
                                      the K files of COLLECTION (files or folders,
                                      searched recursively) nearest to QUERY:
                                      rank, distance and path, tab-separated
    mirlib train NAME [--out FILE]    retrain a shipped network by its recipe
                                      (any of mirlib.models.MODELS; the
                                      options its recipe takes), write its
                                      weights and ONNX file and report its
                                      held-out quality
    mirlib export NAME [--weights FILE] [--out FILE]
                                      write the ONNX file of a network's weights
    mirlib grade ASSIGNMENT [--jobs N] [--timeout S] [--memory MB] ...
                                      autograde every submission of an nbgrader
                                      assignment in parallel, each in a sandbox
                                      (see mirlib.grading.autograde)
    mirlib boundaries AUDIO... [--novelty]
                                      section boundaries in seconds, one per
                                      line (boundary CNN, or Foote's novelty)
    mirlib device                     the Keras backend and its devices, GPUs
                                      first: is there a GPU on this hub?

With one file the values are printed alone; with several, every line starts
with the file's path and a tab (like ``grep``); ``music-speech`` and ``vocals``
always print the path. ``--madmom`` uses madmom's
pretrained models instead of the book's. The book's networks run through ONNX
Runtime (``mirlib/weights/NAME.onnx``); ``--backend keras`` runs them through
Keras instead, with the same output. A file that is missing or cannot be
read gives a one-line error on stderr and exit status 1, after the other files
have been processed.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

__all__ = ["main"]

PROG = "mirlib"
_BACKEND = (("--backend",), dict(choices=("onnx", "keras"), default="onnx",
                                 help="run the book's networks through ONNX Runtime (default) or Keras"))


def _run_analysis(args, out, err):
    """The one per-file loop: load, check, analyse; one error line per bad file, status 1 after the rest."""
    from .. import audio
    from ._tasks import ANALYSES

    from ..nn import set_inference

    set_inference(args.backend)
    analysis = ANALYSES[args.command]
    model = None
    if analysis.load is not None:
        try:
            model = analysis.load(args)
        except (OSError, ValueError) as error:
            print(f"{PROG} {args.command}: error: {str(error).splitlines()[0]}", file=err)
            return 2
    status = 0
    prefix = analysis.always_path or len(args.audio) > 1
    for path in args.audio:
        try:
            y, sr = audio.load(path, sr=analysis.sr)
            audio.check_signal(y, sr, name=path, allow_silence=False)
            lines = analysis.lines(y, sr, args, path, model)
        except (OSError, ValueError, RuntimeError) as error:
            _report_error(args.command, path, error, err)
            status = 1
            continue
        for line in lines:
            print(f"{path}\t{line}" if prefix else line, file=out)
        out.flush()
    return status


def _report_error(command, path, error, err):
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if path not in message:
        message = f"{path}: {message}"
    print(f"{PROG} {command}: error: {message}", file=err)


def _run_similar(args, out, err):
    from .. import similarity

    if args.k < 1:
        print(f"{PROG} similar: error: -k must be at least 1, got {args.k}", file=err)
        return 2
    status = 0

    def report(path, error):
        nonlocal status
        _report_error(args.command, path, error, err)
        status = 1

    from ._tasks import network
    from ..nn import set_inference

    set_inference(args.backend)
    try:
        model = network(similarity.STYLE_EMBEDDING, args.weights)
    except (OSError, ValueError) as error:
        print(f"{PROG} {args.command}: error: {str(error).splitlines()[0]}", file=err)
        return 2
    files = []
    for path in args.collection:
        try:
            files += similarity.audio_files([path])
        except ValueError as error:
            report(path, error)
    try:
        ranking = similarity.rank_files(args.query, files, k=args.k, model=model, on_error=report)
    except (OSError, ValueError, RuntimeError) as error:
        _report_error(args.command, args.query, error, err)
        return 1
    for rank, distance, path in ranking:
        print(f"{rank}\t{distance:.4f}\t{path}", file=out)
    out.flush()
    return status


def _run_train(args, out, err):
    from . import _tasks

    try:
        return _tasks.train(args, out)
    except ValueError as error:
        print(f"{PROG} train: error: {str(error).splitlines()[0]}", file=err)
        return 2


def _run_export(args, out, err):
    from . import _tasks

    try:
        return _tasks.export(args, out)
    except (OSError, ValueError, RuntimeError) as error:
        print(f"{PROG} export: error: {str(error).splitlines()[0]}", file=err)
        return 2


def _run_device(args, out, err):
    from ..nn import backend, devices

    found = devices()
    print(f"keras backend\t{backend()}", file=out)
    for name in found:
        print(f"device\t{name}", file=out)
    gpu = any(d.startswith(("gpu", "cuda")) for d in found)
    print("gpu\t" + ("yes" if gpu else "no (CPU only: the CPU build of TensorFlow, or no GPU visible to JAX)"),
          file=out)
    return 0


def _run_grade(args, out, err):
    from .. import data
    from ..grading.autograde import GradingError, grade
    from ..grading.sandbox import Limits

    # the sandbox has no network: fetch what the exercises load while we still may
    for name in data.EXAMPLES:
        try:
            data.example(name)
        except Exception as error:  # offline and not cached: the reference check will tell
            print(f"{PROG} grade: warning: recording {name!r} is not available ({type(error).__name__}); "
                  "exercises that load it will fail", file=err)
            break
    try:
        from ..grading.autograde import load_config

        config = load_config(args.course)
        limits = Limits.from_config(config, timeout=args.timeout, cpu=args.cpu,
                                    memory=args.memory, processes=args.processes, output=args.output)
        jobs = args.jobs or config.get("MirlibGrade", {}).get("jobs", 2)
        started = time.monotonic()
        results = grade(args.assignment, course=args.course, jobs=jobs, limits=limits,
                        students=args.student or None, check_reference=not args.no_reference_check,
                        progress=not args.quiet)
    except (GradingError, ValueError) as error:
        print(f"{PROG} grade: error: {error}", file=err)
        return 2
    counts = {s: sum(r.status == s for r in results) for s in ("graded", "flagged", "failed")}
    for r in results:
        if r.status != "graded" or r.notes:
            score = "not scored" if r.score is None else f"{r.score:g}/{r.max_score:g}"
            print(f"{r.student}\t{r.status}\t{score}\t" + "; ".join(r.reasons + r.notes), file=out)
    print(f"{args.assignment}: {len(results)} submissions, graded {counts['graded']}, flagged {counts['flagged']}, "
          f"failed {counts['failed']} in {time.monotonic() - started:.1f} s with {jobs} jobs; "
          f"report in grading-report-{args.assignment}.csv", file=out)
    return 1 if counts["failed"] else 0


def _weights_file(path):
    # checked when the arguments are read, not after minutes of training
    from ..nn.shipped import check_weights_file

    try:
        return check_weights_file(path)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def build_parser():
    """The argument parser: one sub-command each, with ``run(args, out, err)`` as its default."""
    from ..models import MODELS
    from ..nn import TRAINING_OPTIONS
    from ._tasks import ANALYSES

    parser = argparse.ArgumentParser(prog=PROG, description="Command line of the dl4mir book's mirlib.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, analysis in ANALYSES.items():
        p = sub.add_parser(name, help=analysis.help, description=f"{analysis.help[0].upper()}{analysis.help[1:]}. "
                           + analysis.description)
        p.add_argument("audio", nargs="+", metavar="AUDIO", help="audio files (any format librosa reads)")
        for flags, keywords in analysis.options:
            p.add_argument(*flags, **keywords)
        p.add_argument(*_BACKEND[0], **_BACKEND[1])
        p.set_defaults(run=_run_analysis)
    text = "list the files of a collection most similar to a query"
    p = sub.add_parser("similar", help=text,
                       description=text + " with the style embedding of the chapter 'Music similarity with Siamese "
                       "networks'. Prints rank, Euclidean distance of the embeddings (0 to 2) and path, "
                       "tab-separated, nearest first. Folders are searched recursively for audio files; the query "
                       "itself is left out.")
    p.add_argument("query", metavar="QUERY", help="the query audio file")
    p.add_argument("collection", nargs="+", metavar="COLLECTION", help="audio files or folders to search")
    p.add_argument("-k", type=int, default=10, help="number of nearest files to print (default 10)")
    p.add_argument("--weights", default=None, help="Keras weights file, run through Keras (default: the network "
                   "shipped with mirlib)")
    p.add_argument(*_BACKEND[0], **_BACKEND[1])
    p.set_defaults(run=_run_similar)
    names = "; ".join(f"{m.name} ({m.task}): {m.description}" for m in MODELS.values())
    p = sub.add_parser("train", help="train a network and save its weights",
                       description="Reproduce the weights shipped with mirlib (defaults) or train a variant, then "
                       f"report its quality on held-out data. Networks: {names}.")
    p.add_argument("task", metavar="NAME", choices=sorted({n for m in MODELS.values() for n in (m.name, *m.aliases)}),
                   help="network to train: " + ", ".join(MODELS) + " (or an alias: " +
                   ", ".join(a for m in MODELS.values() for a in m.aliases) + ")")
    p.add_argument("--out", type=_weights_file,
                   help="weights file to write, ending in .weights.h5 (default: NAME.weights.h5 in the current folder)")
    for key, (flag, keywords) in TRAINING_OPTIONS.items():
        takers = [m.name for m in MODELS.values() if key in m.recipe]
        if takers:
            p.add_argument(flag, dest=key, default=None, **{**keywords, "help": keywords["help"] + " (networks: "
                                                               + ", ".join(takers) + ")"})
    p.add_argument("--n-test", type=int, default=None,
                   help="size of the held-out set to report on (default: the network's own; 0: no report)")
    p.add_argument("--verbose", action="store_true", help="print the loss of every epoch")
    p.set_defaults(run=_run_train)
    text = "write the ONNX file of a network's weights"
    p = sub.add_parser("export", help=text, description=text + " (tf2onnx, on Keras' TensorFlow backend), which the "
                       "analysis commands run through ONNX Runtime. `mirlib train` writes it too.")
    p.add_argument("task", metavar="NAME", choices=sorted({n for m in MODELS.values() for n in (m.name, *m.aliases)}),
                   help="network to export: " + ", ".join(MODELS))
    p.add_argument("--weights", default=None, help="weights file (default: the one shipped with mirlib)")
    p.add_argument("--out", default=None, help="ONNX file to write (default: NAME.onnx next to the weights)")
    p.set_defaults(run=_run_export)
    text = "print the Keras backend and the devices it computes on (is there a GPU?)"
    p = sub.add_parser("device", help=text, description=text + ". On the course hub's GPU profile it lists a "
                       "GPU first; KERAS_BACKEND chooses the backend.")
    p.set_defaults(run=_run_device)
    text = "autograde every submission of an nbgrader assignment, in parallel and sandboxed"
    p = sub.add_parser("grade", help=text, description=text + ". Run it in the course folder after "
                       "`nbgrader collect`; results go into the gradebook, so `nbgrader generate_feedback` and "
                       "`nbgrader export` work as usual. Limits default to nbgrader_config.py's c.MirlibGrade.*. "
                       "Exit status 1 if a submission could not be graded through the grader's fault, 2 if "
                       "grading could not start.")
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default 2)")
    p.add_argument("--timeout", type=float, default=None, help="wall time of one cell, seconds (default 120)")
    p.add_argument("--cpu", type=float, default=None, help="CPU seconds of one submission (default 300)")
    p.add_argument("--memory", type=int, default=None, help="memory of one kernel, MB (default 4096)")
    p.add_argument("--processes", type=int, default=None, help="processes and threads of one kernel (default 256)")
    p.add_argument("--output", type=float, default=None, help="printed output kept per submission, MB (default 2)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--course", default=".", help="the nbgrader course folder (default: the current folder)")
    p.add_argument("--no-reference-check", action="store_true",
                   help="grade even if the reference solution, graded first, does not get full marks")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_run_grade)
    return parser


def main(argv=None, out=None, err=None):
    """Run the command line; returns the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        # madmom imports pkg_resources, which warns on every run; not the user's concern
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        # librosa warns when it falls back to audioread for a file soundfile cannot read;
        # the error line that follows says all the user needs
        warnings.simplefilter("ignore", FutureWarning)
        return args.run(args, out, err)
