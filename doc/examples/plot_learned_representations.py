"""
Learned representations: VAE codes and mixture responsibilities against PCA
===========================================================================

A generative model fitted without labels also gives a small description of
each row: the latent means of a :class:`skgen.neural.VAE` (``transform``),
or the responsibilities of a :class:`skgen.mixture.GaussianMixture`
(``predict_proba``: how much each component explains the row). Are they
good features? On the digits, fitted on three quarters of the rows without
their labels, each representation is judged on the held-out quarter in two
ways:

- **k-means**: 10 clusters of the held-out codes, scored by the adjusted Rand
  index (ARI) against the digits (1 is a perfect match, 0 chance);
- **a linear probe**: a logistic regression trained on the training codes
  with their labels, scored by its held-out accuracy.

PCA of the same size is the baseline. At 2 dimensions the VAE's codes keep
more of the classes than PCA's two directions; at 10 PCA catches up (one
seed here; ``benchmarks/results/vae_representation.md`` averages three).
The mixture's 10 responsibilities are close to one-hot, so k-means on them
recovers its components; how well those match the digits is what the ARI
measures.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skgen.mixture import GaussianMixture
from skgen.neural import VAE

# Short fits keep the example quick; the VAE's loss is still improving.
warnings.simplefilter("ignore", ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)


def vae(size):
    return VAE(
        n_components=size,
        hidden_layer_sizes=(256,),
        likelihood="bernoulli",
        max_iter=60,
        random_state=0,
    )


def responsibilities(size):
    # Diagonal covariances on 64 pixels; a little reg_covar for pixels that
    # are always blank.
    model = GaussianMixture(
        size, covariance_type="diag", reg_covar=1e-2, random_state=0
    )
    model.transform = model.predict_proba  # its codes: the responsibilities
    return model


representations = {
    "PCA, 2": PCA(2, random_state=0),
    "VAE, 2": vae(2),
    "PCA, 10": PCA(10, random_state=0),
    "VAE, 10": vae(10),
    "mixture, 10": responsibilities(10),
}

ari, probe = {}, {}
for name, model in representations.items():
    model.fit(X_train)
    scaler = StandardScaler().fit(model.transform(X_train))
    train_codes = scaler.transform(model.transform(X_train))
    test_codes = scaler.transform(model.transform(X_test))
    clusters = KMeans(10, n_init=10, random_state=0).fit_predict(test_codes)
    ari[name] = adjusted_rand_score(y_test, clusters)
    linear = LogisticRegression(max_iter=2000).fit(train_codes, y_train)
    probe[name] = linear.score(test_codes, y_test)
    print(f"{name:12s} k-means ARI {ari[name]:.3f}  linear probe {probe[name]:.3f}")

# %%
# The two scores side by side.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
names = list(representations)
positions = np.arange(len(names))
colors = ["tab:gray", "tab:blue", "tab:gray", "tab:blue", "tab:orange"]
for ax, scores, title in zip(
    axes, (ari, probe), ("k-means ARI", "linear probe accuracy")
):
    ax.barh(positions, [scores[n] for n in names], color=colors)
    ax.set_title(title)
    ax.set_xlim(0, 1)
    for p, n in zip(positions, names):
        ax.text(scores[n] + 0.01, p, f"{scores[n]:.2f}", va="center")
axes[0].set_yticks(positions, names)
axes[0].invert_yaxis()
fig.suptitle("Codes fitted without labels on the digits (held-out quarter)")
fig.tight_layout()
plt.show()
