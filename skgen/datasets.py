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


def make_sequence_classification(
    n_sequences=100, *, stay=(0.9, 0.6), min_length=20, max_length=60, random_state=None
):
    """Sequences of two classes that differ only in their dynamics.

    Each sequence is drawn from a two-state Gaussian hidden Markov model with
    two features: state 0 emits around ``(-1, -1)``, state 1 around
    ``(1, 1)``, with unit variance, and the chain starts from its stationary
    distribution ``(1/2, 1/2)``. The classes differ only in how long the chain
    stays in a state: with probability ``stay[c]`` each step for class ``c``.
    Both chains are symmetric, so every row of either class has the same
    marginal distribution (an equal mixture of the two Gaussians): a
    classifier of single rows can do no better than chance, while one of
    whole sequences can.

    Parameters
    ----------
    n_sequences : int, default=100
        Number of sequences, classes alternating (0, 1, 0, ...).
    stay : tuple of two floats, default=(0.9, 0.6)
        Probability of staying in the current state, per class.
    min_length, max_length : int, default=20, 60
        Sequence lengths are drawn uniformly between these (inclusive).
    random_state : int, RandomState instance or None, default=None
        Seeds the draw.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The rows of all sequences, stacked.
    y : ndarray of shape (n_samples,)
        Each row's class (constant within a sequence).
    sequence_ids : ndarray of shape (n_samples,)
        Each row's sequence, ``0 .. n_sequences - 1`` in order.

    Examples
    --------
    >>> from skgen.datasets import make_sequence_classification
    >>> X, y, ids = make_sequence_classification(10, random_state=0)
    >>> X.shape[1], len(set(ids)), sorted(set(y.tolist()))
    (2, 10, [0, 1])
    """
    import numpy as np
    from sklearn.utils import check_random_state

    if not 1 <= min_length <= max_length:
        raise ValueError(
            f"Need 1 <= min_length <= max_length, got {min_length}, {max_length}."
        )
    if len(stay) != 2 or not all(0.0 <= p <= 1.0 for p in stay):
        raise ValueError(f"stay must be two probabilities, got {stay!r}.")
    rng = check_random_state(random_state)
    lengths = rng.randint(min_length, max_length + 1, size=n_sequences)
    classes = np.arange(n_sequences) % 2
    y = np.repeat(classes, lengths)
    sequence_ids = np.repeat(np.arange(n_sequences), lengths)
    # A state flips with probability 1 - stay; the first state is a fair coin.
    starts = np.zeros(len(y), dtype=bool)
    starts[np.concatenate([[0], np.cumsum(lengths)[:-1]])] = True
    flips = rng.uniform(size=len(y)) >= np.asarray(stay)[y]
    coin = rng.randint(2, size=len(y))
    steps = np.where(starts, 0, flips.astype(np.int64))
    # Parity of the flips since the sequence's start, plus its first coin.
    cumulative = np.cumsum(steps)
    offset = np.repeat(cumulative[starts], lengths)
    states = (np.repeat(coin[starts], lengths) + cumulative - offset) % 2
    X = (2.0 * states - 1.0)[:, None] + rng.standard_normal((len(y), 2))
    return X, y, sequence_ids
