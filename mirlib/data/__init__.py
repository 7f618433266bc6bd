"""Data: real recordings, annotation files, research datasets, augmentation.

Submodules
----------
recordings
    librosa's example recordings and madmom's annotated test recordings
    (downloaded on first use, sha256-checked, cached).
annotations
    Readers of onset, beat, tempo and drum annotation files; frame-wise
    targets from event times; :class:`Piece`, an annotated recording.
datasets
    GTZAN and MTG-Jamendo mood/theme through mirdata.
pairs
    Pairs and triplets for metric learning, from labels or a tag similarity.
augment
    Audio data augmentation (gain, noise, pitch shift, time stretch).
debian
    Data from Debian packages: the installed copy, or the sha256-checked
    package from Debian's archive.
fsdd
    The Free Spoken Digit Dataset: real isolated spoken words by six
    speakers, split by speaker (pooch, checksummed).
speech
    Real recorded speech from another source than training (CMU Sphinx's
    test recordings, Debian's pocketsphinx-testdata).
mdb_drums
    MDB Drums: 23 real songs with drum onsets by class and beats with bar
    positions (the book's four validation tracks; pooch, checksummed).
drumkits
    Real recorded drum kits (Hydrogen's, from Debian's hydrogen-drumkits):
    one-shots by velocity layer, and the kit split of drum transcription.
midi
    Drum transcriptions as General MIDI drum tracks (pretty_midi).

Generated data with exact annotations lives in :mod:`mirlib.synth`.
"""

from . import augment, datasets, debian, drumkits, fsdd, mdb_drums, pairs, speech
from .midi import GM_DRUM_NOTES, read_drum_midi, write_drum_midi
from .annotations import (DRUM_CODES, DRUMS, ONSET_WINDOW, Piece, combine_onsets, event_targets, load_beats, load_drums,
                          load_onsets, load_tempo)
from .recordings import (EXAMPLES, MADMOM_ATTRIBUTION, MADMOM_FILES, data_dir, example, example_attribution,
                         examples_joined, madmom_file)

__all__ = ["EXAMPLES", "example", "examples_joined", "example_attribution", "data_dir", "madmom_file", "MADMOM_FILES",
           "MADMOM_ATTRIBUTION", "DRUMS", "DRUM_CODES", "ONSET_WINDOW", "load_onsets", "combine_onsets", "load_beats", "load_tempo", "load_drums",
           "event_targets", "Piece", "augment", "datasets", "pairs", "drumkits", "mdb_drums", "fsdd", "debian", "speech", "GM_DRUM_NOTES", "write_drum_midi",
           "read_drum_midi"]
