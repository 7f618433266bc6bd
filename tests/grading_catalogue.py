"""Catalogue of plausible mistakes per graded part of every assignment.

Each mistake replaces one solution cell of the reference solution; the grading
tests check that the submission loses points on the named test cell. Every
assignment in solutions/ must have an entry here.
"""

from nbgrading import Mistake

FRAME = "def frame_signal(y, frame_size, hop_size):\n"
SPEC = "def magnitude_spectrogram(y, frame_size, hop_size):\n"
LOGMEL = "def log_mel(S, filterbank):\n"

AUDIO_BASICS = [
    # Part 1: framing
    Mistake("frame_off_by_one", "frame_signal", FRAME + """
    y = np.asarray(y)
    if len(y) < frame_size:
        raise ValueError("too short")
    n_frames = (len(y) - frame_size) // hop_size
    return np.array([y[i * hop_size: i * hop_size + frame_size] for i in range(n_frames)])
""", "test_frame_signal"),
    Mistake("frame_transposed", "frame_signal", FRAME + """
    y = np.asarray(y)
    if len(y) < frame_size:
        raise ValueError("too short")
    n_frames = 1 + (len(y) - frame_size) // hop_size
    return np.array([y[i * hop_size: i * hop_size + frame_size] for i in range(n_frames)]).T
""", "test_frame_signal"),
    Mistake("frame_zero_padded_last_frame", "frame_signal", FRAME + """
    y = np.asarray(y)
    if len(y) < frame_size:
        raise ValueError("too short")
    n_frames = int(np.ceil((len(y) - frame_size) / hop_size)) + 1
    padded = np.concatenate([y, np.zeros(frame_size + hop_size)])
    return np.array([padded[i * hop_size: i * hop_size + frame_size] for i in range(n_frames)])
""", "test_frame_signal"),
    Mistake("frame_hop_and_size_swapped", "frame_signal", FRAME + """
    y = np.asarray(y)
    if len(y) < frame_size:
        raise ValueError("too short")
    n_frames = 1 + (len(y) - hop_size) // frame_size
    return np.array([y[i * frame_size: i * frame_size + hop_size] for i in range(n_frames)])
""", "test_frame_signal"),
    Mistake("frame_no_error_for_short_signal", "frame_signal", FRAME + """
    y = np.asarray(y)
    n_frames = max(0, 1 + (len(y) - frame_size) // hop_size)
    return np.array([y[i * hop_size: i * hop_size + frame_size] for i in range(n_frames)])
""", "test_frame_signal"),
    Mistake("frame_calls_librosa", "frame_signal", FRAME + """
    import librosa
    if len(y) < frame_size:
        raise ValueError("too short")
    return librosa.util.frame(np.asarray(y), frame_length=frame_size, hop_length=hop_size, axis=0)
""", "test_frame_signal"),
    # Part 2: magnitude spectrogram
    Mistake("spec_forgot_window", "magnitude_spectrogram", SPEC + """
    return np.abs(np.fft.rfft(frame_signal(y, frame_size, hop_size), axis=1))
""", "test_magnitude_spectrogram"),
    Mistake("spec_power_not_magnitude", "magnitude_spectrogram", SPEC + """
    frames = frame_signal(y, frame_size, hop_size) * get_window("hann", frame_size)
    return np.abs(np.fft.rfft(frames, axis=1)) ** 2
""", "test_magnitude_spectrogram"),
    Mistake("spec_symmetric_hann", "magnitude_spectrogram", SPEC + """
    frames = frame_signal(y, frame_size, hop_size) * np.hanning(frame_size)
    return np.abs(np.fft.rfft(frames, axis=1))
""", "test_magnitude_spectrogram"),
    Mistake("spec_full_fft", "magnitude_spectrogram", SPEC + """
    frames = frame_signal(y, frame_size, hop_size) * get_window("hann", frame_size)
    return np.abs(np.fft.fft(frames, axis=1))
""", "test_magnitude_spectrogram"),
    Mistake("spec_frequency_first", "magnitude_spectrogram", SPEC + """
    frames = frame_signal(y, frame_size, hop_size) * get_window("hann", frame_size)
    return np.abs(np.fft.rfft(frames, axis=1)).T
""", "test_magnitude_spectrogram"),
    Mistake("spec_fft_over_wrong_axis", "magnitude_spectrogram", SPEC + """
    frames = frame_signal(y, frame_size, hop_size) * get_window("hann", frame_size)
    return np.abs(np.fft.rfft(frames, axis=0))
""", "test_magnitude_spectrogram"),
    Mistake("spec_calls_librosa_stft", "magnitude_spectrogram", SPEC + """
    import librosa
    return np.abs(librosa.stft(np.asarray(y, dtype=float), n_fft=frame_size, hop_length=hop_size,
                               window="hann", center=False)).T
""", "test_magnitude_spectrogram"),
    # Part 3: log-mel
    Mistake("logmel_natural_log", "log_mel", LOGMEL + """
    return np.log(1 + S @ filterbank)
""", "test_log_mel"),
    Mistake("logmel_log_before_filterbank", "log_mel", LOGMEL + """
    return np.log10(1 + S) @ filterbank
""", "test_log_mel"),
    Mistake("logmel_no_plus_one", "log_mel", LOGMEL + """
    return np.log10(S @ filterbank + 1e-10)
""", "test_log_mel"),
    Mistake("logmel_decibels", "log_mel", LOGMEL + """
    return 20 * np.log10(1 + S @ filterbank)
""", "test_log_mel"),
    Mistake("logmel_transposed", "log_mel", LOGMEL + """
    return np.log10(1 + filterbank.T @ S.T)
""", "test_log_mel"),
]

CATALOGUE = {
    "audio-basics": AUDIO_BASICS,
}


SF = "def spectral_flux(S):\n"
PEAKS = "def pick_peaks(activation, fps, threshold, min_distance):\n"
EVAL = "def evaluate(reference, estimated):\n"
BUILD = "def build_model(n_features):\n"
TRAIN_CALL = """
keras.utils.set_random_seed(0)
model = train(build_model(X.shape[-1]), X, Y, W)
"""
PEAKS_CANDIDATES = """
    a = np.asarray(activation, dtype=float)
    left = np.concatenate([[-np.inf], a[:-1]])
    right = np.concatenate([a[1:], [-np.inf]])
    candidates = np.flatnonzero((a >= left) & (a > right) & (a > threshold))
"""

RNN = [
    # Part 1: spectral flux
    Mistake("sf_no_rectification", "spectral_flux", SF + """
    S = np.asarray(S, dtype=float)
    return np.concatenate([[0.0], np.diff(S, axis=0).sum(axis=1)])
""", "test_spectral_flux"),
    Mistake("sf_absolute_difference", "spectral_flux", SF + """
    S = np.asarray(S, dtype=float)
    return np.concatenate([[0.0], np.abs(np.diff(S, axis=0)).sum(axis=1)])
""", "test_spectral_flux"),
    Mistake("sf_difference_over_bins", "spectral_flux", SF + """
    S = np.asarray(S, dtype=float)
    return np.concatenate([[0.0], np.maximum(np.diff(S, axis=1), 0.0).sum(axis=1)])[:len(S)]
""", "test_spectral_flux"),
    # Part 2: peak picking
    Mistake("peaks_without_minimum_distance", "pick_peaks", PEAKS + PEAKS_CANDIDATES + """
    return candidates / fps
""", "test_pick_peaks"),
    Mistake("peaks_minimum_distance_in_frames", "pick_peaks", PEAKS + PEAKS_CANDIDATES + """
    kept = []
    for n in candidates:
        if not kept or n - kept[-1] >= min_distance:
            kept.append(n)
    return np.array(kept, dtype=float) / fps
""", "test_pick_peaks"),
    Mistake("peaks_in_frames_not_seconds", "pick_peaks", PEAKS + PEAKS_CANDIDATES + """
    kept = []
    for n in candidates:
        if not kept or (n - kept[-1]) / fps >= min_distance:
            kept.append(n)
    return np.array(kept, dtype=float)
""", "test_pick_peaks"),
    Mistake("peaks_distance_to_last_candidate", "pick_peaks", PEAKS + PEAKS_CANDIDATES + """
    kept = [n for i, n in enumerate(candidates) if i == 0 or (n - candidates[i - 1]) / fps >= min_distance]
    return np.array(kept, dtype=float) / fps
""", "test_pick_peaks"),
    # Part 3: evaluation
    Mistake("eval_window_in_frames", "evaluate", EVAL + """
    return mir_eval.onset.f_measure(np.asarray(reference), np.asarray(estimated), window=5)
""", "test_evaluate"),
    Mistake("eval_reference_and_estimate_swapped", "evaluate", EVAL + """
    return mir_eval.onset.f_measure(np.asarray(estimated), np.asarray(reference), window=0.05)
""", "test_evaluate"),
    Mistake("model_unidirectional_lstm", "build_model", BUILD + """
    inputs = keras.Input((None, n_features))
    x = keras.layers.LSTM(16, return_sequences=True)(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
""", "test_build_model"),
    Mistake("model_softmax_output", "build_model", BUILD + """
    inputs = keras.Input((None, n_features))
    x = keras.layers.Bidirectional(keras.layers.LSTM(16, return_sequences=True))(inputs)
    outputs = keras.layers.Dense(1, activation="softmax")(x)
    return keras.Model(inputs, outputs)
""", "test_build_model"),
    Mistake("model_last_step_only", "build_model", BUILD + """
    inputs = keras.Input((None, n_features))
    x = keras.layers.Bidirectional(keras.layers.LSTM(16))(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
""", "test_build_model"),
    # Part 5: training
    Mistake("train_one_epoch", "train", """def train(model, X, Y, W):
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy")
    model.fit(X, Y, sample_weight=W, batch_size=8, epochs=1, verbose=0)
    return model
""" + TRAIN_CALL, "test_train"),
]

CATALOGUE["rnn"] = RNN


STD = "def standardize(X_train, X):\n"
SOFTMAX = "def softmax(logits):\n"
CE = "def cross_entropy(p, y):\n"
FORWARD = "def forward(X, W1, b1, W2, b2):\n"
CLASSIFIER = "def train_classifier(X, y):\n"
CLASSIFIER_CALL = """
keras.utils.set_random_seed(0)
model = train_classifier(X_train, y_train)
"""


def _classifier(optimizer="keras.optimizers.Adam(0.003)", epochs=40, output="softmax",
                loss='"sparse_categorical_crossentropy"'):
    return CLASSIFIER + f"""
    norm = keras.layers.Normalization()
    norm.adapt(X)
    model = keras.Sequential([keras.Input((X.shape[1],)), norm,
                              keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(6, activation={output!r})])
    model.compile(optimizer={optimizer}, loss={loss})
    model.fit(X, y, epochs={epochs}, batch_size=16, verbose=0)
    return model
""" + CLASSIFIER_CALL


DL_BASICS = [
    # Part 1: standardisation
    Mistake("std_own_statistics", "standardize", STD + """
    X = np.asarray(X, dtype=float)
    return (X - X.mean(axis=0)) / X.std(axis=0)
""", "test_standardize"),
    Mistake("std_one_mean_for_all_features", "standardize", STD + """
    X_train = np.asarray(X_train, dtype=float)
    return (np.asarray(X, dtype=float) - X_train.mean()) / X_train.std()
""", "test_standardize"),
    Mistake("std_divides_by_variance", "standardize", STD + """
    X_train = np.asarray(X_train, dtype=float)
    return (np.asarray(X, dtype=float) - X_train.mean(axis=0)) / X_train.var(axis=0)
""", "test_standardize"),
    Mistake("std_no_error_for_constant_feature", "standardize", STD + """
    X_train = np.asarray(X_train, dtype=float)
    return (np.asarray(X, dtype=float) - X_train.mean(axis=0)) / X_train.std(axis=0)
""", "test_standardize"),
    # Part 2: softmax
    Mistake("softmax_overflows", "softmax", SOFTMAX + """
    e = np.exp(np.asarray(logits, dtype=float))
    return e / e.sum(axis=1, keepdims=True)
""", "test_softmax"),
    Mistake("softmax_over_examples", "softmax", SOFTMAX + """
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
""", "test_softmax"),
    Mistake("softmax_is_sigmoid", "softmax", SOFTMAX + """
    return 1 / (1 + np.exp(-np.asarray(logits, dtype=float)))
""", "test_softmax"),
    # Part 3: cross-entropy
    Mistake("ce_sum_not_mean", "cross_entropy", CE + """
    p = np.asarray(p, dtype=float)
    return float(-np.sum(np.log(p[np.arange(len(y)), y])))
""", "test_cross_entropy"),
    Mistake("ce_log10", "cross_entropy", CE + """
    p = np.asarray(p, dtype=float)
    return float(-np.mean(np.log10(p[np.arange(len(y)), y])))
""", "test_cross_entropy"),
    Mistake("ce_indexes_columns_only", "cross_entropy", CE + """
    p = np.asarray(p, dtype=float)
    return float(-np.mean(np.log(p[:, y])))
""", "test_cross_entropy"),
    Mistake("ce_sign_lost", "cross_entropy", CE + """
    p = np.asarray(p, dtype=float)
    return float(np.mean(np.log(p[np.arange(len(y)), y])))
""", "test_cross_entropy"),
    # Part 4: forward pass
    Mistake("forward_no_relu", "forward", FORWARD + """
    return softmax((np.asarray(X, dtype=float) @ W1 + b1) @ W2 + b2)
""", "test_forward"),
    Mistake("forward_sigmoid_hidden", "forward", FORWARD + """
    hidden = 1 / (1 + np.exp(-(np.asarray(X, dtype=float) @ W1 + b1)))
    return softmax(hidden @ W2 + b2)
""", "test_forward"),
    Mistake("forward_without_hidden_bias", "forward", FORWARD + """
    hidden = np.maximum(np.asarray(X, dtype=float) @ W1, 0.0)
    return softmax(hidden @ W2 + b2)
""", "test_forward"),
    Mistake("forward_returns_logits", "forward", FORWARD + """
    hidden = np.maximum(np.asarray(X, dtype=float) @ W1 + b1, 0.0)
    return hidden @ W2 + b2
""", "test_forward"),
    # Part 5: training
    Mistake("classifier_one_epoch", "train_classifier", _classifier(epochs=1), "test_train_classifier"),
    Mistake("classifier_sgd_small_learning_rate", "train_classifier",
            _classifier(optimizer="keras.optimizers.SGD(0.001)"), "test_train_classifier"),
    Mistake("classifier_outputs_logits", "train_classifier", _classifier(
        output=None, loss="keras.losses.SparseCategoricalCrossentropy(from_logits=True)"), "test_train_classifier"),
]

CATALOGUE["dl-basics"] = DL_BASICS


CONV = "def conv2d(x, kernel, bias=0.0):\n"
CONV_LOOP = """
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    k_t, k_f = kernel.shape
"""
BUILD_CNN = "def build_cnn(n_frames, n_bands, n_classes):\n"
TRAIN_CNN = "def train(model, X, y):\n"
TRAIN_CNN_CALL = """
keras.utils.set_random_seed(0)
model = train(build_cnn(128, 40, 6), X_train, y_train)
"""
AUC = "def roc_auc_per_tag(Y_true, Y_score):\n"


def _cnn(first=8, second=16, padding="valid", second_pool=True, output="softmax"):
    pool = "\n                             layers.MaxPooling2D((4, 4))," if second_pool else ""
    return BUILD_CNN + f"""
    layers = keras.layers
    return keras.Sequential([keras.Input((n_frames, n_bands, 1)),
                             layers.Conv2D({first}, (3, 3), activation="relu", padding={padding!r}),
                             layers.MaxPooling2D((4, 4)),
                             layers.Conv2D({second}, (3, 3), activation="relu", padding={padding!r}),{pool}
                             layers.Flatten(),
                             layers.Dense(n_classes, activation={output!r})])
"""


def _train_cnn(optimizer="keras.optimizers.Adam(0.003)", loss="sparse_categorical_crossentropy", epochs=30):
    return TRAIN_CNN + f"""
    model.compile(optimizer={optimizer}, loss={loss!r})
    model.fit(X, y, epochs={epochs}, batch_size=16, verbose=0)
    return model
""" + TRAIN_CNN_CALL


def _auc(pairs="(diff > 0) + 0.5 * (diff == 0)", empty="raise ValueError(f'tag {k} has only one class')",
         scores="np.asarray(Y_score, dtype=float)"):
    return AUC + f"""
    Y_true = np.asarray(Y_true).astype(bool)
    Y_score = {scores}
    aucs = []
    for k in range(Y_true.shape[1]):
        pos, neg = Y_score[Y_true[:, k], k], Y_score[~Y_true[:, k], k]
        if len(pos) == 0 or len(neg) == 0:
            {empty}
            continue
        diff = pos[:, None] - neg[None, :]
        aucs.append(np.mean({pairs}))
    return np.array(aucs)
"""


CNN = [
    # Part 1: convolution
    Mistake("conv_flips_kernel", "conv2d", CONV + CONV_LOOP + """
    kernel = kernel[::-1, ::-1]
    out = np.empty((x.shape[0] - k_t + 1, x.shape[1] - k_f + 1))
    for t in range(out.shape[0]):
        for f in range(out.shape[1]):
            out[t, f] = np.sum(x[t:t + k_t, f:f + k_f] * kernel)
    return out + bias
""", "test_conv2d"),
    Mistake("conv_same_padding", "conv2d", CONV + CONV_LOOP + """
    padded = np.pad(x, ((k_t // 2, (k_t - 1) // 2), (k_f // 2, (k_f - 1) // 2)))
    out = np.empty(x.shape)
    for t in range(out.shape[0]):
        for f in range(out.shape[1]):
            out[t, f] = np.sum(padded[t:t + k_t, f:f + k_f] * kernel)
    return out + bias
""", "test_conv2d"),
    Mistake("conv_one_position_short", "conv2d", CONV + CONV_LOOP + """
    out = np.empty((x.shape[0] - k_t, x.shape[1] - k_f))
    for t in range(out.shape[0]):
        for f in range(out.shape[1]):
            out[t, f] = np.sum(x[t:t + k_t, f:f + k_f] * kernel)
    return out + bias
""", "test_conv2d"),
    Mistake("conv_without_bias", "conv2d", CONV + CONV_LOOP + """
    out = np.empty((x.shape[0] - k_t + 1, x.shape[1] - k_f + 1))
    for t in range(out.shape[0]):
        for f in range(out.shape[1]):
            out[t, f] = np.sum(x[t:t + k_t, f:f + k_f] * kernel)
    return out
""", "test_conv2d"),
    Mistake("conv_calls_scipy", "conv2d", """from scipy.signal import correlate2d

""" + CONV + """
    return correlate2d(np.asarray(x, dtype=float), np.asarray(kernel, dtype=float), mode="valid") + bias
""", "test_conv2d"),
    # Part 2: architecture
    Mistake("cnn_same_padding", "build_cnn", _cnn(padding="same"), "test_build_cnn"),
    Mistake("cnn_second_pooling_missing", "build_cnn", _cnn(second_pool=False), "test_build_cnn"),
    Mistake("cnn_sigmoid_output", "build_cnn", _cnn(output="sigmoid"), "test_build_cnn"),
    Mistake("cnn_filter_counts_swapped", "build_cnn", _cnn(first=16, second=8), "test_build_cnn"),
    # Part 3: training
    Mistake("cnn_train_one_epoch", "train", _train_cnn(epochs=1), "test_train"),
    Mistake("cnn_train_sgd_small_learning_rate", "train", _train_cnn(optimizer="keras.optimizers.SGD(0.001)"),
            "test_train"),
    Mistake("cnn_train_one_hot_loss_for_integer_labels", "train", _train_cnn(loss="categorical_crossentropy"),
            "test_train"),
    # Part 4: ROC-AUC
    Mistake("auc_ties_count_zero", "roc_auc_per_tag", _auc(pairs="diff > 0"), "test_roc_auc_per_tag"),
    Mistake("auc_inverted", "roc_auc_per_tag", _auc(pairs="(diff < 0) + 0.5 * (diff == 0)"), "test_roc_auc_per_tag"),
    Mistake("auc_of_thresholded_scores", "roc_auc_per_tag",
            _auc(scores="(np.asarray(Y_score, dtype=float) > 0.5).astype(float)"), "test_roc_auc_per_tag"),
    Mistake("auc_per_example", "roc_auc_per_tag", AUC + """
    return _per_tag(np.asarray(Y_true).T, np.asarray(Y_score).T)


""" + _auc().replace("def roc_auc_per_tag(", "def _per_tag("), "test_roc_auc_per_tag"),
    Mistake("auc_no_error_for_single_class_tag", "roc_auc_per_tag", _auc(empty="aucs.append(0.5)"),
            "test_roc_auc_per_tag"),
]

CATALOGUE["cnn"] = CNN

# ---------------------------------------------------------------------------
# siamese: losses, triplet sampler, retrieval metrics, training
# ---------------------------------------------------------------------------

CONTRASTIVE = '''def contrastive_loss(same, distance, margin):
    """Contrastive loss per pair, shape (batch,)."""
'''
TRIPLET = '''def triplet_loss(anchor, positive, negative, margin):
    """Triplet loss per triplet with plain Euclidean distances, shape (batch,)."""
    anchor = ops.cast(anchor, "float32")
'''
CONTRASTIVE_OK = CONTRASTIVE + '''    same = ops.cast(same, "float32")
    distance = ops.cast(distance, "float32")
    return 0.5 * (same * ops.square(distance) + (1.0 - same) * ops.square(ops.relu(margin - distance)))
'''


def _triplet(d_pos="ops.sqrt(ops.sum(ops.square(anchor - ops.cast(positive, 'float32')), axis=-1))",
             loss="ops.relu(d_pos - d_neg + margin)"):
    return TRIPLET + f"""    d_pos = {d_pos}
    d_neg = ops.sqrt(ops.sum(ops.square(anchor - ops.cast(negative, 'float32')), axis=-1))
    return {loss}
"""


def _losses(contrastive=CONTRASTIVE_OK, triplet=None):
    return contrastive + "\n\n" + (triplet or _triplet())


SAMPLER = '''def sample_triplets(labels, allowed, n, rng):
    """n triplets (anchor, positive, negative) of indices in `allowed`, shape (n, 3)."""
    labels = np.asarray(labels)
    allowed = np.asarray(allowed)
    out = np.empty((n, 3), dtype=int)
    for i in range(n):
'''


def _sampler(same="allowed[(labels[allowed] == labels[a]) & (allowed != a)]",
             other="allowed[labels[allowed] != labels[a]]"):
    return SAMPLER + f"""        a = rng.choice(allowed)
        same = {same}
        other = {other}
        out[i] = a, rng.choice(same), rng.choice(other)
    return out
"""


PRECISION = '''def precision_at_k(distances, relevant, k):
    """Fraction of relevant items among the k nearest."""
    relevant = np.asarray(relevant, dtype=bool)
'''
AP = '''def average_precision(distances, relevant):
    """Mean precision at the ranks of the relevant items."""
    relevant = np.asarray(relevant, dtype=bool)
'''


def _retrieval(check="if not relevant.any():\n        raise ValueError('no relevant item')",
               top="relevant[np.argsort(distances)[:k]].mean()",
               order="np.argsort(distances)", normalise="len(ranks)"):
    return PRECISION + f"""    {check}
    return float({top})


""" + AP + f"""    {check}
    hits = relevant[{order}]
    ranks = np.flatnonzero(hits) + 1
    return float(np.sum(np.arange(1, len(ranks) + 1) / ranks) / {normalise})
"""


TRAIN_EMB = '''def train_embedding(train, epochs, triplets_per_epoch, seed=0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([similarity.excerpts(S) for S in train.spectrograms])

    def sample(epoch, branch):
'''


def _train_emb(triplets="t = sample_triplets(train.style, np.arange(len(train)), triplets_per_epoch, rng)",
               call="model = train_embedding(train, epochs=8, triplets_per_epoch=320)"):
    return TRAIN_EMB + f"""        {triplets}
        return [similarity.random_excerpts(train.spectrograms, t[:, j], rng) for j in range(3)]

    build = lambda: nn.embedding_cnn(128, 40, dim=16, normalization=nn.normalization(X))
    return nn.train_triplets(build, sample, epochs=epochs, seed=seed).model


{call}
"""


SIAMESE = [
    # Part 1: losses
    Mistake("contrastive_labels_inverted", "losses", _losses(contrastive=CONTRASTIVE_OK.replace(
        "0.5 * (same * ops.square(distance) + (1.0 - same) * ops.square(ops.relu(margin - distance)))",
        "0.5 * ((1.0 - same) * ops.square(distance) + same * ops.square(ops.relu(margin - distance)))")),
        "test_losses"),
    Mistake("contrastive_without_half", "losses", _losses(contrastive=CONTRASTIVE_OK.replace("0.5 * (", "(")),
            "test_losses"),
    Mistake("triplet_margin_on_the_wrong_side", "losses", _losses(triplet=_triplet(loss="ops.relu(d_neg - d_pos + margin)")),
            "test_losses"),
    Mistake("triplet_squared_and_plain_distances_mixed", "losses", _losses(triplet=_triplet(
        d_pos="ops.sum(ops.square(anchor - ops.cast(positive, 'float32')), axis=-1)")), "test_losses"),
    Mistake("triplet_without_hinge", "losses", _losses(triplet=_triplet(loss="d_pos - d_neg + margin")), "test_losses"),
    # Part 2: sampler
    Mistake("sampler_anchor_is_its_own_positive", "sample_triplets",
            _sampler(same="allowed[labels[allowed] == labels[a]]"), "test_sample_triplets"),
    Mistake("sampler_test_pieces_leak_into_triplets", "sample_triplets",
            _sampler(same="np.flatnonzero((labels == labels[a]) & (np.arange(len(labels)) != a))",
                     other="np.flatnonzero(labels != labels[a])"), "test_sample_triplets"),
    # Part 3: retrieval metrics
    Mistake("ap_normalised_by_the_collection_size", "retrieval", _retrieval(normalise="len(hits)"), "test_retrieval"),
    Mistake("ranked_by_decreasing_distance", "retrieval",
            _retrieval(top="relevant[np.argsort(-np.asarray(distances))[:k]].mean()",
                       order="np.argsort(-np.asarray(distances))"), "test_retrieval"),
    Mistake("precision_at_k_off_by_one", "retrieval", _retrieval(top="relevant[np.argsort(distances)[:k + 1]].mean()"),
            "test_retrieval"),
    Mistake("no_error_without_relevant_items", "retrieval", _retrieval(check="pass"), "test_retrieval"),
    # Part 4: training
    Mistake("train_one_epoch", "train", _train_emb(call="model = train_embedding(train, epochs=1, triplets_per_epoch=320)"),
            "test_train"),
    Mistake("train_on_two_pieces_per_style", "train",
            _train_emb(triplets="t = sample_triplets(train.style, np.flatnonzero(np.arange(len(train)) % 20 < 2), "
                                "triplets_per_epoch, rng)"), "test_train"),
]

CATALOGUE["siamese"] = SIAMESE


TARGETS = "def drum_targets(onsets, n_frames, fps):\n"
DPEAKS = "def pick_drum_peaks(activations, fps, thresholds):\n"
OVERALL = "def overall_f_measure(reference, estimated, window):\n"
CRNN = "def build_crnn(n_bands):\n"
CRNN_TRAIN_CALL = """
keras.utils.set_random_seed(0)
model = train(build_crnn(84), X, Y, W)
"""


def _targets(frames="np.round(np.asarray(onsets[name], dtype=float) * fps).astype(int)", order="INSTRUMENTS",
             neighbour="0.5"):
    return TARGETS + f"""
    Y = np.zeros((n_frames, 3), dtype=np.float32)
    for i, name in enumerate({order}):
        frames = {frames}
        frames = frames[(frames >= 0) & (frames < n_frames)]
        for n in frames:
            for m in (n - 1, n + 1):
                if 0 <= m < n_frames:
                    Y[m, i] = max(Y[m, i], {neighbour})
        Y[frames, i] = 1.0
    return Y
"""


def _dpeaks(column="A[:, i]", threshold="thresholds[name]"):
    return DPEAKS + f"""
    A = np.asarray(activations, dtype=float)
    out = {{}}
    for i, name in enumerate(INSTRUMENTS):
        a = {column}
        left = np.concatenate([[-np.inf], a[:-1]])
        right = np.concatenate([a[1:], [-np.inf]])
        out[name] = np.flatnonzero((a >= left) & (a > right) & (a > {threshold})) / fps
    return out
"""


def _crnn(rnn="keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True))",
          out="sigmoid",
          pool="(1, 3)"):
    return CRNN + f"""
    inputs = keras.Input((None, n_bands, 2))
    x = keras.layers.Conv2D(8, (3, 3), padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D({pool})(x)
    x = keras.layers.Reshape((-1, 8 * (n_bands // 3)))(x)
    x = {rnn}(x)
    outputs = keras.layers.Dense(3, activation="{out}")(x)
    return keras.Model(inputs, outputs)
"""


DRUMS = [
    # Part 1: widened targets
    Mistake("targets_one_frame_late", "drum_targets",
            _targets(frames="np.round(np.asarray(onsets[name], dtype=float) * fps).astype(int) + 1"), "test_drum_targets"),
    Mistake("targets_instruments_swapped", "drum_targets", _targets(order='("SD", "KD", "HH")'), "test_drum_targets"),
    Mistake("targets_not_widened", "drum_targets", _targets(neighbour="0.0"), "test_drum_targets"),
    # Part 2: peak picking per instrument
    Mistake("peaks_one_threshold_for_all", "pick_drum_peaks", _dpeaks(threshold='thresholds["KD"]'),
            "test_pick_drum_peaks"),
    Mistake("peaks_columns_swapped", "pick_drum_peaks", _dpeaks(column="A[:, (i + 1) % 3]"), "test_pick_drum_peaks"),
    Mistake("f_macro_mean_of_instruments", "overall_f_measure", OVERALL + """
    fs = []
    for name in INSTRUMENTS:
        ref, est = np.asarray(reference[name], dtype=float), np.asarray(estimated[name], dtype=float)
        fs.append(mir_eval.onset.f_measure(ref, est, window=window)[0] if len(ref) and len(est) else 0.0)
    return float(np.mean(fs))
""", "test_overall_f_measure"),
    Mistake("f_tolerance_in_frames", "overall_f_measure", OVERALL + """
    tp = fp = fn = 0
    for name in INSTRUMENTS:
        ref, est = np.asarray(reference[name], dtype=float), np.asarray(estimated[name], dtype=float)
        matched = len(mir_eval.util.match_events(ref * FPS, est * FPS, window)) if len(ref) and len(est) else 0
        tp, fp, fn = tp + matched, fp + len(est) - matched, fn + len(ref) - matched
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0
""", "test_overall_f_measure"),
    Mistake("f_instruments_pooled", "overall_f_measure", OVERALL + """
    ref = np.sort(np.concatenate([np.asarray(reference[n], dtype=float) for n in INSTRUMENTS]))
    est = np.sort(np.concatenate([np.asarray(estimated[n], dtype=float) for n in INSTRUMENTS]))
    if not len(ref) or not len(est):
        return 0.0
    return mir_eval.onset.f_measure(ref, est, window=window)[0]
""", "test_overall_f_measure"),
    # Part 4: architecture
    Mistake("crnn_unidirectional_gru", "build_crnn", _crnn(rnn="keras.layers.GRU(16, return_sequences=True)"),
            "test_build_crnn"),
    Mistake("crnn_softmax_output", "build_crnn", _crnn(out="softmax"), "test_build_crnn"),
    Mistake("crnn_pools_time", "build_crnn", _crnn(pool="(3, 3)"), "test_build_crnn"),
    # Part 5: training
    Mistake("train_one_epoch", "train", """def train(model, X, Y, W):
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy")
    model.fit(X, Y, sample_weight=W, batch_size=4, epochs=1, verbose=0)
    return model
""" + CRNN_TRAIN_CALL, "test_train"),
]

CATALOGUE["drums"] = DRUMS


SSM = "def self_similarity(features):\n"
KERNEL = "def checkerboard_kernel(size, taper):\n"
NOVELTY = "def novelty(S, kernel):\n"
BOUNDARIES = "def pick_boundaries(curve, fps, threshold, min_distance, edge):\n"
BOUNDARY_F = "def boundary_f(reference, estimated, window):\n"
SEGMENT = "def segment(features, fps):\n"


def _ssm(standardise="(X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)"):
    return SSM + f"""
    X = np.asarray(features, dtype=float)
    X = {standardise}
    X = X / (np.linalg.norm(X, axis=1, keepdims=True) + 1e-12)
    return X @ X.T
"""


def _kernel(sigma="taper * size", normalise="K / np.abs(K).sum()"):
    return KERNEL + f"""
    a = np.arange(-size, size + 1)
    v = np.sign(a) * np.exp(-0.5 * (a / ({sigma})) ** 2)
    K = np.outer(v, v)
    return {normalise}
"""


def _novelty(pad="np.pad(np.asarray(S, dtype=float), L)",
             frames="range(len(S))",
             rectify="np.maximum(nov, 0.0)",
             scale="nov / nov.max() if nov.max() > 0 else nov"):
    return NOVELTY + f"""
    L = (len(kernel) - 1) // 2
    P = {pad}
    nov = np.array([np.sum(P[i:i + 2 * L + 1, i:i + 2 * L + 1] * kernel) for i in {frames}])
    nov = {rectify}
    return {scale}
"""


def _boundaries(window="a[n] >= a[max(0, n - w):n + w + 1].max()",
                scale="/ fps",
                edges="times[(times >= edge) & (times <= len(a) / fps - edge)]"):
    return BOUNDARIES + f"""
    a = np.asarray(curve, dtype=float)
    w = int(round(min_distance * fps))
    keep = [n for n in range(len(a)) if {window} and (n == 0 or a[n] > a[n - 1]) and a[n] > threshold]
    times = np.array(keep, dtype=float) {scale}
    return {edges}
"""


def _boundary_f(match="mir_eval.util.match_events(ref, est, window)"):
    return BOUNDARY_F + f"""
    ref, est = np.asarray(reference, dtype=float), np.asarray(estimated, dtype=float)
    if not len(est):
        return 0.0
    matched = len({match})
    p, r = matched / len(est), matched / len(ref)
    return 2 * p * r / (p + r) if p + r else 0.0
"""


def _segment(size=40):
    return SEGMENT + f"""
    S = self_similarity(features)
    nov = novelty(S, checkerboard_kernel({size}, 0.5))
    return pick_boundaries(nov, fps, threshold=0.1, min_distance=4.0, edge=2.0)
"""


STRUCTURE = [
    # Part 1: self-similarity matrix
    Mistake("ssm_not_standardised", "self_similarity", _ssm(standardise="X"), "test_self_similarity"),
    Mistake("ssm_standardised_per_frame", "self_similarity",
            _ssm(standardise="(X - X.mean(axis=1, keepdims=True)) / (X.std(axis=1, keepdims=True) + 1e-8)"),
            "test_self_similarity"),
    Mistake("ssm_calls_mirlib", "self_similarity", SSM + "    return structure.self_similarity(features)\n",
            "test_self_similarity"),
    # Part 2: checkerboard kernel
    Mistake("kernel_no_taper", "checkerboard_kernel", _kernel(sigma="1e9"), "test_checkerboard_kernel"),
    Mistake("kernel_signs_flipped", "checkerboard_kernel", _kernel(normalise="-K / np.abs(K).sum()"),
            "test_checkerboard_kernel"),
    Mistake("kernel_taper_in_frames", "checkerboard_kernel", _kernel(sigma="taper"), "test_checkerboard_kernel"),
    # Part 3: novelty
    Mistake("novelty_not_padded", "novelty", _novelty(pad="np.asarray(S, dtype=float)",
                                                    frames="range(len(S) - 2 * L)"), "test_novelty"),
    Mistake("novelty_not_rectified", "novelty", _novelty(rectify="nov", scale="nov / np.abs(nov).max()"),
            "test_novelty"),
    Mistake("novelty_calls_mirlib", "novelty", NOVELTY + """
    L = (len(kernel) - 1) // 2
    return np.asarray(structure.foote_novelty(S, L))
""", "test_novelty"),
    # Part 4: peak picking
    Mistake("boundaries_in_frames", "pick_boundaries",
            _boundaries(scale="", edges="times[(times / fps >= edge) & (times / fps <= len(a) / fps - edge)]"),
            "test_pick_boundaries"),
    Mistake("boundaries_local_maxima_only", "pick_boundaries",
            _boundaries(window="a[n] >= a[max(0, n - 1):n + 2].max()"), "test_pick_boundaries"),
    Mistake("boundaries_call_pick_peaks", "pick_boundaries", BOUNDARIES + """
    from mirlib.features import pick_peaks
    times = pick_peaks(np.asarray(curve, dtype=float), fps, threshold=threshold, pre_max=min_distance,
                       post_max=min_distance, combine=min_distance)
    return times[(times >= edge) & (times <= len(curve) / fps - edge)]
""", "test_pick_boundaries"),
    # Part 5: boundary F-measure
    Mistake("f_window_as_full_width", "boundary_f",
            _boundary_f(match="mir_eval.util.match_events(ref, est, window / 2)"), "test_boundary_f"),
    Mistake("f_many_to_one", "boundary_f", _boundary_f(match="[e for e in est if np.min(np.abs(ref - e)) <= window]"),
            "test_boundary_f"),
    Mistake("f_calls_mir_eval_detection", "boundary_f", BOUNDARY_F + """
    ref, est = np.sort(reference), np.sort(estimated)
    end = max(ref.max(), est.max() if len(est) else 0) + 10
    inside = lambda t: np.c_[np.r_[0.0, t], np.r_[t, end]]
    return mir_eval.segment.detection(inside(ref), inside(est), window, trim=True)[2] if len(est) else 0.0
""", "test_boundary_f"),
    # Part 6: the whole chain
    Mistake("segment_kernel_size_in_seconds", "segment", _segment(size=8), "test_segment"),
]

CATALOGUE["structure"] = STRUCTURE


BEAT_F = "def beat_f_measure(reference, estimated, window=0.07):\n"
TEMPO = "def estimate_tempo(activation, fps, min_bpm=60, max_bpm=200, prior=120, width=1.0):\n"
DP = "def track_beats_dp(activation, fps, tempo, alpha=100):\n"
TRACK = "def track(activation, fps):\n"


def _beat_f(prepare="", match="mir_eval.util.match_events(ref, est, window)"):
    return BEAT_F + f"""
    ref, est = np.asarray(reference, dtype=float), np.asarray(estimated, dtype=float)
    {prepare}
    if not len(ref) or not len(est):
        return 0.0
    matched = len({match})
    p, r = matched / len(est), matched / len(ref)
    return 2 * p * r / (p + r) if p + r else 0.0
"""


def _tempo(centre="a - a.mean()",
           weight="np.exp(-0.5 * (np.log2(bpm / prior) / width) ** 2)"):
    return TEMPO + f"""
    a = np.asarray(activation, dtype=float)
    a = {centre}
    lags = np.arange(int(round(60 * fps / max_bpm)), int(round(60 * fps / min_bpm)) + 1)
    r = np.array([np.dot(a[:len(a) - k], a[k:]) for k in lags])
    bpm = 60 * fps / lags
    weight = {weight}
    return float(bpm[np.argmax(r * weight)])
"""


def _dp(penalty="alpha * np.log((t - tau) / p) ** 2",
        start="max(0, len(a) - int(round(p)))"):
    return DP + f"""
    a = np.asarray(activation, dtype=float)
    p = 60 * fps / tempo
    C, back = a.copy(), np.full(len(a), -1)
    for t in range(len(a)):
        hi = t - int(round(p / 2))
        if hi < 0:
            continue
        tau = np.arange(max(0, t - int(round(2 * p))), hi + 1)
        candidates = C[tau] - {penalty}
        best = int(np.argmax(candidates))
        C[t], back[t] = a[t] + candidates[best], tau[best]
    start = {start}
    beat = start + int(np.argmax(C[start:]))
    frames = [beat]
    while back[frames[-1]] >= 0:
        frames.append(back[frames[-1]])
    return np.array(frames[::-1], dtype=float) / fps
"""


BEATS = [
    # Part 1: beat F-measure
    Mistake("beat_f_window_as_full_width", "beat_f_measure",
            _beat_f(match="mir_eval.util.match_events(ref, est, window / 2)"), "test_beat_f_measure"),
    Mistake("beat_f_many_to_one", "beat_f_measure",
            _beat_f(match="[e for e in est if np.min(np.abs(ref - e)) <= window]"), "test_beat_f_measure"),
    Mistake("beat_f_discards_first_5_s", "beat_f_measure",
            _beat_f(prepare="ref, est = mir_eval.beat.trim_beats(ref), mir_eval.beat.trim_beats(est)"),
            "test_beat_f_measure"),
    Mistake("beat_f_calls_mir_eval", "beat_f_measure", BEAT_F + """
    return mir_eval.beat.f_measure(np.asarray(reference), np.asarray(estimated), f_measure_threshold=window)
""", "test_beat_f_measure"),
    # Part 2: tempo
    Mistake("tempo_no_prior", "estimate_tempo", _tempo(weight="np.ones_like(bpm)"), "test_estimate_tempo"),
    Mistake("tempo_mean_not_removed", "estimate_tempo", _tempo(centre="a"), "test_estimate_tempo"),
    Mistake("tempo_calls_librosa", "estimate_tempo", TEMPO + """
    import librosa
    return float(librosa.feature.tempo(onset_envelope=np.asarray(activation, dtype=float), sr=fps * 512,
                                       hop_length=512, start_bpm=prior)[0])
""", "test_estimate_tempo"),
    # Part 3: dynamic programming
    Mistake("dp_linear_penalty", "track_beats_dp", _dp(penalty="alpha * ((t - tau - p) / p) ** 2"),
            "test_track_beats_dp"),
    Mistake("dp_backtrace_from_the_last_frame", "track_beats_dp", _dp(start="len(a) - 1"), "test_track_beats_dp"),
    Mistake("dp_calls_librosa", "track_beats_dp", DP + """
    import librosa
    return librosa.beat.beat_track(onset_envelope=np.asarray(activation, dtype=float), sr=fps * 512, hop_length=512,
                                   bpm=tempo, tightness=alpha, units="time")[1]
""", "test_track_beats_dp"),
    # Part 4: real songs
    Mistake("track_half_tempo", "track", TRACK + """
    return track_beats_dp(activation, fps, estimate_tempo(activation, fps) / 2)
""", "test_track"),
    Mistake("track_calls_madmom_dbn", "track", TRACK + """
    from madmom.features.beats import DBNBeatTrackingProcessor
    return DBNBeatTrackingProcessor(fps=fps)(np.asarray(activation, dtype=np.float32))
""", "test_track"),
]

CATALOGUE["beats"] = BEATS


# -- bass: the bass transcription's input, targets, augmentation, decision and scores --------

CQT = 'def semitone_cqt(y, sr):\n    import librosa\n'
TARGETS = "def frame_targets(beats, pitches, n_frames, fps):\n"
BEAT_PITCH = "def beat_pitches(activation, beats, fps):\n"
TRANSPOSE = "def transpose(features, targets, shift):\n"
ACC = "def accuracies(reference, estimated):\n"


def _cqt(fmin='librosa.note_to_hz("C1")', hop=1024, per_octave=12, out="np.log10(1 + 10 * C.T)"):
    return CQT + f"""    C = np.abs(librosa.cqt(y, sr=sr, hop_length={hop}, fmin={fmin}, n_bins=84, bins_per_octave={per_octave}))
    return {out}
"""


def _targets(last="np.median(np.diff(beats))", value="pitch - bass.PITCHES[0]", before="-1"):
    return TARGETS + f"""    beats = np.asarray(beats, dtype=float)
    edges = np.append(beats, beats[-1] + {last})
    times = np.arange(n_frames) / fps
    target = np.full(n_frames, -1)
    target[times < beats[0]] = {before}
    for k, pitch in enumerate(pitches):
        target[(times >= edges[k]) & (times < edges[k + 1])] = {value}
    return target
"""


def _beat_pitches(score="np.log(np.maximum(A, 1e-7))[frames].sum(axis=0)", out="bass.PITCHES[best]"):
    return BEAT_PITCH + f"""    A = np.asarray(activation, dtype=float)
    beats = np.asarray(beats, dtype=float)
    edges = np.append(beats, beats[-1] + np.median(np.diff(beats)))
    times = np.arange(len(A)) / fps
    out = []
    for start, end in zip(edges[:-1], edges[1:]):
        frames = (times >= start) & (times < end)
        best = int(np.argmax({score}))
        out.append({out})
    return np.array(out)
"""


def _transpose(fill="""    if shift >= 0:
        shifted[:, shift:] = F[:, :F.shape[1] - shift]
    else:
        shifted[:, :shift] = F[:, -shift:]
""", moved="np.where(t >= 0, t + shift, -1)", drop="moved[(moved < 0) | (moved >= len(bass.PITCHES))] = -1"):
    return TRANSPOSE + f"""    F = np.asarray(features, dtype=float)
    shifted = np.zeros_like(F)
{fill}    t = np.asarray(targets)
    moved = {moved}
    {drop}
    return shifted, moved
"""


def _accuracies(found="est >= 0", chroma="est % 12 == ref % 12", share="np.mean"):
    return ACC + f"""    ref, est = np.asarray(reference), np.asarray(estimated)
    found = {found}
    return float({share}(found & (est == ref))), float({share}(found & ({chroma})))
"""


BASS = [
    # Part 1: the semitone CQT
    Mistake("cqt_from_c2", "semitone_cqt", _cqt(fmin='librosa.note_to_hz("C2")'), "test_semitone_cqt"),
    Mistake("cqt_frequency_first", "semitone_cqt", _cqt(out="np.log10(1 + 10 * C)"), "test_semitone_cqt"),
    Mistake("cqt_quarter_tones", "semitone_cqt", _cqt(per_octave=24), "test_semitone_cqt"),
    Mistake("cqt_power", "semitone_cqt", _cqt(out="np.log10(1 + 10 * C.T ** 2)"), "test_semitone_cqt"),
    Mistake("cqt_hop_512", "semitone_cqt", _cqt(hop=512), "test_semitone_cqt"),
    Mistake("cqt_calls_mirlib", "semitone_cqt", CQT + "    return features.BASS(y, sr)\n", "test_semitone_cqt"),
    # Part 2: frame-wise targets
    Mistake("targets_are_midi_pitches", "frame_targets", _targets(value="pitch"), "test_frame_targets"),
    Mistake("targets_first_pitch_before_first_beat", "frame_targets",
            _targets(before="pitches[0] - bass.PITCHES[0]"), "test_frame_targets"),
    Mistake("targets_last_beat_lasts_the_mean_beat", "frame_targets", _targets(last="np.mean(np.diff(beats))"),
            "test_frame_targets"),
    Mistake("targets_last_beat_to_the_end", "frame_targets", _targets(last="n_frames / fps"), "test_frame_targets"),
    Mistake("targets_call_mirlib", "frame_targets", TARGETS + """    from types import SimpleNamespace
    return bass.frame_targets(SimpleNamespace(beats=np.asarray(beats, dtype=float), pitches=pitches), n_frames, fps)
""", "test_frame_targets"),
    # Part 3: one pitch per beat
    Mistake("beat_sums_probabilities", "beat_pitches", _beat_pitches(score="A[frames].sum(axis=0)"),
            "test_beat_pitches"),
    Mistake("beat_takes_the_largest_probability", "beat_pitches", _beat_pitches(score="A[frames].max(axis=0)"),
            "test_beat_pitches"),
    Mistake("beat_returns_indices", "beat_pitches", _beat_pitches(out="best"), "test_beat_pitches"),
    Mistake("beat_majority_of_frames", "beat_pitches",
            _beat_pitches(score="np.bincount(A[frames].argmax(axis=1), minlength=A.shape[1])"), "test_beat_pitches"),
    Mistake("beat_calls_mirlib", "beat_pitches", BEAT_PITCH + """    return bass.beat_pitches(activation, beats, fps=fps)
""", "test_beat_pitches"),
    # Part 4: transposition
    Mistake("transpose_wraps_around", "transpose", _transpose(fill="    shifted = np.roll(F, shift, axis=1)\n"),
            "test_transpose"),
    Mistake("transpose_leaves_targets", "transpose", _transpose(moved="t.copy()"), "test_transpose"),
    Mistake("transpose_clips_targets", "transpose",
            _transpose(drop="moved = np.where(t >= 0, np.clip(moved, 0, len(bass.PITCHES) - 1), -1)"),
            "test_transpose"),
    Mistake("transpose_moves_missing_targets", "transpose", _transpose(moved="t + shift"), "test_transpose"),
    Mistake("transpose_calls_mirlib", "transpose", TRANSPOSE + """    return bass.transpose(features, targets, shift)
""", "test_transpose"),
    # Part 5: accuracies
    Mistake("chroma_keeps_the_octave", "accuracies", _accuracies(chroma="est == ref"), "test_accuracies"),
    Mistake("chroma_counts_misses", "accuracies", _accuracies(found="np.ones(len(est), bool)"), "test_accuracies"),
    Mistake("accuracy_over_found_beats_only", "accuracies",
            _accuracies(share="(lambda hits: hits.sum() / max(1, (est >= 0).sum()))"), "test_accuracies"),
    Mistake("accuracies_call_mir_eval", "accuracies", ACC + """    import mir_eval
    ref = mir_eval.melody.hz2cents(440.0 * 2 ** ((np.asarray(reference, dtype=float) - 69) / 12))
    est = mir_eval.melody.hz2cents(440.0 * 2 ** ((np.asarray(estimated, dtype=float) - 69) / 12))
    voiced = np.ones(len(ref))
    return (float(mir_eval.melody.raw_pitch_accuracy(voiced, ref, voiced, est)),
            float(mir_eval.melody.raw_chroma_accuracy(voiced, ref, voiced, est)))
""", "test_accuracies"),
]

CATALOGUE["bass"] = BASS


# -- music-speech: excerpts, file decisions, leave one recording out, calibration ------------

EXCERPTS = "def cut_excerpts(S, n_frames, hop):\n"
FILE_P = "def file_probabilities(p_music, recording):\n"
DECIDE = '''

def decide(p):
    return "music" if p >= 0.5 else "speech"
'''
LORO = "def leave_one_recording_out(X, y, recording):\n"
ECE = "def expected_calibration_error(y_true, p, n_bins=10):\n"


def _excerpts(pad="np.concatenate([S, np.zeros((n_frames - len(S), S.shape[1]), dtype=S.dtype)])",
              stop="len(S) - n_frames + 1"):
    return EXCERPTS + f"""    S = np.asarray(S, dtype=np.float32)
    if len(S) < n_frames:
        S = {pad}
    starts = range(0, {stop}, hop)
    return np.stack([S[s:s + n_frames] for s in starts])
"""


def _file_p(score="float(p_music[recording == name].mean())", decide=DECIDE):
    return FILE_P + f"""    p_music, recording = np.asarray(p_music, dtype=float), np.asarray(recording)
    return {{name: {score} for name in np.unique(recording)}}
""" + decide


def _loro(split="""    for name in np.unique(recording):
        test = recording == name
        model = make_model().fit(X[~test], y[~test])
        p[test] = model.predict_proba(X[test])[:, 1]
"""):
    return LORO + f"""    recording = np.asarray(recording)
    p = np.zeros(len(y))
{split}    return p
"""


def _ece(which="np.clip(np.ceil(p * n_bins).astype(int) - 1, 0, n_bins - 1)",
         weight="inside.mean()"):
    return ECE + f"""    y_true, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    which = {which}
    ece = 0.0
    for b in range(n_bins):
        inside = which == b
        if inside.any():
            ece += {weight} * abs(p[inside].mean() - y_true[inside].mean())
    return float(ece)
"""


MUSIC_SPEECH = [
    # Part 1: excerpts
    Mistake("excerpts_miss_the_last", "cut_excerpts", _excerpts(stop="len(S) - n_frames"), "test_cut_excerpts"),
    Mistake("excerpts_pad_at_the_start", "cut_excerpts",
            _excerpts(pad="np.concatenate([np.zeros((n_frames - len(S), S.shape[1]), dtype=S.dtype), S])"),
            "test_cut_excerpts"),
    Mistake("excerpts_keep_a_padded_partial_one", "cut_excerpts", EXCERPTS + """    S = np.asarray(S, dtype=np.float32)
    n = max(1, int(np.ceil((len(S) - n_frames) / hop)) + 1)
    S = np.concatenate([S, np.zeros(((n - 1) * hop + n_frames - len(S) + n_frames, S.shape[1]), dtype=S.dtype)])
    return np.stack([S[k * hop:k * hop + n_frames] for k in range(n)])
""", "test_cut_excerpts"),
    Mistake("excerpts_no_padding", "cut_excerpts", _excerpts(pad="S"), "test_cut_excerpts"),
    Mistake("excerpts_call_mirlib", "cut_excerpts", EXCERPTS + "    return features.excerpts(S, n_frames, hop)\n",
            "test_cut_excerpts"),
    # Part 2: file decisions
    Mistake("file_median", "file_probabilities", _file_p(score="float(np.median(p_music[recording == name]))"),
            "test_file_probabilities"),
    Mistake("file_vote_of_excerpts", "file_probabilities",
            _file_p(score="float(np.mean(p_music[recording == name] >= 0.5))"), "test_file_probabilities"),
    Mistake("file_mean_of_everything", "file_probabilities", _file_p(score="float(p_music.mean())"),
            "test_file_probabilities"),
    Mistake("decide_strictly_above_half", "file_probabilities",
            _file_p(decide=DECIDE.replace("p >= 0.5", "p > 0.5")), "test_file_probabilities"),
    # Part 3: leave one recording out
    Mistake("loro_trains_on_everything", "leave_one_recording_out", _loro(split="""    model = make_model().fit(X, y)
    for name in np.unique(recording):
        test = recording == name
        p[test] = model.predict_proba(X[test])[:, 1]
"""), "test_leave_one_recording_out"),
    Mistake("loro_folds_of_excerpts", "leave_one_recording_out", _loro(split="""    folds = np.arange(len(y)) % 3
    for k in range(3):
        test = folds == k
        p[test] = make_model().fit(X[~test], y[~test]).predict_proba(X[test])[:, 1]
"""), "test_leave_one_recording_out"),
    Mistake("loro_probability_of_speech", "leave_one_recording_out", _loro(split="""    for name in np.unique(recording):
        test = recording == name
        p[test] = make_model().fit(X[~test], y[~test]).predict_proba(X[test])[:, 0]
"""), "test_leave_one_recording_out"),
    Mistake("loro_calls_sklearn", "leave_one_recording_out", LORO + """    from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict
    return cross_val_predict(make_model(), X, y, groups=recording, cv=LeaveOneGroupOut(), method="predict_proba")[:, 1]
""", "test_leave_one_recording_out"),
    # Part 4: calibration
    Mistake("ece_bins_not_weighted", "expected_calibration_error", _ece(weight="(1 / len(np.unique(which)))"),
            "test_expected_calibration_error"),
    Mistake("ece_bins_closed_on_the_left", "expected_calibration_error",
            _ece(which="np.clip(np.floor(p * n_bins).astype(int), 0, n_bins - 1)"), "test_expected_calibration_error"),
    Mistake("ece_of_the_predicted_class", "expected_calibration_error", ECE + """    y_true, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    confidence, correct = np.maximum(p, 1 - p), ((p >= 0.5) == (y_true == 1)).astype(float)
    which = np.clip(np.ceil(confidence * n_bins).astype(int) - 1, 0, n_bins - 1)
    return float(sum((which == b).mean() * abs(confidence[which == b].mean() - correct[which == b].mean())
                     for b in range(n_bins) if (which == b).any()))
""", "test_expected_calibration_error"),
    Mistake("ece_calls_mirlib", "expected_calibration_error", ECE + """    return evaluation.calibration(y_true, p, n_bins)[1]
""", "test_expected_calibration_error"),
]

CATALOGUE["music-speech"] = MUSIC_SPEECH


# -- moods: multi-label targets, sigmoid head, ROC-AUC per mood, fine-tuning ------------------

MULTI_HOT = "def multi_hot(mood_lists):\n"
MOOD_MODEL = "def mood_model(base, n_moods, learning_rate):\n"
AUC_MOOD = "def roc_auc_per_mood(Y_true, Y_score):\n"
FINE_TUNE = "def fine_tune(base, X, Y):\n"


def _mood_model(activation="sigmoid", loss="binary_crossentropy"):
    return MOOD_MODEL + f"""    outputs = keras.layers.Dense(n_moods, activation="{activation}", name="moods")(base.output)
    model = keras.Model(base.input, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="{loss}")
    return model
"""


def _fine_tune(freeze="base.trainable = False", unfreeze="base.trainable = True",
               recompile='model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")'):
    return FINE_TUNE + f"""    keras.utils.set_random_seed(0)
    {freeze}
    model = mood_model(base, Y.shape[1], 1e-2)
    model.fit(X, Y, epochs=15, batch_size=16, verbose=0)
    {unfreeze}
    {recompile}
    model.fit(X, Y, epochs=10, batch_size=16, verbose=0)
    return model
"""


MOODS = [
    # Part 1: multi-label targets
    Mistake("multi_hot_first_mood_only", "multi_hot", MULTI_HOT + """    Y = np.zeros((len(mood_lists), len(moods.MOODS)), dtype=int)
    for i, names in enumerate(mood_lists):
        if names:
            Y[i, moods.MOODS.index(names[0])] = 1
    return Y
""", "test_multi_hot"),
    Mistake("multi_hot_alphabetical_columns", "multi_hot", MULTI_HOT + """    order = sorted(moods.MOODS)
    Y = np.zeros((len(mood_lists), len(order)), dtype=int)
    for i, names in enumerate(mood_lists):
        for name in names:
            if name not in order:
                raise ValueError(f"unknown mood {name!r}")
            Y[i, order.index(name)] = 1
    return Y
""", "test_multi_hot"),
    Mistake("multi_hot_ignores_unknown_moods", "multi_hot", MULTI_HOT + """    Y = np.zeros((len(mood_lists), len(moods.MOODS)), dtype=int)
    for i, names in enumerate(mood_lists):
        for name in names:
            if name in moods.MOODS:
                Y[i, moods.MOODS.index(name)] = 1
    return Y
""", "test_multi_hot"),
    Mistake("multi_hot_calls_sklearn", "multi_hot", MULTI_HOT + """    from sklearn.preprocessing import MultiLabelBinarizer
    return MultiLabelBinarizer(classes=list(moods.MOODS)).fit_transform(mood_lists)
""", "test_multi_hot"),
    # Part 2: sigmoid head, binary cross-entropy
    Mistake("head_softmax", "mood_model", _mood_model(activation="softmax"), "test_mood_model"),
    Mistake("head_categorical_cross_entropy", "mood_model", _mood_model(loss="categorical_crossentropy"),
            "test_mood_model"),
    Mistake("head_mean_squared_error", "mood_model", _mood_model(loss="mse"), "test_mood_model"),
    # Part 3: ROC-AUC per mood
    Mistake("auc_ties_count_nothing", "roc_auc_per_mood", AUC_MOOD + """    Y_true, Y_score = np.asarray(Y_true), np.asarray(Y_score, dtype=float)
    return np.array([np.mean(Y_score[Y_true[:, j] == 1, j][:, None] > Y_score[Y_true[:, j] == 0, j][None, :])
                     for j in range(Y_true.shape[1])])
""", "test_roc_auc_per_mood"),
    Mistake("auc_of_all_moods_together", "roc_auc_per_mood", AUC_MOOD + """    y, s = np.asarray(Y_true).ravel(), np.asarray(Y_score, dtype=float).ravel()
    diff = s[y == 1][:, None] - s[y == 0][None, :]
    return np.full(np.asarray(Y_true).shape[1], np.mean((diff > 0) + 0.5 * (diff == 0)))
""", "test_roc_auc_per_mood"),
    Mistake("auc_calls_sklearn", "roc_auc_per_mood", AUC_MOOD + """    from sklearn.metrics import roc_auc_score
    return np.array([roc_auc_score(Y_true[:, j], Y_score[:, j]) for j in range(Y_true.shape[1])])
""", "test_roc_auc_per_mood"),
    # Part 4: fine-tuning
    Mistake("tune_never_frozen", "fine_tune", _fine_tune(freeze="pass"), "test_fine_tune"),
    Mistake("tune_never_unfrozen", "fine_tune", _fine_tune(unfreeze="pass"), "test_fine_tune"),
    Mistake("tune_without_compiling_again", "fine_tune", _fine_tune(recompile="pass"), "test_fine_tune"),
    Mistake("tune_at_the_same_rate", "fine_tune",
            _fine_tune(recompile='model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")'),
            "test_fine_tune"),
]

CATALOGUE["moods"] = MOODS
