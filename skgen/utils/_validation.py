"""Checks of parameters that scikit-learn's constraints cannot express."""


def check_letters(estimator, name, known):
    """Raise if ``estimator.<name>`` holds a letter outside ``known``.

    For strings of one-letter codes such as hmmlearn's ``params``: the error
    names the bad letters and the known ones.
    """
    value = getattr(estimator, name)
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueError(
            f"{name}={value!r} holds the letter(s) {', '.join(unknown)}, which "
            f"{type(estimator).__name__} does not know: its letters are "
            f"{', '.join(known)}."
        )
