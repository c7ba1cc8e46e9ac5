"""
Sampling from a kernel density, for each of the six kernels
============================================================

:class:`skgen.neighbors.KernelDensity` draws samples from all six of
scikit-learn's kernels (scikit-learn's own ``KernelDensity.sample`` covers the
gaussian and the tophat only). Each sample picks a training row, by its
weight, and adds a radius drawn exactly from the kernel's radial distribution
(in one dimension: a distance with density ``k(t)``, on a random side).

Here a KDE of twelve points is fitted with each kernel; the histogram of
50,000 samples is drawn over the density that ``score_samples`` gives.
"""

# %%
# Twelve training points in two clusters
# --------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from skgen.neighbors import KernelDensity

rng = np.random.default_rng(0)
X = np.concatenate([rng.normal(-1.5, 0.6, 7), rng.normal(2.0, 0.4, 5)])[:, None]
grid = np.linspace(-4.5, 4.5, 901)[:, None]

# %%
# Density and samples, kernel by kernel
# -------------------------------------
# ``sample`` returns the samples and the training row each is centred on.
kernels = ["gaussian", "tophat", "epanechnikov", "exponential", "linear", "cosine"]
fig, axes = plt.subplots(2, 3, figsize=(11, 5.5), sharex=True, sharey=True)
for kernel, ax in zip(kernels, axes.ravel()):
    kde = KernelDensity(kernel=kernel, bandwidth=0.6, random_state=0).fit(X)
    samples, rows = kde.sample(50_000)
    ax.hist(samples[:, 0], bins=120, range=(-4.5, 4.5), density=True, alpha=0.5)
    ax.plot(grid[:, 0], np.exp(kde.score_samples(grid)), color="black", lw=1.2)
    ax.plot(X[:, 0], np.zeros(len(X)), "|", color="crimson", markersize=12)
    ax.set_title(kernel)
    print(f"{kernel:>12}: mean of the samples {samples.mean():+.3f}")
axes[0, 0].set_ylabel("density")
axes[1, 0].set_ylabel("density")
fig.suptitle("Histogram of 50,000 samples and exp(score_samples); ticks: data")
fig.tight_layout()
plt.show()

# %%
# Every kernel's samples have the data's mean, ``X.mean()``, within the
# Monte-Carlo error: each kernel is symmetric about its training row.
print(f"mean of the data {X.mean():+.3f}")
