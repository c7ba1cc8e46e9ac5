"""
Digits generated per class: naive Bayes and a mixture in a PCA space
=====================================================================

A generative classifier models :math:`p(x \\mid y)` for each class, so it can
*draw* new rows of a chosen class. Two models of the 8x8 digits of
``load_digits`` generate five digits of each class:

* :class:`skgen.naive_bayes.BernoulliNB` on the binarised pixels: every pixel
  is an independent coin of the class's probability -- the digits are noisy,
  since naive Bayes ignores how pixels go together;
* :class:`skgen.classification.GenerativeClassifier` over a
  :class:`skgen.mixture.GaussianMixture` in a 20-dimensional PCA space: each
  class is a mixture of full-covariance Gaussians, sampled there and mapped
  back to pixels by ``PCA.inverse_transform``. The pixels now vary together,
  and the digits look like handwriting.

Both are also classifiers; their test accuracy is printed.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skgen.classification import GenerativeClassifier
from skgen.mixture import GaussianMixture
from skgen.naive_bayes import BernoulliNB

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)

# %%
# Naive Bayes on binarised pixels
# -------------------------------
naive_bayes = BernoulliNB(binarize=4.0, random_state=0).fit(X_train, y_train)
print(f"BernoulliNB test accuracy: {naive_bayes.score(X_test, y_test):.3f}")
classes = np.repeat(np.arange(10), 5)
nb_digits, _ = naive_bayes.sample(len(classes), y=classes)

# %%
# A Gaussian mixture per class, in a PCA space
# --------------------------------------------
pca = PCA(20, random_state=0).fit(X_train)
mixture = GenerativeClassifier(
    GaussianMixture(3, covariance_type="full", random_state=0), random_state=0
).fit(pca.transform(X_train), y_train)
accuracy = mixture.score(pca.transform(X_test), y_test)
print(f"GaussianMixture per class (PCA 20) test accuracy: {accuracy:.3f}")
codes, _ = mixture.sample(len(classes), y=classes)
gmm_digits = np.clip(pca.inverse_transform(codes), 0, 16)

# %%
# Five generated digits of each class, per model
# ----------------------------------------------
fig, axes = plt.subplots(5, 20, figsize=(12, 3.6))
for column in range(20):
    source = nb_digits if column < 10 else gmm_digits
    digit = column % 10
    for row in range(5):
        ax = axes[row, column]
        ax.imshow(source[digit * 5 + row].reshape(8, 8), cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        if row == 0:
            ax.set_title(str(digit), fontsize=9)
fig.text(0.27, 0.02, "BernoulliNB (binarised pixels)", ha="center")
fig.text(0.73, 0.02, "GaussianMixture per class in PCA space", ha="center")
fig.subplots_adjust(wspace=0.05, hspace=0.05, bottom=0.1)
plt.show()
