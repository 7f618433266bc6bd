"""Write solutions/rnn/rnn.ipynb, the nbgrader source of the RNN exercise.

The notebook is the source of truth once written; this script records how it
was made. Run it, then `nbgrader generate_assignment rnn --force` (README).
"""
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def meta(gid, grade=False, solution=False, points=None, locked=None):
    m = {"grade": grade, "grade_id": gid, "locked": (not solution) if locked is None else locked,
         "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


cells = []


def md(gid, text):
    cells.append(nbformat.v4.new_markdown_cell(text.strip("\n"), metadata=meta(gid)))


def code(gid, text, **kw):
    cells.append(nbformat.v4.new_code_cell(text.strip("\n"), metadata=meta(gid, **kw)))


md("intro", r'''
# Exercise: onsets with spectral flux and a BLSTM

You build both kinds of onset detector of the chapter *Onset detection*: a hand-made one
(spectral flux and peak picking) and a learned one (a bidirectional LSTM), and you measure
them the way the field does, with mir_eval and a tolerance window **in seconds**.

1. spectral flux from NumPy primitives (3 points);
2. peak picking with a threshold and a minimum distance in seconds (3 points);
3. evaluation with mir_eval, ±50 ms (2 points);
4. a BLSTM of a given architecture in Keras (2 points);
5. training it to an F-measure of at least 0.80 on held-out loops (3 points).

Conventions as in the book: arrays are time-major, `(n_frames, n_bins)`; the frame rate `fps`
is in frames per second (here 100); times are in seconds. The training data are drum, bass
and chord loops **generated** by `mirlib.synth` with exact onset annotations.

Write your code where it says `YOUR CODE HERE` and remove the `raise NotImplementedError()`.
The cells after each part check your answer; more tests run when your work is graded.
''')

code("setup", r'''
import numpy as np
import mir_eval

import mirlib
from mirlib import onsets, rhythm
from mirlib.grading import check_array, forbid
from mirlib._compat import import_keras

keras = import_keras()          # Keras 3 on the JAX backend
FPS = rhythm.FPS                # 100 frames per second

# generated loops: 40 for training, 10 held out (other seeds), each about 5 s
train_loops = rhythm.make_examples(range(40), length=5.0)
test_loops = rhythm.make_examples(range(10000, 10010), length=5.0)
loop = test_loops[0]
S = loop.stack[:, :, 1]                             # log-mel, frame size 2048, (n_frames, 80)
reference = rhythm.reference_onsets(loop.rendering)  # annotated onsets in seconds
print(f"spectrogram {S.shape}, {len(reference)} onsets in {loop.rendering.duration:.1f} s")
''')

md("part1", r'''
## Part 1: spectral flux (3 points)

Write `spectral_flux(S)` for a log-magnitude spectrogram `S` of shape `(n_frames, n_bins)`:

$$SF[n] = \sum_k H\big(S[n, k] - S[n-1, k]\big), \qquad H(x) = \max(x, 0),$$

i.e. the **half-wave rectified** increase of every bin, summed over the bins. Return an array of
shape `(n_frames,)` with `SF[0] = 0` (the first frame has no predecessor), so that frame `n` of
the result belongs to frame `n` of `S`. Use NumPy only.
''')

code("spectral_flux", r'''
def spectral_flux(S):
    """Half-wave rectified spectral flux, shape (n_frames,), first value 0."""
    ### BEGIN SOLUTION
    S = np.asarray(S, dtype=float)
    increase = np.maximum(np.diff(S, axis=0), 0.0)
    return np.concatenate([[0.0], increase.sum(axis=1)])
    ### END SOLUTION
''', solution=True)

code("test_spectral_flux", r'''
toy = np.array([[0., 0.], [1., 2.], [0., 3.], [0., 3.]])
check_array(spectral_flux(toy), np.array([0., 3., 1., 0.]), "spectral_flux(toy)", axes=("n_frames",),
            hints=["a decrease must not count: half-wave rectify the difference (max(x, 0)) before summing",
                   "SF[0] = 0, then one value per later frame: the result has n_frames values"])
sf = spectral_flux(S)
assert np.shape(sf) == (len(S),), f"shape {np.shape(sf)}: expected (n_frames,) = ({len(S)},)"
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(5)
cases = [(f"random {shape}", rng.normal(size=shape)) for shape in [(50, 7), (3, 100), (200, 80)]] + [("S", S)]
expected = [onsets.spectral_flux(X_case) for _, X_case in cases]
with forbid("mirlib.onsets.spectral_flux", "librosa.onset.onset_strength", "librosa.onset.onset_strength_multi"):
    for (label, X_case), want in zip(cases, expected):
        check_array(spectral_flux(X_case), want, f"spectral_flux({label})", axes=("n_frames",))
### END HIDDEN TESTS
''', grade=True, points=3)

md("part2", r'''
## Part 2: peak picking (3 points)

Write `pick_peaks(activation, fps, threshold, min_distance)` that returns the onset times in
**seconds** (a 1-D array, sorted) of the frames `n` that

* are local maxima: `activation[n] >= activation[n - 1]` and `activation[n] > activation[n + 1]`
  (the first and last frame compare with their one neighbour only),
* exceed the threshold: `activation[n] > threshold`, and
* lie at least `min_distance` **seconds** after the previous onset you kept (go through the
  peaks from left to right; a peak too close to the last kept one is dropped).

Frame `n` is at time `n / fps`.
''')

code("pick_peaks", r'''
def pick_peaks(activation, fps, threshold, min_distance):
    """Onset times in seconds: local maxima above threshold, min_distance seconds apart."""
    ### BEGIN SOLUTION
    a = np.asarray(activation, dtype=float)
    left = np.concatenate([[-np.inf], a[:-1]])
    right = np.concatenate([a[1:], [-np.inf]])
    candidates = np.flatnonzero((a >= left) & (a > right) & (a > threshold))
    kept = []
    for n in candidates:
        if not kept or (n - kept[-1]) / fps >= min_distance:
            kept.append(n)
    return np.array(kept, dtype=float) / fps
    ### END SOLUTION
''', solution=True)

code("test_pick_peaks", r'''
act = np.array([0, .2, .9, .3, .8, .85, .1, 0, .6, .4, .3, .7, .2])
check_array(pick_peaks(act, fps=100, threshold=0.5, min_distance=0.0), np.array([.02, .05, .08, .11]),
            "pick_peaks(act, 100, 0.5, 0.0)", axes=("n_onsets",))
check_array(pick_peaks(act, fps=100, threshold=0.5, min_distance=0.04), np.array([.02, .08]),
            "pick_peaks(act, 100, 0.5, min_distance=0.04)", axes=("n_onsets",),
            hints=["min_distance is in seconds: convert frame distances with fps",
                   "compare with the last peak you kept, not with the last candidate"])
### BEGIN HIDDEN TESTS
def _reference_peaks(a, fps, threshold, min_distance):
    a = np.asarray(a, dtype=float)
    kept = []
    for n in range(len(a)):
        left = a[n - 1] if n > 0 else -np.inf
        right = a[n + 1] if n + 1 < len(a) else -np.inf
        if a[n] >= left and a[n] > right and a[n] > threshold:
            if not kept or (n - kept[-1]) / fps >= min_distance:
                kept.append(n)
    return np.array(kept, dtype=float) / fps

rng = np.random.default_rng(11)
with forbid("mirlib.onsets.pick_peaks", "librosa.util.peak_pick"):
    for fps_test, thr, dist in [(100, 0.5, 0.03), (50, 0.2, 0.1), (200, 0.7, 0.0), (100, 0.3, 0.25)]:
        a = rng.uniform(0, 1, 400) ** 3
        check_array(np.asarray(pick_peaks(a, fps_test, thr, dist), dtype=float), _reference_peaks(a, fps_test, thr, dist),
                    f"pick_peaks(random, fps={fps_test}, threshold={thr}, min_distance={dist})", axes=("n_onsets",))
    edge = np.array([0.9, 0.1, 0.1, 0.1, 0.8])
    check_array(np.asarray(pick_peaks(edge, 100, 0.5, 0.0), dtype=float), np.array([0.0, 0.04]),
                "pick_peaks with peaks on the first and last frame", axes=("n_onsets",))
### END HIDDEN TESTS
''', grade=True, points=3)

md("part3", r'''
## Part 3: evaluation (2 points)

Write `evaluate(reference, estimated)` that returns `(F, P, R)`, the onset F-measure, precision
and recall of the estimated onset times against the reference, with `mir_eval.onset.f_measure`
and a tolerance window of **±50 ms**. Both arguments are onset times in seconds.
''')

code("evaluate", r'''
def evaluate(reference, estimated):
    """(F, P, R) of onset times in seconds with a +-50 ms window (mir_eval)."""
    ### BEGIN SOLUTION
    return mir_eval.onset.f_measure(np.asarray(reference), np.asarray(estimated), window=0.05)
    ### END SOLUTION
''', solution=True)

code("test_evaluate", r'''
F, P, R = evaluate(np.array([0.1, 0.5, 1.0]), np.array([0.12, 0.9]))
assert abs(P - 0.5) < 1e-9 and abs(R - 1 / 3) < 1e-9, f"P={P}, R={R}: expected P=0.5, R=0.333"
print("spectral flux on the held-out loop:",
      evaluate(reference, pick_peaks(spectral_flux(S) / spectral_flux(S).max(), FPS, 0.1, 0.03)))
### BEGIN HIDDEN TESTS
ref_t = np.array([0.5, 1.0, 1.5, 2.0])
for est_t, expected in [(np.array([0.56, 1.04, 2.2]), (0.2857142857, 0.3333333333, 0.25)),
                        (np.array([0.47, 1.0, 1.52, 2.049, 3.0]), (0.8888888889, 0.8, 1.0)),
                        (np.array([0.53, 1.03]), (0.6666666667, 1.0, 0.5))]:
    got = tuple(float(v) for v in evaluate(ref_t, est_t))
    assert np.allclose(got, expected), f"evaluate({ref_t}, {est_t}) = {got}, expected {expected}: window is 0.05 s, reference first"
### END HIDDEN TESTS
''', grade=True, points=2)

md("part4", r'''
## Part 4: a BLSTM onset network (2 points)

Write `build_model(n_features)` that returns a Keras model which maps a batch of feature
sequences of shape `(batch, n_frames, n_features)` to one onset probability per frame,
shape `(batch, n_frames, 1)`:

1. `keras.Input((None, n_features))` (any number of frames),
2. one **bidirectional** LSTM layer with 16 units per direction that returns the whole sequence,
3. a dense layer with one unit and a sigmoid activation, applied to every frame.

Do not compile it here.
''')

code("build_model", r'''
def build_model(n_features):
    """BLSTM (16 units per direction) + sigmoid output per frame."""
    ### BEGIN SOLUTION
    inputs = keras.Input((None, n_features))
    x = keras.layers.Bidirectional(keras.layers.LSTM(16, return_sequences=True))(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
    ### END SOLUTION
''', solution=True)

code("test_build_model", r'''
probe = build_model(30)
out = np.asarray(probe(np.random.default_rng(0).normal(size=(2, 50, 30)).astype("float32")))
assert out.shape == (2, 50, 1), f"output shape {out.shape}: expected (batch, n_frames, 1) = (2, 50, 1)"
### BEGIN HIDDEN TESTS
n_params = int(sum(np.prod(w.shape) for w in probe.trainable_weights))
expected = 2 * 4 * (16 * (30 + 16 + 1)) + (2 * 16 + 1)
assert n_params == expected, f"{n_params} trainable parameters, expected {expected}: one bidirectional LSTM layer, 16 units per direction, then Dense(1)"
assert np.all((out > 0) & (out < 1)), "outputs must be probabilities in (0, 1): a sigmoid output"
assert np.ptp(out) > 1e-4, "all outputs are equal: a softmax over one unit is always 1; use a sigmoid"
long = np.asarray(build_model(7)(np.zeros((1, 333, 7), dtype="float32")))
assert long.shape == (1, 333, 1), "the model must accept any number of frames"
### END HIDDEN TESTS
''', grade=True, points=2)

md("part5", r'''
## Part 5: training (3 points)

Train a model from `build_model` on the 40 training loops so that, with peak picking, it reaches
an onset F-measure of **at least 0.80** (±50 ms) on the 10 held-out loops. Write
`train(model, X, Y, W)` that compiles the model with the Adam optimiser and binary
cross-entropy and fits it to inputs `X`, targets `Y` and sample weights `W` (0 on padded
frames); about 30 epochs with batches of 8 loops is enough (about 20 s on a laptop).
`X`, `Y` and `W` are made for you below from `rhythm.rnn_features` and the onset targets.
''')

code("data", r'''
def as_arrays(loops):
    # pad to equal length; sample weight 0 on padding
    feats = [rhythm.rnn_features(e.stack) for e in loops]
    n = max(len(f) for f in feats)
    X = np.zeros((len(loops), n, feats[0].shape[1]), "float32")
    Y = np.zeros((len(loops), n, 1), "float32")
    W = np.zeros((len(loops), n), "float32")
    for i, (f, e) in enumerate(zip(feats, loops)):
        X[i, :len(f)], Y[i, :len(f), 0], W[i, :len(f)] = f, e.onset_target, 1
    return X, Y, W

X, Y, W = as_arrays(train_loops)
mean, std = X[W > 0].mean(axis=0), X[W > 0].std(axis=0) + 1e-6
X = (X - mean) / std * W[..., None]
print(X.shape, Y.shape, W.shape)
''')

code("train", r'''
def train(model, X, Y, W):
    """Compile with Adam and binary cross-entropy, fit; return the model."""
    ### BEGIN SOLUTION
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy")
    model.fit(X, Y, sample_weight=W, batch_size=8, epochs=30, verbose=0)
    return model
    ### END SOLUTION

keras.utils.set_random_seed(0)
model = train(build_model(X.shape[-1]), X, Y, W)
''', solution=True)

code("test_train", r'''
def held_out_f(model):
    scores = []
    for e in test_loops:
        x = (rhythm.rnn_features(e.stack) - mean) / std
        act = np.asarray(model.predict(x[None], verbose=0))[0, :, 0]
        est = onsets.pick_peaks(act, FPS, threshold=0.4, pre_max=0.01, post_max=0.01, combine=0.03)
        scores.append(mir_eval.onset.f_measure(rhythm.reference_onsets(e.rendering), est, window=0.05)[0])
    return float(np.mean(scores))

f_held_out = held_out_f(model)
print(f"held-out onset F-measure: {f_held_out:.3f}")
### BEGIN HIDDEN TESTS
assert f_held_out >= 0.80, f"held-out F-measure {f_held_out:.3f} is below 0.80: train longer or check the targets"
### END HIDDEN TESTS
''', grade=True, points=3)

nb = nbformat.v4.new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"}})
out = ROOT / "solutions" / "rnn" / "rnn.ipynb"
out.parent.mkdir(parents=True, exist_ok=True)
nbformat.write(nb, out)
print("wrote", out)
