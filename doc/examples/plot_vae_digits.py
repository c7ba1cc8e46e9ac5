"""
A variational autoencoder on digits: generated digits and the latent space
==========================================================================

:class:`skgen.neural.VAE` with a Bernoulli decoder is fitted to the 8x8
digits of ``load_digits`` (pixels scaled to [0, 1]), twice:

* a conditional VAE (``fit(X, y)``) with 8 latent dimensions, which generates
  digits of a chosen class (top: ten decoded digits per class);
* a VAE with a 2-D latent space, whose latent means (``transform``) are drawn
  coloured by the digit: classes gather in regions of the latent space
  although the model never saw a label.

The held-out importance-weighted log-likelihood (``score_samples``) is
printed.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skgen.neural import VAE

# 150 epochs keep the example short; the loss is still (slowly) improving.
warnings.simplefilter("ignore", ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)

# %%
# A conditional VAE generates digits of a chosen class
# ----------------------------------------------------
conditional = VAE(
    n_components=8,
    hidden_layer_sizes=(256, 128),
    likelihood="bernoulli",
    max_iter=150,
    random_state=0,
).fit(X_train, y_train)
print(
    f"held-out log-likelihood (IWAE, nats per digit): {conditional.score(X_test):.2f}"
)
Z = np.random.RandomState(0).standard_normal((10, 8))
fig, axes = plt.subplots(10, 10, figsize=(6, 6))
for digit in range(10):
    images = conditional.inverse_transform(Z, y=digit)
    for column in range(10):
        ax = axes[digit, column]
        ax.imshow(images[column].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
fig.suptitle("Conditional VAE: one row per class, same latent points per column")
plt.show()

# %%
# A 2-D latent space, coloured by the (unseen) class
# --------------------------------------------------
plain = VAE(
    n_components=2,
    hidden_layer_sizes=(256, 128),
    likelihood="bernoulli",
    max_iter=150,
    random_state=0,
).fit(X_train)
latent = plain.transform(X_test)
fig, ax = plt.subplots(figsize=(6, 5))
points = ax.scatter(latent[:, 0], latent[:, 1], c=y_test, cmap="tab10", s=12)
fig.colorbar(points, ax=ax, label="digit")
ax.set_xlabel("latent 1")
ax.set_ylabel("latent 2")
ax.set_title("Latent means of held-out digits (fitted without labels)")
plt.show()
