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
    Mistake("sf_one_frame_short", "spectral_flux", SF + """
    S = np.asarray(S, dtype=float)
    return np.maximum(np.diff(S, axis=0), 0.0).sum(axis=1)
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
    Mistake("eval_window_25_ms", "evaluate", EVAL + """
    return mir_eval.onset.f_measure(np.asarray(reference), np.asarray(estimated), window=0.025)
""", "test_evaluate"),
    # Part 4: architecture
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
    Mistake("train_sgd_tiny_learning_rate", "train", """def train(model, X, Y, W):
    model.compile(optimizer=keras.optimizers.SGD(0.001), loss="binary_crossentropy")
    model.fit(X, Y, sample_weight=W, batch_size=8, epochs=30, verbose=0)
    return model
""" + TRAIN_CALL, "test_train"),
]

CATALOGUE["rnn"] = RNN
