"""Words as a reader splits them: one tokens function for the scorer and for learning."""

from __future__ import annotations

import scoring.features
import scoring.local.scorer
from scrapers.postings.words import tokens


def test_titles_split_as_a_reader_would():
    assert tokens("Software Engineer Intern-SRE") == ["software", "engineer", "intern", "sre"]
    assert tokens("Co-Op") == tokens("co op") == tokens("Coop") == ["coop"]
    assert tokens("Research Intern (MS/PhD)") == ["research", "intern", "ms", "phd"]
    assert tokens("Sr. Engineer") == ["senior", "engineer"]
    assert tokens("C++ / C# / Node.js") == ["c++", "c#", "node.js"]


def test_accents_fold_and_plurals_match_singulars():
    assert tokens("Développeur Zürich") == ["developpeur", "zurich"]
    assert tokens("recommender systems") == tokens("recommender system")
    assert tokens("Kubernetes analytics") == ["kubernetes", "analytics"]  # not plurals
    assert tokens("Master's degree") == ["master", "degree"]


def test_learning_and_the_local_scorer_share_it():
    assert scoring.features.tokens is tokens
    assert scoring.local.scorer.tokens is tokens
