"""Data sets that ship with scikit-learn, as skgen's examples and CLI use them."""

from sklearn import datasets as _sk_datasets

_LOADERS = {
    "iris": _sk_datasets.load_iris,
    "wine": _sk_datasets.load_wine,
    "breast_cancer": _sk_datasets.load_breast_cancer,
    "digits": _sk_datasets.load_digits,
}

#: Names accepted by :func:`load_dataset`.
DATASETS = tuple(_LOADERS)


def load_dataset(name):
    """Load a data set bundled with scikit-learn, by name.

    Parameters
    ----------
    name : {'iris', 'wine', 'breast_cancer', 'digits'}
        Which data set.

    Returns
    -------
    data : sklearn.utils.Bunch
        With ``data`` (n_samples, n_features), ``target``, ``feature_names``
        and ``target_names``; nothing is downloaded.

    Examples
    --------
    >>> from skgen.datasets import load_dataset
    >>> load_dataset("iris").data.shape
    (150, 4)
    """
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise ValueError(
            f"Unknown data set {name!r}; choose one of {', '.join(DATASETS)}."
        ) from None
    return loader()
