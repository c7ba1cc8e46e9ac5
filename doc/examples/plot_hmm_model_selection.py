"""
Choosing the number of hidden states: BIC and grouped cross-validation
======================================================================

Forty sequences are drawn from a three-state Gaussian HMM. Models with one to
six states are compared two ways: by BIC on all the data, and by the held-out
log-likelihood of whole sequences under :class:`~sklearn.model_selection.GroupKFold`.
Passing ``sequence_ids`` through scikit-learn's metadata routing keeps every
sequence inside one fold, so the held-out score is that of unseen sequences.
Each model keeps the best of five EM starts (``n_init=5``): a single random
start can stop in a poor optimum and make a model look worse than it is.
"""

# %%
# Data: 40 sequences of 150 steps from a known 3-state model.
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold, cross_validate

from skgen.hmm import GaussianHMM

truth = GaussianHMM(n_components=3, covariance_type="full", init_params="")
truth.startprob_ = np.array([0.6, 0.3, 0.1])
truth.transmat_ = np.array([[0.90, 0.08, 0.02], [0.05, 0.90, 0.05], [0.02, 0.08, 0.90]])
truth.means_ = np.array([[0.0, 0.0], [3.0, 2.0], [-2.0, 3.0]])
truth.covars_ = np.array([np.eye(2) * 0.6, [[1.0, 0.4], [0.4, 0.5]], np.eye(2) * 0.8])
truth.n_features_in_ = 2

sequences = [truth.sample(150, random_state=seed)[0] for seed in range(40)]
X = np.vstack(sequences)
ids = np.repeat(np.arange(40), 150)

# %%
# BIC on all the data, and grouped cross-validation of whole sequences.
candidates = range(1, 7)
bic, cv_mean, cv_std = [], [], []
with sklearn.config_context(enable_metadata_routing=True):
    for n_states in candidates:
        model = GaussianHMM(
            n_states, covariance_type="full", n_iter=50, n_init=5, random_state=0
        )
        bic.append(model.fit(X, sequence_ids=ids).bic(X))
        scores = cross_validate(
            GaussianHMM(
                n_states, covariance_type="full", n_iter=50, n_init=5, random_state=0
            ),
            X,
            cv=GroupKFold(n_splits=5),
            params={"sequence_ids": ids, "groups": ids},
        )["test_score"]
        cv_mean.append(scores.mean())
        cv_std.append(scores.std())

print(
    "BIC picks",
    candidates[int(np.argmin(bic))],
    "states;",
    "grouped CV picks",
    candidates[int(np.argmax(cv_mean))],
    "states",
)

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
left.plot(candidates, bic, "o-")
left.set_xlabel("number of states")
left.set_ylabel("BIC (lower is better)")
right.errorbar(candidates, cv_mean, yerr=cv_std, fmt="o-", capsize=3)
right.set_xlabel("number of states")
right.set_ylabel("held-out log-likelihood per row")
right.set_title("GroupKFold over whole sequences")
for ax in (left, right):
    ax.axvline(3, color="grey", ls=":", lw=1)
fig.tight_layout()
plt.show()
