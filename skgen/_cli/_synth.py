"""``skgen synth``: synthetic rows of a CSV file, with a quality report.

A model of ``--model`` is one entry of :data:`MODELS`; a line of the quality
report is one function of :data:`QUALITY_MEASURES`.
"""

import time
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from skgen._cli._common import (
    CommandError,
    check_target,
    one_thread,
    quietly,
    read_table,
)

# Models fitted to all the columns need this many rows at least.
_MIN_ROWS = 10

# The MMD is computed on at most this many rows of each set: its cost is
# quadratic in the number of rows.
_MMD_MAX_ROWS = 2000


class SynthModel(NamedTuple):
    """A model of ``--model``.

    Attributes
    ----------
    make : callable
        ``make(seed)`` returns the unfitted estimator.
    per_class : bool
        True for a classifier that generates the features of each class of
        ``--target``; False for a model of all the columns (the target
        included) behind a :class:`~skgen.preprocessing.TabularEncoder`.
    """

    make: Callable[[int], object]
    per_class: bool = False


def _gaussian_mixture(seed):
    from skgen.mixture import GaussianMixture

    return GaussianMixture(5, covariance_type="full", reg_covar=1e-3, random_state=seed)


def _gaussian_nb(seed):
    from skgen.naive_bayes import GaussianNB

    return GaussianNB(random_state=seed)


def _vae(seed):
    from skgen.neural import VAE

    return VAE(
        n_components=4,
        hidden_layer_sizes=(64, 64),
        learning_rate_init=1e-2,
        max_iter=300,
        random_state=seed,
    )


def _gan(seed):
    from skgen.neural import GAN

    return GAN(random_state=seed)


def _gaussian_hmm(seed):
    from skgen.hmm import GaussianHMM

    return GaussianHMM(4, covariance_type="diag", n_iter=100, random_state=seed)


# The choices of --model, in the order --help lists them.
MODELS = {
    "gmm": SynthModel(_gaussian_mixture),
    "nb": SynthModel(_gaussian_nb, per_class=True),
    "vae": SynthModel(_vae),
    "gan": SynthModel(_gan),
    "hmm": SynthModel(_gaussian_hmm),
}


def run(args, out):
    """``skgen synth``: write ``-n`` synthetic rows, then report their quality."""
    if args.n < 1:
        raise CommandError("-n must be at least 1")
    features, target = read_table(args.data, args.target)
    model = MODELS[args.model]
    if model.per_class:
        real, synthetic = _generate_per_class(model, features, target, args)
    else:
        real, synthetic = _generate_jointly(model, features, target, args, out)
    synthetic.to_csv(args.output, index=False)
    print(f"wrote {args.n} synthetic rows to {args.output}", file=out)
    _report_quality(real, synthetic[real.columns], args.seed, out)
    return 0


def _generate_per_class(model, features, target, args):
    """Real and synthetic rows of a classifier that generates each class."""
    from skgen.preprocessing import TabularEncoder

    if target is None:
        raise CommandError(
            f"--model {args.model} generates rows of each class: give --target COL"
        )
    encoder = TabularEncoder().fit(features)
    y = check_target(target)
    classifier = model.make(args.seed).fit(encoder.transform(features), y)
    encoded, labels = classifier.sample(args.n)
    synthetic = encoder.inverse_transform(encoded)
    synthetic[args.target] = labels
    return features.assign(**{args.target: target}), synthetic


def _generate_jointly(model, features, target, args, out):
    """Real and synthetic rows of a model of all the columns, target included."""
    import pandas as pd

    from skgen.pipeline import make_generative_pipeline
    from skgen.preprocessing import TabularEncoder

    real = features if target is None else features.assign(**{args.target: target})
    if len(real) < _MIN_ROWS:
        raise CommandError(
            f"{args.data} has {len(real)} rows; at least {_MIN_ROWS} are needed"
        )
    pipeline = make_generative_pipeline(TabularEncoder(), model.make(args.seed))
    tic = time.perf_counter()
    with one_thread():
        quietly(pipeline.fit, real)
    print(f"fitted {args.model} in {time.perf_counter() - tic:.1f} s", file=out)
    synthetic = pipeline.sample(args.n, random_state=args.seed)[0]
    return real, pd.DataFrame(synthetic, columns=real.columns)


# -- the quality report ----------------------------------------------------------


class QualityInputs(NamedTuple):
    """The rows a quality measure compares.

    Attributes
    ----------
    real, synthetic : DataFrame
        The real and the synthetic rows, with the same columns.
    real_codes, synthetic_codes : ndarray of shape (n_rows, n_codes)
        The same rows in the numeric space of a
        :class:`~skgen.preprocessing.TabularEncoder` fitted to the real rows.
    categorical : list of str
        The columns that are not numeric.
    seed : int
        Random seed of the measures.
    """

    real: object
    synthetic: object
    real_codes: np.ndarray
    synthetic_codes: np.ndarray
    categorical: list
    seed: int


def _report_quality(real, synthetic, seed, out):
    """One line per measure of :data:`QUALITY_MEASURES` that applies."""
    from skgen.preprocessing import TabularEncoder

    encoder = TabularEncoder().fit(real)
    inputs = QualityInputs(
        real=real,
        synthetic=synthetic,
        real_codes=encoder.transform(real),
        synthetic_codes=encoder.transform(synthetic),
        categorical=[c for c in real.columns if real[c].dtype.kind not in "biuf"],
        seed=seed,
    )
    print("\nsample quality (synthetic against the real rows)", file=out)
    for measure in QUALITY_MEASURES:
        line = measure(inputs)
        if line is not None:
            print(f"  {line}", file=out)


def _c2st_line(inputs):
    from skgen.metrics import c2st_score

    with one_thread():
        c2st = c2st_score(
            inputs.real_codes, inputs.synthetic_codes, random_state=inputs.seed
        )
    return (
        f"C2ST accuracy {c2st['accuracy']:.3f}, AUC {c2st['roc_auc']:.3f} "
        "(0.5: indistinguishable)"
    )


def _mmd_line(inputs):
    from skgen.metrics import mmd

    rng = np.random.RandomState(inputs.seed)
    keep = rng.permutation(len(inputs.real_codes))[:_MMD_MAX_ROWS]
    result = mmd(inputs.real_codes[keep], inputs.synthetic_codes[: len(keep)])
    return f"MMD^2 {result.statistic:.4f} (0: same distribution)"


def _marginals_line(inputs):
    from skgen.metrics import marginal_scores

    scores = marginal_scores(
        inputs.real, inputs.synthetic, categorical=inputs.categorical
    )
    return f"marginals: mean KS / TV {scores['mean']:.3f}"


def _correlations_line(inputs):
    """None when fewer than two columns are numeric."""
    from skgen.metrics import correlation_difference

    numeric = [c for c in inputs.real.columns if c not in inputs.categorical]
    if len(numeric) < 2:
        return None
    with warnings.catch_warnings():
        # Constant columns are skipped; the report need not say so.
        warnings.simplefilter("ignore")
        difference = correlation_difference(
            inputs.real[numeric], inputs.synthetic[numeric]
        )
    return f"mean absolute correlation difference {difference:.3f}"


# The lines of the quality report, in order: each a function of QualityInputs
# that returns the line, or None when the measure does not apply.
QUALITY_MEASURES = (_c2st_line, _mmd_line, _marginals_line, _correlations_line)
