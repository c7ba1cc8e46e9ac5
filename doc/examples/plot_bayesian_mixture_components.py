"""
How many components? BIC against a Dirichlet-process mixture
============================================================

Two ways to choose the number of components of a Gaussian mixture on real
data, the 178 wines of scikit-learn's ``load_wine`` (13 chemical
measurements, three cultivars, standardised):

* fit a :class:`skgen.mixture.GaussianMixture` for each number of
  components and keep the lowest Bayesian information criterion (BIC);
* fit one :class:`skgen.mixture.BayesianGaussianMixture` with more
  components than needed and a Dirichlet-process prior on the weights, and
  read how many components keep a weight that matters.

The Bayesian fit costs one fit instead of one per candidate, and the
weights' prior concentration says how readily new components open.
"""

# %%
# Data and the BIC curve
# ----------------------
# Diagonal covariances: 13 features and 178 rows leave too few rows for
# full covariance matrices per component.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_wine
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from skgen.mixture import BayesianGaussianMixture, GaussianMixture

wine = load_wine()
X = StandardScaler().fit_transform(wine.data)
candidates = np.arange(1, 9)
bic = [
    GaussianMixture(k, covariance_type="diag", n_init=5, random_state=0).fit(X).bic(X)
    for k in candidates
]
best_k = int(candidates[np.argmin(bic)])
by_bic = GaussianMixture(best_k, covariance_type="diag", n_init=5, random_state=0)
print(f"BIC chooses {best_k} components")

# %%
# One Dirichlet-process mixture of up to 8 components
# ---------------------------------------------------
# A small concentration (``weight_concentration_prior``) makes components
# costly, a large one cheap. Components of weight under 5% are counted as
# unused.
concentrations = [1e-3, 100.0]
fits = {
    gamma: BayesianGaussianMixture(
        n_components=8,
        covariance_type="diag",
        weight_concentration_prior=gamma,
        n_init=5,
        max_iter=1000,
        random_state=0,
    ).fit(X)
    for gamma in concentrations
}
for gamma, model in fits.items():
    effective = int(np.sum(model.weights_ > 0.05))
    ari = adjusted_rand_score(wine.target, model.predict(X))
    print(f"concentration {gamma:g}: {effective} effective components, ARI {ari:.2f}")
print(
    f"BIC's {best_k}-component mixture: ARI "
    f"{adjusted_rand_score(wine.target, by_bic.fit_predict(X)):.2f}"
)

# %%
# The two answers side by side
# ----------------------------
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(candidates, bic, marker="o")
left.axvline(best_k, color="grey", linestyle=":")
left.set(xlabel="number of components", ylabel="BIC (lower is better)")
left.set_title("GaussianMixture, one fit per size")
width = 0.4
for offset, (gamma, model) in zip((-width / 2, width / 2), fits.items()):
    right.bar(
        np.arange(1, 9) + offset,
        np.sort(model.weights_)[::-1],
        width=width,
        label=f"concentration {gamma:g}",
    )
right.axhline(0.05, color="grey", linestyle=":")
right.set(xlabel="component (by weight)", ylabel="posterior mean weight")
right.set_title("BayesianGaussianMixture, one fit")
right.legend()
fig.tight_layout()
plt.show()

# %%
# BIC picks four components. The Dirichlet-process fit with a small
# concentration keeps three components above 5% weight -- the three
# cultivars, matched more closely (higher adjusted Rand index) -- and opens a
# fourth when the concentration is large. The weights' threshold is a
# choice, as BIC's penalty is.
