"""
Learning from unlabeled digits: semi-supervised EM
==================================================

With few labels, a generative classifier can still learn from the rows that
have none: :class:`skgen.classification.SemiSupervisedEMClassifier` runs EM
over them, the class posteriors of the unlabeled rows acting as soft labels
(Nigam et al., 2000). Here Gaussian naive Bayes on 10 principal components of
``load_digits`` (PCA needs no labels, so it sees every training row) is
trained on a fraction of the labels, alone and with EM over the rest; test
accuracy is drawn against the fraction of labels, mean and spread over five
splits. EM helps most where labels are scarce (2% and 5%); with half the
labels it no longer does, since the labeled rows then say more than a
misspecified model of the unlabeled ones.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skgen.classification import SemiSupervisedEMClassifier
from skgen.naive_bayes import GaussianNB

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
fractions = [0.02, 0.05, 0.1, 0.2, 0.5]
alone, semi = np.zeros((5, len(fractions))), np.zeros((5, len(fractions)))
for seed in range(5):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed, stratify=y
    )
    pca = PCA(10, random_state=0).fit(X_train)
    Z_train, Z_test = pca.transform(X_train), pca.transform(X_test)
    draws = np.random.RandomState(seed).rand(len(y_train))
    for i, fraction in enumerate(fractions):
        labeled = draws < fraction
        partial = np.where(labeled, y_train, -1)
        model = GaussianNB().fit(Z_train[labeled], y_train[labeled])
        alone[seed, i] = model.score(Z_test, y_test)
        model = SemiSupervisedEMClassifier(
            GaussianNB(), unlabeled_weight=0.3, max_iter=30
        ).fit(Z_train, partial)
        semi[seed, i] = model.score(Z_test, y_test)

for i, fraction in enumerate(fractions):
    print(
        f"{fraction:>4.0%} labeled: alone {alone[:, i].mean():.3f}, "
        f"with EM {semi[:, i].mean():.3f}"
    )

# %%
fig, ax = plt.subplots(figsize=(6, 4))
for scores, label in [(alone, "labeled rows only"), (semi, "EM over unlabeled rows")]:
    mean, spread = scores.mean(axis=0), scores.std(axis=0)
    ax.plot(fractions, mean, marker="o", label=label)
    ax.fill_between(fractions, mean - spread, mean + spread, alpha=0.2)
ax.set_xscale("log")
ax.set_xticks(fractions, [f"{f:.0%}" for f in fractions])
ax.set_xlabel("fraction of training labels")
ax.set_ylabel("test accuracy")
ax.set_title("Gaussian naive Bayes on digits (PCA 10)")
ax.legend()
plt.show()
