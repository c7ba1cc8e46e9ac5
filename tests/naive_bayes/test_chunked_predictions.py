"""Predictions in blocks of rows: the same numbers, memory bounded by a block."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from skgen.naive_bayes import (
    BernoulliNB,
    CategoricalNB,
    ComplementNB,
    GaussianNB,
    MultinomialNB,
)
from skgen.utils import _chunking

METHODS = [
    "predict",
    "predict_proba",
    "predict_log_proba",
    "predict_joint_log_proba",
    "score_samples",
]


def data(seed=0, n_samples=1000):
    rng = np.random.default_rng(seed)
    X = rng.poisson(2.0, size=(n_samples, 4))
    y = rng.choice(np.array(["a", "b", "c"]), size=n_samples)
    return X, y


@pytest.mark.parametrize(
    "model",
    [GaussianNB(), MultinomialNB(), BernoulliNB(), CategoricalNB(), ComplementNB()],
)
@pytest.mark.parametrize("kind", ["dense", "dataframe", "sparse"])
def test_blocks_of_rows_give_the_whole_array_results(model, kind, monkeypatch):
    X, y = data()
    if kind == "sparse":
        if not isinstance(model, (MultinomialNB, BernoulliNB, ComplementNB)):
            pytest.skip("dense input only")
        X = sparse.csr_matrix(X)
    elif kind == "dataframe":
        X = pd.DataFrame(X, columns=list("abcd"))
    model.fit(X, y)
    whole = {method: getattr(model, method)(X) for method in METHODS}
    monkeypatch.setattr(_chunking, "BLOCK_ROWS", 300)  # 4 blocks, the last short
    for method in METHODS:
        blocks = getattr(model, method)(X)
        assert blocks.dtype == whole[method].dtype
        np.testing.assert_array_equal(blocks, whole[method])
