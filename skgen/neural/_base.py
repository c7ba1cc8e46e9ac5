"""What the VAE and the GAN share: feature scaling and class conditioning."""

import numpy as np


def center_and_scale(X):
    """Feature means and standard deviations to standardise ``X`` by, in float64.

    A constant column keeps its units (scale 1), as in scikit-learn's
    ``StandardScaler``.
    """
    X64 = np.asarray(X, dtype=np.float64)
    center, scale = X64.mean(axis=0), X64.std(axis=0)
    scale[scale < 10 * np.finfo(np.float64).eps * np.maximum(1, abs(center))] = 1
    return center, scale


class ConditionalMixin:
    """Class conditioning of a generative network.

    A model fitted with ``y`` has ``classes_`` and ``class_prior_`` (the
    training class frequencies) and feeds its networks one-hot class codes;
    fitted without, it has neither. The estimator has a ``dtype`` parameter.
    """

    def _set_classes(self, y, n_samples, warm):
        """Record the classes of ``y`` (None: an unconditional fit).

        ``warm``: a warm start, which must keep the first fit's classes.
        """
        name = type(self).__name__
        if y is not None:
            y = np.asarray(y)
            if y.shape != (n_samples,):
                raise ValueError(f"y must have shape ({n_samples},), got {y.shape}.")
            classes, counts = np.unique(y, return_counts=True)
            if warm and not np.array_equal(
                classes, getattr(self, "classes_", classes[:0])
            ):
                raise ValueError("warm_start needs the classes of the first fit.")
            self.classes_ = classes
            self.class_prior_ = counts / counts.sum()
        elif warm and hasattr(self, "classes_"):
            raise ValueError(
                f"This {name} is conditional: pass y (warm_start needs y)."
            )
        elif not warm:
            for attribute in ("classes_", "class_prior_"):
                if hasattr(self, attribute):
                    delattr(self, attribute)
        return y

    def _one_hot(self, y):
        """Class indicator rows for the networks (empty without classes)."""
        n_classes = len(getattr(self, "classes_", ()))
        codes = np.zeros((len(y), n_classes), dtype=self.dtype)
        if n_classes:
            codes[np.arange(len(y)), np.searchsorted(self.classes_, y)] = 1.0
        return codes

    def _check_labels(self, y, n_samples):
        labels = np.asarray(y)
        if labels.ndim == 0:
            labels = np.full(n_samples, labels)
        unknown = ~np.isin(labels, self.classes_)
        if labels.shape != (n_samples,) or unknown.any():
            raise ValueError(
                f"y must be labels of the fitted classes {self.classes_.tolist()}, "
                f"one or one per row; got {labels[unknown][:5].tolist()} "
                f"(shape {labels.shape})."
            )
        return labels

    def _labels_for(self, y, n_samples, rng=None):
        """One-hot codes of ``y``, or of classes drawn with ``rng`` from
        ``class_prior_`` when ``y`` is None (an error without ``rng``)."""
        name = type(self).__name__
        if not hasattr(self, "classes_"):
            if y is not None:
                raise ValueError(f"y is only for a {name} fitted with y (conditional).")
            return np.zeros((n_samples, 0), dtype=self.dtype)
        if y is None:
            if rng is None:
                raise ValueError(f"This {name} is conditional: pass y.")
            y = self.classes_[
                rng.choice(len(self.classes_), size=n_samples, p=self.class_prior_)
            ]
        return self._one_hot(self._check_labels(y, n_samples))
