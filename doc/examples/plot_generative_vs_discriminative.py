"""
Generative against discriminative: the learning curves of Ng & Jordan
=====================================================================

Ng & Jordan (2001) compared naive Bayes with logistic regression and found
two regimes: naive Bayes reaches its (higher) asymptotic error with far fewer
training rows, logistic regression wins with many, and the learning curves
cross. :func:`skgen.compare.compare_learning_curves` runs the comparison on
one shared pipeline, the same repeated stratified splits and the same
training subsets for every model.

Left: digits 2 against 4 of ``load_digits`` (raw pixel counts, as the paper's
optdigits panels), multinomial naive Bayes against unpenalised logistic
regression. Right: ``load_breast_cancer``, standardised, Gaussian naive Bayes
against logistic regression. The crossing points are printed.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from skgen.compare import compare_learning_curves
from skgen.naive_bayes import GaussianNB, MultinomialNB

# Unpenalised logistic regression on separable subsets stops at max_iter.
warnings.simplefilter("ignore", ConvergenceWarning)

digits = load_digits()
pair = np.isin(digits.target, [2, 4])
digit_curves = compare_learning_curves(
    {
        "multinomial naive Bayes": MultinomialNB(),
        "logistic regression": LogisticRegression(C=np.inf, max_iter=3000),
    },
    digits.data[pair],
    digits.target[pair],
    train_sizes=[6, 10, 20, 40, 80, 160, 240],
    n_splits=30,
)
X, y = load_breast_cancer(return_X_y=True)
cancer_curves = compare_learning_curves(
    {
        "Gaussian naive Bayes": GaussianNB(),
        "logistic regression": LogisticRegression(max_iter=5000),
    },
    X,
    y,
    preprocessing=StandardScaler(),
    train_sizes=[10, 20, 40, 80, 160, 398],
    n_splits=30,
)
print(digit_curves.to_markdown())
crossing = digit_curves.crossing("multinomial naive Bayes", "logistic regression")
print(f"digits 2 vs 4: curves cross at about {crossing:.0f} rows")
print(cancer_curves.to_markdown())
crossing = cancer_curves.crossing("Gaussian naive Bayes", "logistic regression")
print(
    "breast_cancer: "
    + (f"curves cross at about {crossing:.0f} rows" if crossing else "no crossing")
)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
digit_curves.plot(ax=left, title="load_digits, 2 vs 4")
cancer_curves.plot(ax=right, title="load_breast_cancer")
fig.tight_layout()
plt.show()
