"""The research literature on deep learning in MIR, as data.

The survey *Deep Neural Networks in MIR* (Müller, Weiß & Balke, 2017) sorts
publications by task and describes each system by its network type, its input
representation and its preprocessing. The book keeps that overview in one
file, ``book/literature.csv``, with a row per publication:

========== ===================================================================
column     meaning
========== ===================================================================
key        BibTeX key in ``book/references.bib``
survey_ref number in the survey's bibliography (empty for rows the book added)
table_ref  the ``[n]`` of the survey's overview tables (empty if not there)
task       task code (:data:`TASKS`)
year       year of publication
venue      conference or journal, abbreviated
network    network type (:data:`NETWORKS`)
input      input representation (:data:`INPUTS`)
preprocessing  feature preprocessing (:data:`PREPROCESSING`)
source     where the row's description comes from (:data:`SOURCES`)
chapter    the book's page that runs this system (file name without suffix)
note       remarks, e.g. inconsistencies found in the survey
========== ===================================================================

Everything the literature chapter shows (its interactive table and its charts)
is computed from this file by the functions here.

References
----------
M. Müller, C. Weiß and S. Balke, "Deep Neural Networks in MIR", tutorial at the
47th annual conference of the Gesellschaft für Informatik, 2017: its overview
tables by task (year, authors, network type, input, preprocessing) and its
figures of publications by conference, year, task, network, input and
preprocessing.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

__all__ = ["TASKS", "NETWORKS", "INPUTS", "PREPROCESSING", "SOURCES", "COLUMNS", "SHOWN", "load_literature",
           "count_by", "plot_counts", "for_readers", "show_table", "load_results"]

#: Task codes. FL, BRA and MSA are the survey's own; the others are the book's,
#: for the bibliography entries outside the survey's three overview tables.
TASKS = {
    "FL": "feature learning",
    "BRA": "beat and rhythm analysis",
    "MSA": "music structure analysis",
    "MT": "music transcription",
    "CR": "chord recognition",
    "KEY": "key estimation",
    "MEL": "melody and F0 estimation",
    "SVD": "singing voice detection",
    "SS": "source separation",
    "DT": "drum transcription",
    "CLS": "classification and tagging",
    "CMR": "cross-modal retrieval and alignment",
    "DATA": "datasets and evaluation",
}
#: Network types, in the survey's abbreviations where it has one.
NETWORKS = {
    "FNN": "feed-forward (fully connected) network",
    "CNN": "convolutional network",
    "DBN": "deep belief network",
    "RNN": "recurrent network (cell type not named in the title)",
    "RNN-LSTM": "recurrent network of LSTM cells",
    "RNN-BLSTM": "bidirectional recurrent network of LSTM cells",
    "RNN-BGRU": "bidirectional recurrent network of GRU cells",
    "CRNN": "convolutional recurrent network",
    "DNN": "a neural network of a type that title and abstract do not name",
    "none": "no neural network (a dataset, an evaluation or a classical method)",
    "—": "none given in the survey's table",
    "unknown": "not known to the book",
}
#: Input representations, in the survey's abbreviations.
INPUTS = {
    "Raw": "raw waveform",
    "LinS": "linear-frequency magnitude spectrogram",
    "LogS": "logarithmic-frequency spectrogram",
    "LogLogS": "logarithmic-frequency spectrogram with logarithmic magnitude",
    "MelS": "mel spectrogram",
    "LogMelS": "log-mel spectrogram",
    "SSM": "self-similarity matrix",
    "HC": "hand-crafted features",
    "n/a": "not applicable",
    "—": "none given in the survey's table",
    "unknown": "not known to the book",
}
#: Feature preprocessing, in the survey's abbreviations.
PREPROCESSING = {
    "PCA": "principal component analysis (whitening)",
    "DERIV": "temporal derivative (difference) of the features",
    "HPSS": "harmonic-percussive source separation",
    "STDF": "STDF (abbreviation kept as in the survey's table)",
    "n/a": "not applicable",
    "—": "none given in the survey's table",
    "unknown": "not known to the book",
}
#: Where a row's task, network, input and preprocessing come from.
SOURCES = {
    "survey table": "the survey's overview tables, copied exactly",
    "book: title and abstract": "the book's own reading of the publication's title and abstract",
    "added by the book": "a publication the book added (not in the survey)",
}
#: The columns of the literature file, in order.
COLUMNS = ("key", "survey_ref", "table_ref", "task", "year", "venue", "network", "input", "preprocessing", "source",
           "chapter", "note")
_VOCABULARY = {"task": TASKS, "network": NETWORKS, "preprocessing": PREPROCESSING, "source": SOURCES}


def _check_row(n, row, keys):
    where = f"row {n} ({row.get('key') or 'no key'})"
    for column in ("key", "task", "year", "venue", "network", "input", "preprocessing", "source"):
        if not (row.get(column) or "").strip():
            raise ValueError(f"literature file, {where}: empty {column!r}")
    if row["key"] in keys:
        raise ValueError(f"literature file, {where}: key {row['key']!r} appears twice")
    if not re.fullmatch(r"(19|20)\d\d", row["year"]):
        raise ValueError(f"literature file, {where}: year {row['year']!r} is not a four-digit year")
    for column in ("survey_ref", "table_ref"):
        if row[column] and not row[column].isdigit():
            raise ValueError(f"literature file, {where}: {column} {row[column]!r} is not a number")
    for column, vocabulary in _VOCABULARY.items():
        if row[column] not in vocabulary:
            raise ValueError(f"literature file, {where}: unknown {column} {row[column]!r} "
                             f"(known: {', '.join(vocabulary)})")
    for part in row["input"].split(", "):
        if part not in INPUTS:
            raise ValueError(f"literature file, {where}: unknown input {part!r} (known: {', '.join(INPUTS)})")
    if (row["source"] == "added by the book") != (not row["survey_ref"]):
        raise ValueError(f"literature file, {where}: a row has a survey_ref exactly when it is not added by the book")
    if row["table_ref"] and row["source"] != "survey table":
        raise ValueError(f"literature file, {where}: a row from the survey's tables must have source 'survey table'")


def _plain(latex):
    """BibTeX text as plain text: LaTeX accents decoded, braces removed."""
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec; comes with pybtex)

    return " ".join(codecs.decode(latex, "ulatex").replace("{", "").replace("}", "").split())


def _short_authors(persons):
    last = [_plain(" ".join(p.last_names)) for p in persons]
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


def load_literature(path, bib=None):
    """Read and check the literature file.

    Parameters
    ----------
    path : str or Path
        The CSV file (``book/literature.csv``), columns :data:`COLUMNS`.
    bib : str or Path, optional
        The BibTeX file (``book/references.bib``). When given, every key must be
        in it, and the columns ``authors`` (e.g. ``"Böck and Schedl"``,
        ``"Ullrich et al."``) and ``title`` are added from it.

    Returns
    -------
    pandas.DataFrame, shape ``(n_publications, n_columns)``
        One row per publication; ``year`` and ``survey_ref`` are integers
        (``survey_ref`` is ``<NA>`` for rows the book added).

    Raises
    ------
    FileNotFoundError
        If ``path`` or ``bib`` does not exist.
    ValueError
        If a column is missing, a required value is empty, a key appears twice
        or is not in ``bib``, a year is not a year, or a task, network, input,
        preprocessing or source is not in its vocabulary; the message names the
        row and the value.

    References
    ----------
    The survey of Müller, Weiß & Balke (2017); see the module's references.

    Examples
    --------
    >>> import io, tempfile, os
    >>> text = ("key,survey_ref,table_ref,task,year,venue,network,input,preprocessing,source,chapter,note\\n"
    ...         "ullrich2014boundary,83,75,MSA,2014,ISMIR,CNN,LogMelS,—,survey table,,\\n")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "lit.csv")
    ...     _ = open(p, "w", encoding="utf-8").write(text)
    ...     df = load_literature(p)
    >>> df.loc[0, ["key", "task", "year", "network"]].tolist()
    ['ullrich2014boundary', 'MSA', 2014, 'CNN']
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"literature file not found: {path}")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"literature file {path}: missing column(s) {', '.join(missing)}")
        rows, keys = [], set()
        for n, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise ValueError(f"literature file {path}, line {n}: wrong number of fields")
            _check_row(n, row, keys)
            keys.add(row["key"])
            rows.append(row)
    if not rows:
        raise ValueError(f"literature file {path} has no rows")
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df["year"] = df["year"].astype(int)
    df["survey_ref"] = pd.array([int(v) if v else None for v in df["survey_ref"]], dtype="Int64")
    if bib is not None:
        import pybtex.database

        bib = Path(bib)
        if not bib.is_file():
            raise FileNotFoundError(f"BibTeX file not found: {bib}")
        entries = pybtex.database.parse_file(str(bib)).entries
        unknown = [k for k in df["key"] if k not in entries]
        if unknown:
            raise ValueError(f"literature file {path}: key(s) not in {bib.name}: {', '.join(unknown)}")
        df["authors"] = [_short_authors(entries[k].persons.get("author", [])) for k in df["key"]]
        df["title"] = [_plain(entries[k].fields["title"]) for k in df["key"]]
    return df


def count_by(df, column):
    """Publications counted by the values of one column and by source.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`load_literature`.
    column : str
        ``"year"``, ``"venue"``, ``"task"``, ``"network"``, ``"input"`` or
        ``"preprocessing"``. An input such as ``"LogMelS, SSM"`` counts once for
        each representation.

    Returns
    -------
    pandas.DataFrame, shape ``(n_values, n_sources)``
        Counts; rows are the column's values (years in order, others by total,
        largest first), columns the sources of :data:`SOURCES` present.

    Raises
    ------
    ValueError
        If ``column`` is not one of the above.

    References
    ----------
    The survey of Müller, Weiß & Balke (2017); see the module's references.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"input": ["LogMelS", "LogMelS, SSM", "Raw"], "source": ["survey table"] * 3})
    >>> count_by(df, "input")["survey table"].to_dict()
    {'LogMelS': 2, 'Raw': 1, 'SSM': 1}
    """
    import pandas as pd

    if column not in ("year", "venue", "task", "network", "input", "preprocessing"):
        raise ValueError(f"cannot count by {column!r}: use year, venue, task, network, input or preprocessing")
    values = df[column].astype(str)
    if column == "input":
        values = values.str.split(", ")
    long = pd.DataFrame({column: values.to_numpy(), "source": df["source"].to_numpy()})
    long = long.explode(column, ignore_index=True)
    table = pd.crosstab(long[column], long["source"])
    table = table[[s for s in SOURCES if s in table.columns]]
    if column == "year":
        return table.sort_index()
    order = table.sum(axis=1).sort_values(ascending=False, kind="stable")
    return table.loc[order.index]


def plot_counts(df, column, ax=None, title=None):
    """Bar chart of :func:`count_by`, stacked by source.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`load_literature`.
    column : str
        As for :func:`count_by`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    title : str, optional
        Defaults to "Publications by <column>".

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per source; the bar heights are the counts.

    Raises
    ------
    ValueError
        If ``column`` cannot be counted (see :func:`count_by`).

    References
    ----------
    The survey of Müller, Weiß & Balke (2017); see the module's references.
    """
    import matplotlib.pyplot as plt

    table = count_by(df, column)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    labels = [str(v) for v in table.index]
    bottom = None
    colours = {"survey table": "C0", "book: title and abstract": "C1", "added by the book": "C2"}
    for source in table.columns:
        heights = table[source].to_numpy()
        ax.bar(labels, heights, bottom=bottom, label=source, color=colours[source])
        bottom = heights if bottom is None else bottom + heights
    ax.set_ylabel("publications")
    ax.set_title(title or f"Publications by {column}")
    ax.legend(fontsize="small", frameon=False)
    if len(labels) > 8:
        ax.tick_params(axis="x", labelrotation=60)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.figure.tight_layout()
    return ax


#: The columns :func:`show_table` shows by default, in order.
SHOWN = ("authors", "year", "title", "task", "venue", "network", "input", "preprocessing", "source", "chapter")


def for_readers(df, columns=SHOWN):
    """The literature as a reader sees it: task codes spelled out, chapters as links.

    Parameters
    ----------
    df : pandas.DataFrame, shape ``(n_publications, n_columns)``
        From :func:`load_literature` (with ``bib`` given for authors and title).
    columns : sequence of str
        The columns to keep, in order.

    Returns
    -------
    pandas.DataFrame, shape ``(n_publications, len(columns))``
        A copy; ``task`` reads e.g. ``"music structure analysis (MSA)"`` and
        ``chapter`` is an HTML link to the chapter's page (``onsets.html``).

    Raises
    ------
    KeyError
        If a column is not in ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"task": ["BRA"], "chapter": ["beats"]})
    >>> for_readers(df, ["task", "chapter"]).iloc[0].tolist()
    ['beat and rhythm analysis (BRA)', '<a href="beats.html">beats</a>']
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"columns not in the table: {', '.join(missing)} (load it with bib= for authors and title)")
    shown = df[list(columns)].copy()
    if "task" in shown:
        shown["task"] = [f"{TASKS[t]} ({t})" for t in shown["task"]]
    if "chapter" in shown:
        shown["chapter"] = [f'<a href="{c}.html">{c}</a>' if c else "" for c in shown["chapter"]]
    return shown


def show_table(df, columns=SHOWN):
    """Show the literature as an interactive table (itables) that works offline.

    The DataTables library is embedded in the output (itables' offline mode),
    so the table can be searched, filtered per column and sorted on the static
    website without a kernel or a CDN. The rows are shown as
    :func:`for_readers` writes them. The table is the survey's overview
    (Müller, Weiß & Balke, *Deep Neural Networks in MIR*, 2017), extended.

    Parameters
    ----------
    df : pandas.DataFrame, shape ``(n_publications, n_columns)``
        From :func:`load_literature` with ``bib`` given (for authors and title).
    columns : sequence of str
        The columns to show, in order.

    Raises
    ------
    KeyError
        If a column is not in ``df``.
    """
    import itables

    shown = for_readers(df, columns)
    itables.init_notebook_mode(all_interactive=False, connected=False)
    itables.show(shown, connected=False, allow_html=True, showIndex=False, lengthMenu=[10, 25, 100],
                 pageLength=10, classes="display compact", scrollX=True,
                 columnControl=["order", ["orderAsc", "orderDesc", "search"]], maxBytes=0)


def load_results(path):
    """Read a results table of the literature (e.g. ``book/literature-salami.csv``).

    Parameters
    ----------
    path : str or Path
        CSV with columns ``study, key, dataset, tolerance_s, algorithm, metric,
        value`` (one measured figure per row; ``value`` in [0, 1]).

    Returns
    -------
    dict of {(str, float): pandas.DataFrame}
        For each (study, tolerance in seconds), a table with one row per
        algorithm (in file order) and one column per metric.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a column is missing or a value is not a number in [0, 1].

    References
    ----------
    ``book/literature-salami.csv`` holds the structure-boundary results on
    SALAMI as the survey of Müller, Weiß & Balke (2017) reports them: Ullrich,
    Schlüter & Grill, ISMIR 2014 (tolerance 0.5 s and 3 s) and Grill &
    Schlüter, ISMIR 2015 (0.5 s).
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"results file not found: {path}")
    df = pd.read_csv(path, dtype={"value": str})
    need = ["study", "key", "dataset", "tolerance_s", "algorithm", "metric", "value"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ValueError(f"results file {path}: missing column(s) {', '.join(missing)}")
    values = pd.to_numeric(df["value"], errors="coerce")
    bad = df[values.isna() | (values < 0) | (values > 1)]
    if len(bad):
        row = bad.iloc[0]
        raise ValueError(f"results file {path}: value {row['value']!r} of {row['algorithm']!r} is not in [0, 1]")
    df["value"] = values
    out = {}
    for (study, tol), group in df.groupby(["study", "tolerance_s"], sort=False):
        table = group.pivot_table(index="algorithm", columns="metric", values="value", sort=False)
        table.columns.name = None
        out[(study, float(tol))] = table[list(dict.fromkeys(group["metric"]))]
    return out
