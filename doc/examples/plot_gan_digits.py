"""
A conditional GAN generates digits of a chosen class
====================================================

:class:`skgen.neural.GAN` fitted with the classes (``fit(X, y)``) feeds the
class to both networks: ``sample(n, y=d)`` then generates digits ``d``. The
8x8 digits of ``load_digits`` (pixels scaled to [0, 1]) are learned in a few
seconds; each row of the figure is one class, each column one noise vector
(the same in every row: ``random_state`` fixes the noise), which here sets
the style: thickness, slant.

A logistic regression trained on the real digits reads the generated ones;
the share it reads as the class asked for is printed.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from skgen.neural import GAN

X, y = load_digits(return_X_y=True)
X = X / 16.0
gan = GAN(
    n_components=16, hidden_layer_sizes=(128, 128), max_iter=200, random_state=0
).fit(X, y)

# %%
# Ten digits per class, the same noise in every row
# -------------------------------------------------
fig, axes = plt.subplots(10, 10, figsize=(6, 6))
for digit in range(10):
    images, _ = gan.sample(10, y=digit, random_state=0)
    for column in range(10):
        ax = axes[digit, column]
        image = np.clip(images[column], 0, 1).reshape(8, 8)
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
fig.suptitle("Conditional GAN: one row per class, one noise vector per column")
plt.show()

# %%
# Does a classifier read them as the class asked for?
# ---------------------------------------------------
judge = LogisticRegression(max_iter=2000).fit(X, y)
read = [
    np.mean(judge.predict(np.clip(gan.sample(200, y=d)[0], 0, 1)) == d)
    for d in range(10)
]
print("read as asked, per class:", np.round(read, 2))
print(f"overall: {np.mean(read):.1%}")
