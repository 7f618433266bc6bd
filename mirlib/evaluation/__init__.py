"""Evaluation as the field reports it, and results tables.

Submodules
----------
events
    Onset and beat F-measure with a tolerance window in seconds, CMLt/AMLt,
    tempo Acc1/Acc2 (mir_eval).
classification
    Accuracy, confusion matrix, per-tag ROC-AUC/PR-AUC/F, reliability and
    expected calibration error (scikit-learn).
retrieval
    Precision@k, recall@k and (mean) average precision of rankings by
    distance, ties handled.
pitch
    Beat-wise pitch accuracy of a bass line, exact and octave-forgiving (mir_eval).
tables
    Several methods scored on the same annotated pieces, as a table.
"""

from .classification import accuracy, calibration, confusion_matrix, tag_scores
from .events import (beat_scores, boundary_scores, check_times, drum_scores, match_events, onset_scores,
                     recall_by_instrument, score_transcriptions, scores_from_counts, tempo_scores)
from .pitch import beat_pitch_scores, pitches_at_beats
from .retrieval import (average_precision, distance_matrix, precision_at_k, recall_at_k, relevance_map,
                        retrieval_scores)
from .tables import compare, score_piece

__all__ = ["onset_scores", "drum_scores", "scores_from_counts", "score_transcriptions", "recall_by_instrument", "beat_scores",
           "tempo_scores", "boundary_scores",
           "match_events", "check_times", "beat_pitch_scores", "pitches_at_beats",
           "accuracy", "confusion_matrix", "tag_scores", "calibration", "compare", "score_piece", "precision_at_k", "recall_at_k",
           "average_precision", "distance_matrix", "retrieval_scores", "relevance_map"]
