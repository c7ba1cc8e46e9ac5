"""Hidden Markov models: the shared base composed with an emission family."""

from numbers import Integral, Real

from skgen.hmm._base import BaseHMM
from skgen.hmm._emissions import (
    CategoricalEmissions,
    GaussianEmissions,
    GMMEmissions,
    PoissonEmissions,
)
from skgen.utils._sklearn_compat import Interval, StrOptions


class GaussianHMM(GaussianEmissions, BaseHMM):
    """Hidden Markov model with Gaussian emissions.

    A drop-in for :class:`hmmlearn.hmm.GaussianHMM` (same parameters,
    attributes and, from the same start, the same numbers), fitted by
    Baum-Welch on Numba kernels that run sequences in parallel. Sequences are
    given by ``lengths`` (as hmmlearn) or by the sample-aligned
    ``sequence_ids``, which scikit-learn's cross-validation splits with the rows.

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    covariance_type : {'spherical', 'diag', 'full', 'tied'}, default='diag'
        Form of each state's covariance.
    min_covar : float, default=1e-3
        Added to the diagonal of the data covariance that initialises
        ``covars_``.
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    means_prior, means_weight : float or array-like, default=0
        Normal prior on ``means_``: its mean and its weight in pseudo-rows.
    covars_prior, covars_weight : float or array-like, default=1e-2 and 1
        Inverse-Wishart (full, tied) or inverse-gamma (diag, spherical) prior
        on ``covars_``, as hmmlearn defines it.
    algorithm : {'viterbi', 'map'}, default='viterbi'
        Decoder of :meth:`predict` and :meth:`decode`.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream :meth:`sample` draws from.
    n_iter : int, default=10
        Maximum number of EM iterations.
    tol : float, default=1e-2
        EM stops when the total log-likelihood changes by less than ``tol``.
    verbose : bool, default=False
        Print the log-likelihood at every iteration.
    params : str, default='stmc'
        Parameters EM updates: 's' start probabilities, 't' transitions,
        'm' means, 'c' covariances.
    init_params : str, default='stmc'
        Parameters initialised before EM; the others keep the values set on
        the estimator (e.g. ``model.transmat_ = ...`` before ``fit``).
    implementation : {'log', 'scaling'}, default='log'
        Accepted for compatibility with hmmlearn; skgen always runs the scaled
        forward-backward, which gives the same numbers as either.
    n_init : int, default=1
        Number of starts (as in scikit-learn's mixtures; hmmlearn has one);
        the fit with the highest final log-likelihood is kept. The random
        initialisation, hmmlearn's, draws nearly one-hot transition rows that
        can trap EM in a poor optimum: several starts avoid it.
    learning_decay : float in (0.5, 1], default=0.7
        Step-size exponent of :meth:`partial_fit`: batch ``t`` weighs
        ``(t + learning_offset) ** -learning_decay`` (as in
        :class:`skgen.mixture.GaussianMixture`).
    learning_offset : float, default=1.0
        Delays the decay of :meth:`partial_fit`'s step size.

    Attributes
    ----------
    startprob_ : ndarray of shape (n_components,)
        Initial state distribution.
    transmat_ : ndarray of shape (n_components, n_components)
        Transition probabilities; row i is p(z_{t+1} | z_t = i).
    means_ : ndarray of shape (n_components, n_features)
        Mean of each state.
    covars_ : ndarray of shape (n_components, n_features, n_features)
        Covariance of each state, as full matrices (as hmmlearn returns them;
        assign the compact form of ``covariance_type`` to set them).
    converged_ : bool
        Whether EM stopped by ``tol`` rather than ``n_iter`` (best start).
    n_iter_ : int
        EM iterations run (best start).
    lower_bound_ : float
        Total log-likelihood of the training sequences before the last M-step.
    lower_bounds_ : list of float
        ``lower_bound_`` at every iteration (hmmlearn's ``monitor_.history``).
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    skgen.mixture.GaussianMixture : The same emissions without the time
        dependence.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import GaussianHMM
    >>> rng = np.random.RandomState(0)
    >>> X = np.concatenate([rng.normal(0, 1, (50, 1)), rng.normal(8, 1, (50, 1))])
    >>> model = GaussianHMM(n_components=2, random_state=0).fit(X, lengths=[60, 40])
    >>> states = model.predict(X, lengths=[60, 40])
    >>> int((states[:50] != states[0]).sum()), int((states[50:] == states[0]).sum())
    (0, 0)
    >>> model.score_samples(X, lengths=[60, 40]).shape
    (100,)
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "covariance_type": [StrOptions({"spherical", "diag", "full", "tied"})],
        "min_covar": [Interval(Real, 0.0, None, closed="left")],
        "means_prior": ["array-like", Real],
        "means_weight": ["array-like", Real],
        "covars_prior": ["array-like", Real],
        "covars_weight": ["array-like", Real],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    def __init__(
        self,
        n_components=1,
        covariance_type="diag",
        min_covar=1e-3,
        startprob_prior=1.0,
        transmat_prior=1.0,
        means_prior=0,
        means_weight=0,
        covars_prior=1e-2,
        covars_weight=1,
        algorithm="viterbi",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="stmc",
        init_params="stmc",
        implementation="log",
        n_init=1,
        learning_decay=0.7,
        learning_offset=1.0,
    ):
        super().__init__(
            n_components=n_components,
            startprob_prior=startprob_prior,
            transmat_prior=transmat_prior,
            algorithm=algorithm,
            random_state=random_state,
            n_iter=n_iter,
            tol=tol,
            verbose=verbose,
            params=params,
            init_params=init_params,
            n_init=n_init,
            learning_decay=learning_decay,
            learning_offset=learning_offset,
        )
        self.covariance_type = covariance_type
        self.min_covar = min_covar
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.implementation = implementation


class CategoricalHMM(CategoricalEmissions, BaseHMM):
    """Hidden Markov model with categorical emissions (integer symbols).

    A drop-in for :class:`hmmlearn.hmm.CategoricalHMM` (same parameters,
    attributes and, from the same start, the same numbers) on one column of
    symbols ``0, 1, ..., n_symbols_ - 1``. Several columns are modelled as
    independent categorical features given the state (as
    :class:`sklearn.naive_bayes.CategoricalNB` does). Sequences as in
    :class:`GaussianHMM`.

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    emissionprob_prior : float or array-like of shape (n_components, n_symbols), \
            default=1.0
        Dirichlet prior on each row of ``emissionprob_`` (1.0: none).
    n_features : int, default=None
        Number of symbols (hmmlearn's name); None infers it as the largest
        symbol seen in ``fit`` plus one.
    algorithm : {'viterbi', 'map'}, default='viterbi'
        Decoder of :meth:`predict` and :meth:`decode`.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream :meth:`sample` draws from.
    n_iter : int, default=10
        Maximum number of EM iterations.
    tol : float, default=1e-2
        EM stops when the total log-likelihood changes by less than ``tol``.
    verbose : bool, default=False
        Print the log-likelihood at every iteration.
    params : str, default='ste'
        Parameters EM updates: 's' start, 't' transitions, 'e' emissions.
    init_params : str, default='ste'
        Parameters initialised before EM.
    implementation : {'log', 'scaling'}, default='log'
        Accepted for compatibility with hmmlearn; ignored.
    n_init : int, default=1
        Number of starts; the best final log-likelihood is kept.

    learning_decay : float in (0.5, 1], default=0.7
        Step-size exponent of :meth:`partial_fit`: batch ``t`` weighs
        ``(t + learning_offset) ** -learning_decay`` (as in
        :class:`skgen.mixture.GaussianMixture`).
    learning_offset : float, default=1.0
        Delays the decay of :meth:`partial_fit`'s step size.

    Attributes
    ----------
    startprob_ : ndarray of shape (n_components,)
        Initial state distribution.
    transmat_ : ndarray of shape (n_components, n_components)
        Transition probabilities.
    emissionprob_ : ndarray of shape (n_components, `n_symbols_`)
        Probability of each symbol in each state; of shape
        (n_components, `n_features_in_`, `n_symbols_`) for several columns.
    n_symbols_ : int
        Number of symbols (hmmlearn sets its ``n_features`` to it).
    converged_ : bool
        Whether EM stopped by ``tol`` rather than ``n_iter``.
    n_iter_ : int
        EM iterations run.
    lower_bound_ : float
        Total log-likelihood before the last M-step.
    lower_bounds_ : list of float
        ``lower_bound_`` at every iteration.
    n_features_in_ : int
        Number of columns seen during fit (1 for hmmlearn's layout).

    See Also
    --------
    sklearn.naive_bayes.CategoricalNB : Categorical features without the
        time dependence.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import CategoricalHMM
    >>> X = np.array([[0], [0], [1], [0], [2], [2], [2], [1], [2], [2]])
    >>> model = CategoricalHMM(n_components=2, n_iter=50, random_state=1).fit(X)
    >>> model.emissionprob_.shape
    (2, 3)
    >>> X_new, states = model.sample(5, random_state=0)
    >>> X_new.shape, states.shape
    ((5, 1), (5,))
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "emissionprob_prior": ["array-like", Real],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    def __init__(
        self,
        n_components=1,
        startprob_prior=1.0,
        transmat_prior=1.0,
        *,
        emissionprob_prior=1.0,
        n_features=None,
        algorithm="viterbi",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="ste",
        init_params="ste",
        implementation="log",
        n_init=1,
        learning_decay=0.7,
        learning_offset=1.0,
    ):
        super().__init__(
            n_components=n_components,
            startprob_prior=startprob_prior,
            transmat_prior=transmat_prior,
            algorithm=algorithm,
            random_state=random_state,
            n_iter=n_iter,
            tol=tol,
            verbose=verbose,
            params=params,
            init_params=init_params,
            n_init=n_init,
            learning_decay=learning_decay,
            learning_offset=learning_offset,
        )
        self.emissionprob_prior = emissionprob_prior
        self.n_features = n_features
        self.implementation = implementation


class PoissonHMM(PoissonEmissions, BaseHMM):
    """Hidden Markov model with independent Poisson counts per feature.

    A drop-in for :class:`hmmlearn.hmm.PoissonHMM` (same parameters and, from
    the same start, the same numbers), fitted by Baum-Welch on the Numba
    forward-backward kernel. Sequences as in :class:`GaussianHMM`.

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    lambdas_prior, lambdas_weight : float or array-like, default=0.0
        Gamma prior on ``lambdas_`` (shape and rate, as hmmlearn defines it).
    algorithm : {'viterbi', 'map'}, default='viterbi'
        Decoder of :meth:`predict` and :meth:`decode`.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream :meth:`sample` draws from.
    n_iter : int, default=10
        Maximum number of EM iterations.
    tol : float, default=1e-2
        EM stops when the total log-likelihood changes by less than ``tol``.
    verbose : bool, default=False
        Print the log-likelihood at every iteration.
    params : str, default='stl'
        Parameters EM updates: 's' start, 't' transitions, 'l' rates.
    init_params : str, default='stl'
        Parameters initialised before EM.
    implementation : {'log', 'scaling'}, default='log'
        Accepted for compatibility with hmmlearn; ignored.
    n_init : int, default=1
        Number of starts; the best final log-likelihood is kept.

    learning_decay : float in (0.5, 1], default=0.7
        Step-size exponent of :meth:`partial_fit`: batch ``t`` weighs
        ``(t + learning_offset) ** -learning_decay`` (as in
        :class:`skgen.mixture.GaussianMixture`).
    learning_offset : float, default=1.0
        Delays the decay of :meth:`partial_fit`'s step size.

    Attributes
    ----------
    startprob_ : ndarray of shape (n_components,)
        Initial state distribution.
    transmat_ : ndarray of shape (n_components, n_components)
        Transition probabilities.
    lambdas_ : ndarray of shape (n_components, n_features)
        Poisson rate of each feature in each state.
    converged_ : bool
        Whether EM stopped by ``tol`` rather than ``n_iter``.
    n_iter_ : int
        EM iterations run.
    lower_bound_ : float
        Total log-likelihood before the last M-step.
    lower_bounds_ : list of float
        ``lower_bound_`` at every iteration.
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import PoissonHMM
    >>> rng = np.random.RandomState(0)
    >>> X = np.concatenate([rng.poisson(2, (60, 1)), rng.poisson(20, (40, 1))])
    >>> model = PoissonHMM(n_components=2, n_iter=50, random_state=0).fit(X)
    >>> np.sort(model.lambdas_.ravel()).round(0)
    array([ 2., 20.])
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "lambdas_prior": ["array-like", Real],
        "lambdas_weight": ["array-like", Real],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    def __init__(
        self,
        n_components=1,
        startprob_prior=1.0,
        transmat_prior=1.0,
        lambdas_prior=0.0,
        lambdas_weight=0.0,
        algorithm="viterbi",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="stl",
        init_params="stl",
        implementation="log",
        n_init=1,
        learning_decay=0.7,
        learning_offset=1.0,
    ):
        super().__init__(
            n_components=n_components,
            startprob_prior=startprob_prior,
            transmat_prior=transmat_prior,
            algorithm=algorithm,
            random_state=random_state,
            n_iter=n_iter,
            tol=tol,
            verbose=verbose,
            params=params,
            init_params=init_params,
            n_init=n_init,
            learning_decay=learning_decay,
            learning_offset=learning_offset,
        )
        self.lambdas_prior = lambdas_prior
        self.lambdas_weight = lambdas_weight
        self.implementation = implementation


class GMMHMM(GMMEmissions, BaseHMM):
    """Hidden Markov model with a Gaussian mixture per hidden state.

    A drop-in for :class:`hmmlearn.hmm.GMMHMM` (same parameters, priors and
    their defaults, attributes and, from the same start, the same numbers),
    fitted by Baum-Welch on the Numba forward-backward kernel. Each state
    emits from a mixture of ``n_mix`` Gaussians. Sequences as in
    :class:`GaussianHMM`.

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    n_mix : int, default=1
        Number of Gaussian components in each state's mixture.
    min_covar : float, default=1e-3
        Added to the diagonal of the data covariance that initialises
        ``covars_`` (as in hmmlearn, it is no floor during EM).
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    weights_prior : float or array-like of shape (n_components, n_mix), \
            default=1.0
        Dirichlet prior on each row of ``weights_`` (1.0: none).
    means_prior, means_weight : float or array-like, default=0.0
        Normal prior on ``means_``: its mean, broadcast to
        (n_components, n_mix, n_features), and its weight in pseudo-rows,
        broadcast to (n_components, n_mix).
    covars_prior, covars_weight : float or array-like, default=None
        Prior on ``covars_``, as hmmlearn defines it: inverse-Wishart scale
        and degrees of freedom ('full', 'tied'), inverse-gamma shape and
        scale ('diag', 'spherical'). None takes hmmlearn's defaults, which
        make the update the maximum-likelihood one for 'full', 'tied' and
        'diag'; for 'spherical' the variance is divided by
        ``n_features * (N + 1) - n_mix`` rather than ``n_features * N``.
    algorithm : {'viterbi', 'map'}, default='viterbi'
        Decoder of :meth:`predict` and :meth:`decode`.
    covariance_type : {'spherical', 'diag', 'full', 'tied'}, default='diag'
        Form of the components' covariances; 'tied': one full matrix per
        state, shared by the components of its mixture.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream :meth:`sample` draws from.
    n_iter : int, default=10
        Maximum number of EM iterations.
    tol : float, default=1e-2
        EM stops when the total log-likelihood changes by less than ``tol``.
    verbose : bool, default=False
        Print the log-likelihood at every iteration.
    params : str, default='stmcw'
        Parameters EM updates: 's' start probabilities, 't' transitions,
        'm' means, 'c' covariances, 'w' mixture weights.
    init_params : str, default='stmcw'
        Parameters initialised before EM (k-means into states, then within
        each state, as hmmlearn); the others keep the values set on the
        estimator.
    implementation : {'log', 'scaling'}, default='log'
        Accepted for compatibility with hmmlearn; skgen always runs the scaled
        forward-backward, which gives the same numbers as either.
    n_init : int, default=1
        Number of starts; the fit with the highest final log-likelihood is
        kept (hmmlearn has one).
    learning_decay : float in (0.5, 1], default=0.7
        Step-size exponent of :meth:`partial_fit`: batch ``t`` weighs
        ``(t + learning_offset) ** -learning_decay`` (as in
        :class:`skgen.mixture.GaussianMixture`).
    learning_offset : float, default=1.0
        Delays the decay of :meth:`partial_fit`'s step size.

    Attributes
    ----------
    startprob_ : ndarray of shape (n_components,)
        Initial state distribution.
    transmat_ : ndarray of shape (n_components, n_components)
        Transition probabilities; row i is p(z_{t+1} | z_t = i).
    weights_ : ndarray of shape (n_components, n_mix)
        Mixture weights of each state.
    means_ : ndarray of shape (n_components, n_mix, n_features)
        Mean of each mixture component of each state.
    covars_ : ndarray
        Covariances, in hmmlearn's shape for ``covariance_type``:
        (n_components, n_mix) 'spherical', (n_components, n_mix, n_features)
        'diag', (n_components, n_mix, n_features, n_features) 'full',
        (n_components, n_features, n_features) 'tied'.
    converged_ : bool
        Whether EM stopped by ``tol`` rather than ``n_iter`` (best start).
    n_iter_ : int
        EM iterations run (best start).
    lower_bound_ : float
        Total log-likelihood of the training sequences before the last M-step.
    lower_bounds_ : list of float
        ``lower_bound_`` at every iteration (hmmlearn's ``monitor_.history``).
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    GaussianHMM : One Gaussian per state.
    skgen.mixture.GaussianMixture : A Gaussian mixture without the time
        dependence.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import GMMHMM
    >>> rng = np.random.RandomState(0)
    >>> calm = rng.normal(0, 1, (60, 1)) + rng.choice([-3, 3], size=(60, 1))
    >>> busy = rng.normal(12, 1, (40, 1))
    >>> X = np.concatenate([calm, busy])
    >>> model = GMMHMM(n_components=2, n_mix=2, n_iter=50, random_state=0)
    >>> model = model.fit(X, lengths=[50, 50])
    >>> model.weights_.shape, model.means_.shape, model.covars_.shape
    ((2, 2), (2, 2, 1), (2, 2, 1))
    >>> states = model.predict(X, lengths=[50, 50])
    >>> int((states[:60] != states[0]).sum()), int((states[60:] == states[0]).sum())
    (0, 0)
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "n_mix": [Interval(Integral, 1, None, closed="left")],
        "min_covar": [Interval(Real, 0.0, None, closed="left")],
        "weights_prior": ["array-like", Real],
        "means_prior": ["array-like", Real],
        "means_weight": ["array-like", Real],
        "covars_prior": ["array-like", Real, None],
        "covars_weight": ["array-like", Real, None],
        "covariance_type": [StrOptions({"spherical", "diag", "full", "tied"})],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    def __init__(
        self,
        n_components=1,
        n_mix=1,
        min_covar=1e-3,
        startprob_prior=1.0,
        transmat_prior=1.0,
        weights_prior=1.0,
        means_prior=0.0,
        means_weight=0.0,
        covars_prior=None,
        covars_weight=None,
        algorithm="viterbi",
        covariance_type="diag",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="stmcw",
        init_params="stmcw",
        implementation="log",
        n_init=1,
        learning_decay=0.7,
        learning_offset=1.0,
    ):
        super().__init__(
            n_components=n_components,
            startprob_prior=startprob_prior,
            transmat_prior=transmat_prior,
            algorithm=algorithm,
            random_state=random_state,
            n_iter=n_iter,
            tol=tol,
            verbose=verbose,
            params=params,
            init_params=init_params,
            n_init=n_init,
            learning_decay=learning_decay,
            learning_offset=learning_offset,
        )
        self.n_mix = n_mix
        self.min_covar = min_covar
        self.weights_prior = weights_prior
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.covariance_type = covariance_type
        self.implementation = implementation
