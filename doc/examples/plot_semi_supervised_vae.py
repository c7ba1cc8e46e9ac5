"""
A semi-supervised VAE on digits: classes from 5% of the labels, and style
=========================================================================

:class:`skgen.neural.SemiSupervisedVAE` (Kingma et al.'s "M2") learns a
classifier ``q(y | x)`` together with a generative model ``p(x | y, z)`` of
the digits, in which the class ``y`` and a continuous latent ``z`` (the
"style") make a digit. Unlabeled rows train the classifier too: their loss
sums the ELBO over the classes, weighted by the classifier's own
probabilities.

Here 5% of the training digits (67 of 1,347) keep their label. The test
accuracy is printed beside scikit-learn's ``LabelSpreading`` and a logistic
regression on the labelled digits alone. The figure decodes the same eight
latent points as each class (one row per class): a column keeps its style
(slant, thickness) across the digits, since the class is no part of ``z``.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import LabelSpreading

from skgen.neural import SemiSupervisedVAE

# 80 epochs keep the example short; the loss is still (slowly) improving.
warnings.simplefilter("ignore", ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)
rng = np.random.RandomState(0)
partial = np.full(len(y_train), -1)
for digit in range(10):  # a share of each class keeps its label
    rows = np.flatnonzero(y_train == digit)
    keep = rng.choice(rows, int(round(0.05 * len(rows))), replace=False)
    partial[keep] = digit
labelled = partial >= 0
print(f"{labelled.sum()} labelled digits of {len(partial)}")

# %%
# The semi-supervised VAE against two baselines
# ---------------------------------------------
model = SemiSupervisedVAE(
    n_components=4,
    hidden_layer_sizes=(256,),
    likelihood="bernoulli",
    alpha=3.0,
    learning_rate_init=0.003,
    max_iter=80,
    random_state=0,
).fit(X_train, partial)
spreading = LabelSpreading(kernel="knn", n_neighbors=7).fit(X_train, partial)
alone = LogisticRegression(max_iter=1000).fit(X_train[labelled], y_train[labelled])
for name, estimator in [
    ("SemiSupervisedVAE", model),
    ("LabelSpreading (knn)", spreading),
    ("LogisticRegression, labelled rows only", alone),
]:
    print(f"{name:40s} test accuracy {estimator.score(X_test, y_test):.3f}")

# %%
# Class and style: the same latent points decoded as every digit
# --------------------------------------------------------------
Z = np.random.RandomState(1).standard_normal((8, model.n_components))
fig, axes = plt.subplots(10, 8, figsize=(5, 6.2))
for digit in range(10):
    images = model.inverse_transform(Z, y=digit)
    for column in range(8):
        ax = axes[digit, column]
        ax.imshow(images[column].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
fig.suptitle("One row per class, one latent point (style) per column")
plt.show()
