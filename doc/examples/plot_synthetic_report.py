"""
A synthetic table and its report: real against synthetic rows
=============================================================

A table with numeric and categorical columns (the breast-cancer measurements
with the diagnosis as a category) is synthesised by a Gaussian mixture behind
a :class:`skgen.preprocessing.TabularEncoder`, which one-hot encodes the
categories and maps generated rows back to a DataFrame with the same columns
and categories. :mod:`skgen.metrics` then judges the synthetic rows against
held-out real rows: the classifier two-sample test, MMD², per-column
Kolmogorov-Smirnov / total-variation distances and the difference of the
correlation matrices, with real training rows as the reference a perfect
generator would reach. The figure lays real and synthetic marginals over
each other.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from skgen.metrics import c2st_score, correlation_difference, marginal_scores, mmd
from skgen.mixture import GaussianMixture
from skgen.pipeline import make_generative_pipeline
from skgen.preprocessing import TabularEncoder

data = load_breast_cancer(as_frame=True)
table = data.data.iloc[:, :6].copy()
table["diagnosis"] = pd.Categorical(
    data.target.map({0: "malignant", 1: "benign"}), categories=["malignant", "benign"]
)
train, held_out = train_test_split(table, test_size=0.3, random_state=0)

model = make_generative_pipeline(
    TabularEncoder(), GaussianMixture(4, covariance_type="full", random_state=0)
).fit(train)
synthetic = model.sample(len(held_out), random_state=0)[0]
print(synthetic.dtypes)
print(synthetic.head())

# %%
# The report
# ----------
# Each measure for the synthetic rows, and for real training rows (the
# floor: what an ideal generator would score against the held-out rows).
encoder = TabularEncoder().fit(train)
rows = []
with threadpool_limits(1):
    for name, candidate in [("synthetic", synthetic), ("real (train)", train)]:
        candidate = candidate.iloc[: len(held_out)]
        real_codes, codes = encoder.transform(held_out), encoder.transform(candidate)
        marginals = marginal_scores(held_out, candidate, categorical=["diagnosis"])
        rows.append(
            {
                "rows": name,
                "C2ST accuracy": c2st_score(real_codes, codes, random_state=0)[
                    "accuracy"
                ],
                "MMD^2": mmd(real_codes, codes).statistic,
                "mean KS / TV": marginals["mean"],
                "correlation difference": correlation_difference(
                    held_out.iloc[:, :6], candidate.iloc[:, :6]
                ),
            }
        )
print(pd.DataFrame(rows).round(3).to_string(index=False))

# %%
# Marginals, real over synthetic
# ------------------------------
fig, axes = plt.subplots(2, 4, figsize=(12, 5))
for ax, column in zip(axes.ravel(), table.columns):
    if column == "diagnosis":
        shares = pd.DataFrame(
            {
                "held-out": held_out[column].value_counts(normalize=True),
                "synthetic": synthetic[column].value_counts(normalize=True),
            }
        )
        shares.plot.bar(ax=ax, rot=0)
    else:
        bins = np.histogram_bin_edges(held_out[column], bins=20)
        ax.hist(held_out[column], bins=bins, alpha=0.5, density=True, label="held-out")
        ax.hist(
            synthetic[column], bins=bins, alpha=0.5, density=True, label="synthetic"
        )
    ax.set_title(column, fontsize=9)
axes.ravel()[0].legend(fontsize=8)
axes.ravel()[-1].axis("off")
fig.tight_layout()
plt.show()
