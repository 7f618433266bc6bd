"""The literature file behind the literature chapter: complete, consistent with the bibliography and the survey."""

import re

import numpy as np
import pybtex.database
import pytest

from mirlib import literature
from nbgrading import ROOT

LIT = ROOT / "book" / "literature.csv"
BIB = ROOT / "book" / "references.bib"
# the survey's overview tables, copied from the seed documents into the repository (27 lines of facts)
SURVEY_TABLES = ROOT / "tests" / "fixtures" / "survey_tables.tsv"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def survey():
    return literature.load_literature(LIT, bib=BIB)


@pytest.fixture(scope="module")
def bib():
    return pybtex.database.parse_file(str(BIB)).entries


def test_every_row_has_a_known_key_a_task_and_the_bibliography_year(survey, bib):
    assert len(survey) == survey["key"].nunique()
    for row in survey.itertuples():
        assert row.key in bib, row.key
        assert row.task in literature.TASKS and literature.TASKS[row.task]
        assert row.year == int(bib[row.key].fields["year"]), f"{row.key}: year {row.year}"


def test_all_survey_bibliography_entries_are_rows(survey, bib):
    numbered = {}
    for key, entry in bib.items():
        m = re.search(r"Survey bibliography \[(\d+)\]", entry.fields.get("note", ""))
        if m:
            numbered[int(m.group(1))] = key
    # the survey's bibliography is numbered 1-86 but skips 57 (85 entries)
    assert sorted(numbered) == [n for n in range(1, 87) if n != 57]
    rows = survey.dropna(subset=["survey_ref"])
    assert dict(zip(rows["survey_ref"].astype(int), rows["key"])) == numbered
    added = survey[survey["survey_ref"].isna()]
    assert set(added["source"]) == {"added by the book"}


def test_rows_of_the_survey_tables_are_copied_exactly(survey):
    """The 27 rows of the seed's overview tables (the structure table is printed twice)."""
    text = SURVEY_TABLES.read_text(encoding="utf-8")
    # where the seed documents are at hand (CI, the authors' machines), the copy is checked against them too
    for seed_file in SEEDS.glob("004_*.txt"):
        seed_text = seed_file.read_text(encoding="utf-8")
        assert all(line in seed_text.splitlines() for line in text.splitlines() if not line.startswith("#"))
    seed = re.findall(r"^(FL|BRA|MSA)\t(\d{4})\t([^\t]+)\t\[(\d+)\]\t([^\t]+)\t([^\t]+)\t([^\t\n]+)$",
                      text, flags=re.M)
    assert len(seed) == 27
    table = survey[survey["source"] == "survey table"]
    assert len(table) == len({(t, y, r) for t, y, _, r, *_ in seed}) == 23
    for task, year, authors, ref, network, inputs, prep in seed:
        row = table[(table["table_ref"] == ref) & (table["task"] == task) & (table["year"] == int(year))]
        assert len(row) == 1, f"{authors} {year} [{ref}] missing"
        row = row.iloc[0]
        assert row["authors"] == authors
        assert (row["network"], row["preprocessing"]) == (network, prep)
        # the seed spells Cohen-Hadria's input once "LogMels, SSM" and once "LogMelS, SSM"
        assert row["input"].lower() == inputs.lower(), f"{authors} {year}: {row['input']} != {inputs}"


def test_rows_the_book_runs_link_to_existing_chapters(survey):
    chapters = survey[survey["chapter"] != ""]
    assert {"boeck2011enhanced", "eyben2010universal", "schlueter2014improved", "lidy2015mirex"} <= set(chapters["key"])
    for name in chapters["chapter"]:
        assert (ROOT / "book" / f"{name}.md").exists(), name


@pytest.mark.parametrize("column", ["year", "venue", "task", "network", "input", "preprocessing"])
def test_charts_are_built_from_the_file(survey, column):
    import matplotlib

    matplotlib.use("Agg")
    ax = literature.plot_counts(survey, column)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    heights = np.sum([[bar.get_height() for bar in c] for c in ax.containers], axis=0)
    counted = dict(zip(labels, heights))
    values = survey[column].astype(str)
    if column == "input":
        values = values.str.split(", ").explode()
    assert counted == {str(k): v for k, v in values.value_counts().items()}
    # another file gives another chart
    fewer = literature.plot_counts(survey[survey["source"] == "survey table"], column)
    assert sum(b.get_height() for c in fewer.containers for b in c) < sum(heights)
    matplotlib.pyplot.close("all")


def _write(tmp_path, rows):
    path = tmp_path / "lit.csv"
    path.write_text(",".join(literature.COLUMNS) + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = "ullrich2014boundary,83,75,MSA,2014,ISMIR,CNN,LogMelS,—,survey table,,"


@pytest.mark.parametrize("row, message", [
    (GOOD.replace("MSA", ""), "empty 'task'"),
    (GOOD.replace("MSA", "XYZ"), "unknown task 'XYZ'"),
    (GOOD.replace("2014", "14"), "not a four-digit year"),
    (GOOD.replace(",CNN,", ",Transformer,"), "unknown network"),
    (GOOD.replace("LogMelS", "\"LogMelS, Chroma\""), "unknown input 'Chroma'"),
    (GOOD.replace(",83,", ",,"), "survey_ref exactly when"),
    (GOOD.replace("survey table", "book: title and abstract"), "must have source 'survey table'"),
    (GOOD + ",extra", "wrong number of fields"),
])
def test_malformed_rows_are_refused_by_name(tmp_path, row, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        literature.load_literature(_write(tmp_path, [row]))


def test_bad_files_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        literature.load_literature(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="appears twice"):
        literature.load_literature(_write(tmp_path, [GOOD, GOOD]))
    with pytest.raises(ValueError, match="no rows"):
        literature.load_literature(_write(tmp_path, []))
    (tmp_path / "short.csv").write_text("key,year\nx,2014\n")
    with pytest.raises(ValueError, match="missing column"):
        literature.load_literature(tmp_path / "short.csv")
    with pytest.raises(ValueError, match="not in references.bib: nosuchkey2099"):
        literature.load_literature(_write(tmp_path, [GOOD.replace("ullrich2014boundary", "nosuchkey2099")]), bib=BIB)
    with pytest.raises(ValueError, match="cannot count by 'title'"):
        literature.count_by(literature.load_literature(_write(tmp_path, [GOOD])), "title")
    with pytest.raises(KeyError, match="authors.*load it with bib="):
        literature.for_readers(literature.load_literature(_write(tmp_path, [GOOD])))


def test_structure_results_reproduce_the_survey(tmp_path):
    results = literature.load_results(ROOT / "book" / "literature-salami.csv")
    assert set(results) == {("Ullrich et al. (2014)", 0.5), ("Grill and Schlüter (2015)", 0.5),
                            ("Ullrich et al. (2014)", 3.0)}
    assert results[("Ullrich et al. (2014)", 0.5)].loc["16s_std_1.5s", "F-measure"] == pytest.approx(0.4646)
    assert results[("Ullrich et al. (2014)", 3.0)].loc["32s_low_6s", "recall"] == pytest.approx(0.7059)
    grill = results[("Grill and Schlüter (2015)", 0.5)]
    assert grill.loc["All features, multi+fine ann.", "F0.58"] == pytest.approx(0.529)
    assert grill["F-measure"].drop(["Upper bound (est.)", "Baseline (est.)"]).is_monotonic_decreasing
    bad = tmp_path / "bad.csv"
    bad.write_text("study,key,dataset,tolerance_s,algorithm,metric,value\nX,k,SALAMI,0.5,A,F-measure,51\n")
    with pytest.raises(ValueError, match="'51' of 'A' is not in"):
        literature.load_results(bad)


def test_what_the_chapter_says_of_the_charts_holds(survey):
    """'ISMIR dominates the venues, and 2016 and 2017 the years ... the log-mel spectrogram is the most common
    input among the known ones.'"""
    assert literature.count_by(survey, "venue").index[0] == "ISMIR"
    assert set(literature.count_by(survey, "year").sum(axis=1).nlargest(2).index) == {"2016", "2017"}
    known = literature.count_by(survey, "input").drop(["unknown", "n/a", "—"])
    assert known.index[0] == "LogMelS"
    families = literature.count_by(survey, "network").sum(axis=1)
    rnn = sum(v for k, v in families.items() if k.startswith("RNN") or k == "CRNN")
    assert families["CNN"] > families["FNN"] + families["DBN"] and rnn > families["FNN"] + families["DBN"]
