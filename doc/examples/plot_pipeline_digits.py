"""
New digits in one call: a Gaussian mixture in a PCA space, sampled in pixels
============================================================================

A :class:`skgen.pipeline.GenerativePipeline` chains preprocessing and a
generative model. Here the 8x8 digits of ``load_digits`` (64 pixels) are
projected on their first 20 principal components, a
:class:`skgen.mixture.GaussianMixture` is fitted there, and ``sample`` draws
rows from the mixture *and* maps them back through ``PCA.inverse_transform``:
one call returns new 64-pixel images.

The number of mixture components is chosen by BIC. A PCA that drops
dimensions leaves no density of the pixels, so the pipeline is built with
``density_space="model"``: its ``bic`` is that of the mixture in the PCA
space, comparable here because every candidate shares the same fitted PCA.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

from skgen.mixture import GaussianMixture
from skgen.pipeline import make_generative_pipeline

X, _ = load_digits(return_X_y=True)
print(f"{X.shape[0]} digits of {X.shape[1]} pixels")

# %%
# Choose the mixture by BIC, in the PCA space
# -------------------------------------------
# The PCA is deterministic, so each pipeline fits the same projection and
# their BICs measure the mixtures on the same 20-dimensional rows.
pipe = make_generative_pipeline(
    PCA(20, random_state=0),
    GaussianMixture(covariance_type="full", random_state=0),
    density_space="model",
)
bics = {}
for n_components in (2, 5, 10, 20):
    pipe.set_params(gaussianmixture__n_components=n_components).fit(X)
    bics[n_components] = pipe.bic(X)
    print(f"{n_components:3d} components: BIC {bics[n_components]:10.1f}")
best = min(bics, key=bics.get)
pipe.set_params(gaussianmixture__n_components=best).fit(X)
print(f"kept {best} components")

# %%
# Sample digits in pixel space, in one call
# -----------------------------------------
# ``sample`` draws from the mixture, then applies ``PCA.inverse_transform``.
# The Gaussian tails reach slightly outside the pixel range, [0, 16]: the
# images are clipped for display only. A mixture's ``sample`` returns its rows
# grouped by the component that drew them, so similar digits come together.
digits, components = pipe.sample(40, random_state=0)
print(f"generated {digits.shape}, pixels from {digits.min():.1f} to {digits.max():.1f}")

fig, axes = plt.subplots(6, 10, figsize=(8, 5.2))
rows = np.vstack([X[:20], np.clip(digits, 0, 16)])
for ax, image in zip(axes.ravel(), rows):
    ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("data", fontsize=9)
axes[1, 0].set_ylabel("data", fontsize=9)
for row in range(2, 6):
    axes[row, 0].set_ylabel("generated", fontsize=9)
fig.suptitle(
    f"Top: training digits. Below: sampled from a {best}-component mixture "
    "in a 20-D PCA space"
)
fig.subplots_adjust(wspace=0.05, hspace=0.05, top=0.92)
plt.show()
