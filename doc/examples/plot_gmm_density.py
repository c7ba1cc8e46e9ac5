"""
Density of a Gaussian mixture, and samples drawn from it
=========================================================

A :class:`skgen.mixture.GaussianMixture` with full covariances is fitted to
three stretched blobs. Its log-density (``score_samples``) is drawn as
contours, and new points drawn with ``sample`` are laid over it, coloured by
the component that generated them.
"""

# %%
# Data: three elongated, rotated blobs.
import matplotlib.pyplot as plt
import numpy as np

from skgen.mixture import GaussianMixture

rng = np.random.default_rng(0)


def blob(centre, scales, angle, n):
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return centre + (rng.standard_normal((n, 2)) * scales) @ rotation.T


X = np.vstack(
    [
        blob([0.0, 0.0], [2.0, 0.5], 0.6, 300),
        blob([5.0, 4.0], [1.0, 0.3], -0.9, 200),
        blob([-3.0, 5.0], [0.7, 0.7], 0.0, 150),
    ]
)

# %%
# Fit, then evaluate the log-density on a grid and draw new points.
gm = GaussianMixture(n_components=3, covariance_type="full", random_state=0).fit(X)

xx, yy = np.meshgrid(np.linspace(-8, 10, 250), np.linspace(-4, 9, 250))
log_density = gm.score_samples(np.column_stack([xx.ravel(), yy.ravel()]))
X_new, labels = gm.sample(300, random_state=1)

fig, ax = plt.subplots(figsize=(7, 5))
contours = ax.contour(
    xx, yy, log_density.reshape(xx.shape), levels=np.linspace(-12, -1.5, 12), cmap="Greys"
)
ax.scatter(X[:, 0], X[:, 1], s=4, c="lightgrey", label="training rows")
ax.scatter(X_new[:, 0], X_new[:, 1], s=10, c=labels, cmap="viridis", label="sampled rows")
fig.colorbar(contours, ax=ax, label="log p(x)")
ax.set_title(f"GaussianMixture: BIC {gm.bic(X):.0f}, mean log-likelihood {gm.score(X):.2f}")
ax.legend(loc="lower right")
ax.set_aspect("equal")
plt.show()
