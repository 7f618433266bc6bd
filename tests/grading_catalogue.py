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
