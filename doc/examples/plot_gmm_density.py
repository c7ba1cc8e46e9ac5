"""
Density of a Gaussian mixture, and new points drawn from it
===========================================================

A generative model does two things a clustering does not: it gives the
density of any point (``score_samples``) and it draws new points (``sample``).
Here a :class:`skgen.mixture.GaussianMixture` with three full-covariance
components is fitted to three stretched, rotated blobs; its log-density is
drawn as contours, and points drawn from the fitted model are laid over it,
coloured by the component that generated them.
"""

# %%
# Data: three elongated, rotated blobs
# ------------------------------------
# Each blob is a standard normal cloud, stretched along its axes and rotated.
# 650 rows in all.
import matplotlib.pyplot as plt
import numpy as np

from skgen.mixture import GaussianMixture

rng = np.random.default_rng(0)


def blob(centre, scales, angle, n_rows):
    """``n_rows`` points around ``centre``, stretched by ``scales``, rotated."""
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.array([[cos, -sin], [sin, cos]])
    return centre + (rng.standard_normal((n_rows, 2)) * scales) @ rotation.T


X = np.vstack(
    [
        blob([0.0, 0.0], [2.0, 0.5], 0.6, 300),
        blob([5.0, 4.0], [1.0, 0.3], -0.9, 200),
        blob([-3.0, 5.0], [0.7, 0.7], 0.0, 150),
    ]
)

# %%
# Fit the mixture
# ---------------
# Full covariances let each component take the orientation of its blob.
gm = GaussianMixture(n_components=3, covariance_type="full", random_state=0).fit(X)
print("weights:", gm.weights_.round(3))
print("means:\n", gm.means_.round(2))
print(f"mean log-likelihood {gm.score(X):.3f}, BIC {gm.bic(X):.1f}")

# %%
# Density and samples
# -------------------
# ``score_samples`` gives ``log p(x)`` at every point of a grid; ``sample``
# returns new rows together with the component each was drawn from.
xx, yy = np.meshgrid(np.linspace(-8, 12, 200), np.linspace(-6, 9, 150))
grid = np.column_stack([xx.ravel(), yy.ravel()])
log_density = gm.score_samples(grid).reshape(xx.shape)

X_new, labels = gm.sample(300)

fig, ax = plt.subplots(figsize=(8, 5.5))
filled = ax.contourf(
    xx, yy, log_density, levels=np.arange(-12, -1), cmap="Blues", extend="max"
)
ax.contour(xx, yy, log_density, levels=filled.levels, colors="white", linewidths=0.4)
ax.scatter(X[:, 0], X[:, 1], s=5, c="0.45", alpha=0.5, label="training rows")
colours = ["tab:orange", "tab:red", "tab:purple"]
for k, colour in enumerate(colours):
    rows = X_new[labels == k]
    ax.scatter(
        rows[:, 0],
        rows[:, 1],
        s=14,
        color=colour,
        edgecolor="black",
        linewidth=0.3,
        label=f"sampled from component {k}",
    )
ax.scatter(
    gm.means_[:, 0], gm.means_[:, 1], marker="X", s=120, c="black", label="means"
)
fig.colorbar(filled, ax=ax, label="log p(x)  (score_samples)")
ax.set_xlabel("x1")
ax.set_ylabel("x2")
ax.set_title("GaussianMixture(n_components=3, covariance_type='full')")
ax.set_aspect("equal")
ax.legend(loc="lower right", fontsize="small")
fig.tight_layout()
plt.show()

# %%
# Where ``log p(x)`` is below -12 the plot is left blank. Successive calls of
# ``gm.sample`` draw new points; ``gm.sample(300, random_state=0)`` would
# draw the same points every time.
