"""Hidden Markov models on dask arrays: Baum-Welch with the E-step on the workers."""

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")
da = pytest.importorskip("dask.array")

from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM  # noqa: E402
from tests._dask_helpers import assert_close, blobs, check_samples_in_blocks  # noqa: E402

pytestmark = [
    pytest.mark.usefixtures("dask_client"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]


def hmm_data(family, seed=0):
    """Stacked sequences and their lengths; three regimes of the state."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(30, 90, size=40)
    states = rng.integers(3, size=lengths.sum())
    X = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.5]])[states] + rng.normal(
        size=(lengths.sum(), 2)
    )
    if family == "categorical":
        X = np.digitize(X[:, :1], [-1.0, 1.0, 2.5])
    elif family == "poisson":
        X = np.floor(np.abs(X) * 2)
    return X, lengths


HMM_MODELS = {
    "gaussian-full": lambda: GaussianHMM(3, covariance_type="full"),
    "gaussian-diag": lambda: GaussianHMM(3, covariance_type="diag"),
    "gmm-tied": lambda: GMMHMM(3, n_mix=2, covariance_type="tied"),
    "categorical": lambda: CategoricalHMM(3),
    "poisson": lambda: PoissonHMM(3),
}


def hmm_blocks(X, lengths, per_block=(9, 13, 6, 12)):
    """A dask array whose blocks hold whole sequences (uneven numbers)."""
    ends = np.cumsum(per_block)
    rows = [int(lengths[s:e].sum()) for s, e in zip([0, *ends[:-1]], ends)]
    return da.from_array(X, (tuple(rows), X.shape[1]))


@pytest.mark.parametrize("name", list(HMM_MODELS))
def test_hmm_fit_equals_the_in_memory_fit(name):
    X, lengths = hmm_data(name.split("-")[0])
    params = dict(n_iter=8, tol=0.0, random_state=0)
    ref = HMM_MODELS[name]().set_params(**params).fit(X, lengths=lengths)
    got = HMM_MODELS[name]().set_params(**params)
    got.fit(hmm_blocks(X, lengths), lengths=lengths)
    names = ("startprob_", "transmat_", *ref._emission_parameter_names)
    for attribute in names:
        assert_close(getattr(got, attribute), getattr(ref, attribute))
    assert_close(got.lower_bounds_, ref.lower_bounds_)


def test_hmm_sequence_ids_as_dask_and_predictions():
    X, lengths = hmm_data("gaussian", seed=1)
    ids = np.repeat(np.arange(len(lengths)), lengths)
    dX = hmm_blocks(X, lengths)
    d_ids = da.from_array(ids, (dX.chunks[0],))
    ref = GaussianHMM(3, n_iter=5, tol=0.0, random_state=0).fit(X, lengths=lengths)
    got = GaussianHMM(3, n_iter=5, tol=0.0, random_state=0).fit(dX, sequence_ids=d_ids)
    assert_close(got.means_, ref.means_)
    log_prob = got.score_samples(dX, sequence_ids=ids)
    proba = got.predict_proba(dX, lengths=lengths)
    states = got.predict(dX, lengths=lengths)
    for result in (log_prob, proba, states):
        assert isinstance(result, da.Array)
    assert_close(log_prob.compute(), ref.score_samples(X, lengths=lengths))
    assert_close(proba.compute(), ref.predict_proba(X, lengths=lengths))
    np.testing.assert_array_equal(states.compute(), ref.predict(X, lengths=lengths))
    log_prob_path, _ = got.decode(dX, lengths=lengths)
    assert_close(float(log_prob_path), ref.decode(X, lengths=lengths)[0])
    assert_close(got.score(dX, lengths=lengths), ref.score(X, lengths=lengths))


def test_hmm_sequence_across_blocks_is_an_error():
    X, lengths = hmm_data("gaussian")
    with pytest.raises(
        ValueError,
        match=r"starts at row 50, inside sequence 0 \(rows 0 to 80\).*Rechunk",
    ):
        GaussianHMM(2).fit(da.from_array(X, 50), lengths=lengths)


def test_samples_in_blocks_are_lazy_reproducible_and_from_the_model():
    check_samples_in_blocks(GaussianHMM(3, random_state=0).fit(blobs(seed=7)))


def test_hmm_blocks_sample_one_markov_chain():
    # A left-to-right chain that must not restart at each block.
    model = GaussianHMM(3, init_params="", params="")
    model.startprob_ = np.array([1.0, 0.0, 0.0])
    model.transmat_ = np.array([[0.99, 0.01, 0.0], [0.0, 0.99, 0.01], [0.0, 0.0, 1.0]])
    model.means_ = np.zeros((3, 1))
    model.covars_ = np.ones((3, 1))
    model.n_features_in_ = 1
    model.converged_ = True
    _, states = model.sample(2000, chunks=100, random_state=0)
    states = states.compute()
    assert np.all(np.diff(states) >= 0)
    assert states[-1] == 2


def test_categorical_alphabet_is_all_rows_when_the_start_reads_drawn_rows(
    monkeypatch,
):
    """A categorical HMM's alphabet is all X's, even if the rows drawn to
    initialise it miss the largest symbol."""
    from skgen.utils import _dask as utils_dask

    monkeypatch.setattr(utils_dask, "INIT_SAMPLE_ROWS", 300)
    symbols, lengths = hmm_data("categorical")
    symbols[-1] = 7  # once, in the last row
    hmm = CategoricalHMM(3, n_iter=2, random_state=0)
    hmm.fit(hmm_blocks(symbols, lengths), lengths=lengths)
    assert hmm.n_symbols_ == 8


def test_hmm_partial_fit_on_dask_batches_equals_in_memory(no_materialising):
    X, lengths = hmm_data("gaussian")
    ref = GaussianHMM(3, random_state=0)
    got = GaussianHMM(3, random_state=0)
    first, second = lengths[:22], lengths[22:]
    split = int(first.sum())
    ref.partial_fit(X[:split], lengths=first).partial_fit(X[split:], lengths=second)
    got.partial_fit(hmm_blocks(X[:split], first, (9, 13)), lengths=first)
    got.partial_fit(hmm_blocks(X[split:], second, (6, 12)), lengths=second)
    for attribute in ("startprob_", "transmat_", "means_", "covars_"):
        assert_close(getattr(got, attribute), getattr(ref, attribute))
