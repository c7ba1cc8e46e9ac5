"""
A GAN on the ring and the grid of Gaussians: modes captured, epoch by epoch
===========================================================================

The two 2-D tests of the mode-collapse literature (VEEGAN, PacGAN): a ring of
8 Gaussians of standard deviation 0.02 on a circle of radius 2, and a 5x5
grid of 25 Gaussians of standard deviation 0.05. A generator that collapses
puts all its rows on a few modes; one that blurs puts them between the modes.

:class:`skgen.neural.GAN` is trained with ``warm_start=True``, a few epochs
at a time, and its generated rows (blue) are drawn over the modes (red) after
each stretch. A generated row counts as "high quality" when it lies within 3
standard deviations of a mode. The networks are small and the runs short, so
that the example runs in seconds; ``benchmarks/bench_gan.py`` trains longer
(10,000 rows, 400 epochs) and reaches every mode with 97% (ring) and 94%
(grid) of the rows on them.
"""

# %%
import itertools

import matplotlib.pyplot as plt
import numpy as np

from skgen.neural import GAN


def ring(n, rng):
    angles = 2 * np.pi * np.arange(8) / 8
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    return centres, 0.02, centres[rng.randint(8, size=n)]


def grid(n, rng):
    centres = np.array(list(itertools.product(range(-4, 5, 2), repeat=2)), float)
    return centres, 0.05, centres[rng.randint(25, size=n)]


def coverage(samples, centres, std):
    """Modes with a high-quality row nearest to them, and the share of
    high-quality rows."""
    distances = np.linalg.norm(samples[:, None, :] - centres[None], axis=2)
    high_quality = distances.min(axis=1) < 3 * std
    modes = np.unique(distances.argmin(axis=1)[high_quality]).size
    return modes, high_quality.mean()


# %%
# Train a few epochs at a time and draw the generated rows
# --------------------------------------------------------
# Noise of 2 dimensions, as PacGAN's 2-D experiments; the discriminator sees
# the rows in pairs (``pac=2``, the default), which penalises a generator that
# covers few modes.
problems = [
    ("ring", ring, (64, 64), [5, 25, 100, 500]),
    ("grid", grid, (128, 128), [5, 25, 100, 400]),
]
rng = np.random.RandomState(0)
fig, axes = plt.subplots(2, 4, figsize=(12, 7))
for row, (name, make, hidden, epochs) in zip(axes, problems):
    centres, std, means = make(4000, rng)
    X = means + std * rng.standard_normal(means.shape)
    gan = GAN(
        n_components=2,
        hidden_layer_sizes=hidden,
        n_parzen=500,
        warm_start=True,
        random_state=0,
    )
    done = 0
    for ax, epoch in zip(row, epochs):
        gan.set_params(max_iter=epoch - done).fit(X)
        done = epoch
        samples, _ = gan.sample(2500, random_state=0)
        modes, high_quality = coverage(samples, centres, std)
        ax.scatter(samples[:, 0], samples[:, 1], s=1, alpha=0.3, color="C0")
        ax.scatter(centres[:, 0], centres[:, 1], s=8, color="C3")
        ax.set_title(
            f"{name}, epoch {epoch}\n{modes}/{len(centres)} modes, "
            f"{high_quality:.0%} high quality",
            fontsize=9,
        )
        limit = 2.6 if name == "ring" else 5.2
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    print(f"{name}: {modes} modes, {high_quality:.1%} high-quality rows")
fig.tight_layout()
plt.show()

# %%
# The two players' losses
# -----------------------
# Neither loss goes to zero: at the game's equilibrium the discriminator
# cannot tell the rows apart and its loss (two cross-entropies) is
# 2 log 2 = 1.39, the generator's log 2 = 0.69. A discriminator loss near
# zero means the discriminator has won and the generator stopped learning
# (:class:`~sklearn.exceptions.ConvergenceWarning`).
curve = np.array(gan.loss_curve_)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(curve[:, 0], label="discriminator")
ax.plot(curve[:, 1], label="generator")
ax.axhline(2 * np.log(2), color="gray", lw=0.8, ls="--")
ax.axhline(np.log(2), color="gray", lw=0.8, ls=":")
ax.set_xlabel("epoch")
ax.set_ylabel("mean loss")
ax.set_title("Grid: losses per epoch")
ax.legend()
fig.tight_layout()
plt.show()
