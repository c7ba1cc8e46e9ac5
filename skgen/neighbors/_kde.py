"""Kernel density estimation: scikit-learn's estimator, with a parallel
brute-force ``score_samples`` and exact sampling for every kernel."""

from numbers import Integral, Real

import numpy as np
from scipy.special import gammainc, gammaln
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.neighbors import BallTree, KDTree
from sklearn.neighbors._base import VALID_METRICS
from sklearn.utils.extmath import row_norms
from sklearn.utils.validation import _check_sample_weight

from skgen.base import GenerativeMixin
from skgen.neighbors import _kernels
from skgen.utils._chunking import n_chunks_for
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from skgen.utils._threads import threads_for

_TREES = {"kd_tree": KDTree, "ball_tree": BallTree}
_KERNELS = tuple(_kernels.KERNEL_CODES)
_TREE_METRICS = set(VALID_METRICS["kd_tree"]) | set(VALID_METRICS["ball_tree"])


def _log_unit_ball_volume(d):
    """``log V_d``, ``V_d = pi**(d/2) / Gamma(d/2 + 1)``."""
    return 0.5 * d * np.log(np.pi) - gammaln(0.5 * d + 1.0)


def _log_unit_sphere_area(d):
    """``log S_{d-1}``, the area of the unit sphere in ``d`` dimensions
    (``d * V_d``)."""
    return np.log(2.0) + 0.5 * d * np.log(np.pi) - gammaln(0.5 * d)


def log_kernel_norm(kernel, h, d):
    """Log of the constant that makes ``k(|x| / h)`` a density in ``d``
    dimensions: ``-log int k(|x| / h) dx``.

    Written as ``S_{d-1} h**d int_0^1 t**(d-1) k(t) dt`` (polar coordinates):
    the radial integral is ``1/2`` times ``Gamma(d/2)`` (gaussian, over
    ``2**(d/2)``), ``1/d`` (tophat), ``2/(d(d+2))`` (epanechnikov),
    ``Gamma(d)`` (exponential), ``1/(d(d+1))`` (linear), and for the cosine a
    series that loses about ``log10(d)`` digits. scikit-learn's constants are
    the same except the cosine's: its closed form holds for odd ``d`` only
    (in even ``d`` it is wrong, NaN when 4 divides ``d``) and loses digits to
    cancellation past ``d = 9``.

    Parameters
    ----------
    kernel : str
        One of the six kernels.
    h : float
        Bandwidth.
    d : int
        Dimension.

    Returns
    -------
    log_norm : float
    """
    if kernel == "gaussian":
        log_integral = 0.5 * d * np.log(2.0 * np.pi)
    elif kernel == "tophat":
        log_integral = _log_unit_ball_volume(d)
    elif kernel == "epanechnikov":
        log_integral = _log_unit_ball_volume(d) + np.log(2.0 / (d + 2.0))
    elif kernel == "exponential":
        log_integral = _log_unit_sphere_area(d) + gammaln(d)
    elif kernel == "linear":
        log_integral = _log_unit_ball_volume(d) - np.log(d + 1.0)
    else:
        radial = _kernels.cosine_radial_norm(d)
        log_integral = _log_unit_sphere_area(d) + np.log(radial)
    return -log_integral - d * np.log(h)


def _is_euclidean(metric, metric_params):
    if metric in ("euclidean", "l2"):
        return not metric_params
    if metric in ("minkowski", "p"):
        params = dict(metric_params or {})
        return params.pop("p", 2) == 2 and not params
    return False


class KernelDensity(GenerativeMixin, DensityMixin, BaseEstimator):
    """Kernel density estimation, which samples from all six kernels.

    A drop-in for :class:`sklearn.neighbors.KernelDensity`: the same
    parameters, fitted attributes and log-densities. For the Euclidean metric
    and exact tolerances (``atol=rtol=0``, the defaults), ``score_samples``
    runs a parallel brute-force Numba kernel over all training rows instead of
    scikit-learn's tree (the same values, to rounding; faster above about ten
    features, where a tree prunes little); otherwise it delegates to
    scikit-learn's tree. ``sample`` draws from every kernel exactly (scikit-
    learn samples only 'gaussian' and 'tophat') and also returns the training
    row each sample is centred on. One difference in the API: ``score`` is
    the *mean* log-likelihood, as for every skgen model and scikit-learn's
    ``GaussianMixture``, where scikit-learn's ``KernelDensity.score`` returns
    the sum.

    Read more in the :ref:`User Guide <kde>`.

    Parameters
    ----------
    bandwidth : float or {'scott', 'silverman'}, default=1.0
        Bandwidth ``h`` of the kernel, or the rule that sets it from the
        number of rows ``n`` (whatever their weights) and of features ``d``:
        Scott's ``n**(-1/(d+4))`` or Silverman's ``(n(d+2)/4)**(-1/(d+4))``
        (as scikit-learn; neither looks at the data's spread, so scale the
        data first).

    algorithm : {'auto', 'brute', 'kd_tree', 'ball_tree'}, default='auto'
        How ``score_samples`` runs. 'brute': skgen's parallel kernel over all
        training rows (Euclidean metric only; exact whatever ``atol`` and
        ``rtol``). 'kd_tree', 'ball_tree': scikit-learn's tree, stored as
        ``tree_``. 'auto': 'brute' for the Euclidean metric with
        ``atol=rtol=0``, else the k-d tree if it supports ``metric``, else
        the ball tree. ('brute' is skgen's addition.)

    kernel : {'gaussian', 'tophat', 'epanechnikov', 'exponential', 'linear', \
'cosine'}, default='gaussian'
        Kernel ``k(r)`` of the distance ``r = |x - y| / h``:
        ``exp(-r**2/2)``, ``1``, ``1 - r**2``, ``exp(-r)``, ``1 - r``,
        ``cos(pi r / 2)``; all but the gaussian and the exponential are zero
        for ``r >= 1``.

    metric : str, default='euclidean'
        Distance of the tree path; any metric of scikit-learn's trees. The
        density is normalised only for the Euclidean distance, and only then
        can the estimator ``sample``.

    atol : float, default=0
        Absolute tolerance of the tree path's result.

    rtol : float, default=0
        Relative tolerance of the tree path's result.

    breadth_first : bool, default=True
        Whether the tree path runs breadth first (else depth first).

    leaf_size : int, default=40
        Leaf size of the tree.

    metric_params : dict, default=None
        Parameters of ``metric`` for the tree.

    random_state : int, RandomState instance or None, default=None
        Seeds the stream ``sample`` draws from (skgen's addition: scikit-learn
        takes a seed only in ``sample``).

    Attributes
    ----------
    bandwidth_ : float
        The bandwidth: ``bandwidth`` or the value of its rule.

    tree_ : KDTree or BallTree
        scikit-learn's tree over the training rows, with their weights; only
        when ``score_samples`` uses it (see ``algorithm``).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    See Also
    --------
    sklearn.neighbors.KernelDensity : The estimator this one replaces.
    skgen.mixture.GaussianMixture : A parametric density with few components.

    Notes
    -----
    ``sample`` draws a training row (by its weight), then adds ``h`` times a
    vector with a uniform direction and a radius ``t`` from the radial density
    ``t**(d-1) k(t)``: chi with ``d`` degrees of freedom (gaussian, drawn as a
    normal vector), ``gammainc(d/2, |z|**2/2)**(1/d)`` of a normal vector
    ``z`` (tophat, as scikit-learn), ``sqrt(Beta(d/2, 2))`` (epanechnikov),
    ``Gamma(d)`` (exponential), ``Beta(d, 2)`` (linear), and for the cosine
    the inverse of its radial CDF, to machine precision. For the gaussian and
    tophat kernels the draws are those of scikit-learn's ``sample`` with the
    same ``random_state`` (the generator is consumed in the same order).

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.neighbors import KernelDensity
    >>> rng = np.random.RandomState(42)
    >>> X = rng.random_sample((100, 3))
    >>> kde = KernelDensity(kernel="gaussian", bandwidth=0.5).fit(X)
    >>> kde.score_samples(X[:3])  # scikit-learn's values
    array([-1.52955942, -1.51462041, -1.60244657])
    >>> kde = KernelDensity(kernel="epanechnikov", bandwidth=0.5).fit(X)
    >>> samples, rows = kde.sample(4, random_state=0)
    >>> samples.shape, rows
    ((4, 3), array([54, 71, 60, 54]))
    """

    _parameter_constraints: dict = {
        "bandwidth": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"scott", "silverman"}),
        ],
        "algorithm": [StrOptions({"auto", "brute", "kd_tree", "ball_tree"})],
        "kernel": [StrOptions(set(_KERNELS))],
        "metric": [StrOptions(_TREE_METRICS)],
        "atol": [Interval(Real, 0, None, closed="left")],
        "rtol": [Interval(Real, 0, None, closed="left")],
        "breadth_first": ["boolean"],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "metric_params": [None, dict],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        bandwidth=1.0,
        algorithm="auto",
        kernel="gaussian",
        metric="euclidean",
        atol=0,
        rtol=0,
        breadth_first=True,
        leaf_size=40,
        metric_params=None,
        random_state=None,
    ):
        self.bandwidth = bandwidth
        self.algorithm = algorithm
        self.kernel = kernel
        self.metric = metric
        self.atol = atol
        self.rtol = rtol
        self.breadth_first = breadth_first
        self.leaf_size = leaf_size
        self.metric_params = metric_params
        self.random_state = random_state

    def _choose_algorithm(self):
        euclidean = _is_euclidean(self.metric, self.metric_params)
        if self.algorithm == "brute":
            if not euclidean:
                raise ValueError(
                    "algorithm='brute' computes Euclidean distances only; got "
                    f"metric={self.metric!r} with metric_params="
                    f"{self.metric_params!r}. Use algorithm='auto' for a tree."
                )
            return "brute"
        if self.algorithm == "auto":
            if euclidean and self.atol == 0 and self.rtol == 0:
                return "brute"
            return "kd_tree" if self.metric in KDTree.valid_metrics else "ball_tree"
        if self.metric not in _TREES[self.algorithm].valid_metrics:
            raise ValueError(
                f"metric={self.metric!r} is not valid for algorithm={self.algorithm!r}"
            )
        return self.algorithm

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Store the training rows and set the bandwidth.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows: the centres of the kernels.
        y : None
            Ignored; present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each row's kernel, not all zero. Rows of
            weight zero are dropped: they add nothing to the density and are
            never sampled.

        Returns
        -------
        self : KernelDensity
            The fitted estimator.
        """
        algorithm = self._choose_algorithm()
        X = validate_data(self, X, dtype=[np.float64, np.float32], order="C")
        n_samples, n_features = X.shape
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        if self.bandwidth == "scott":
            self.bandwidth_ = n_samples ** (-1 / (n_features + 4))
        elif self.bandwidth == "silverman":
            self.bandwidth_ = (n_samples * (n_features + 2) / 4) ** (
                -1 / (n_features + 4)
            )
        else:
            self.bandwidth_ = float(self.bandwidth)
        self._algorithm = algorithm
        self._fit_dtype = X.dtype
        X64 = np.ascontiguousarray(X, dtype=np.float64)
        if algorithm != "brute":
            self.tree_ = _TREES[algorithm](
                X64,
                metric=self.metric,
                leaf_size=self.leaf_size,
                sample_weight=sample_weight,
                **(self.metric_params or {}),
            )
        elif hasattr(self, "tree_"):
            del self.tree_
        if sample_weight is None:
            self._rows = np.arange(n_samples)
            self._weights = None
        else:
            self._rows = np.flatnonzero(sample_weight > 0)
            self._weights = sample_weight[self._rows]
        self._centres = X64[self._rows]
        self._start_sample_stream()
        return self

    def _n_parameters(self):
        """The kernels' centres and the bandwidth (as the Parzen window of
        :class:`skgen.GAN`): a KDE keeps its training rows as its model."""
        return self._centres.size + 1

    def score_samples(self, X):
        """Log-density of each row under the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
            ``log p(x_i)``, normalised as a density for the Euclidean metric;
            ``-inf`` where a compact kernel puts no training row in range.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        if self._algorithm != "brute":
            return self._tree_score_samples(X)
        centres = self._centres
        weights = self._weights
        if weights is None:
            weights = np.ones(centres.shape[0])
        total = weights.sum()
        blocks, block_weights = _kernels.pack_blocks(centres, weights)
        n_queries, n_features = X.shape
        with threads_for(n_queries * centres.shape[0] * max(n_features, 4)):
            log_sums = _kernels.log_kernel_sums(
                X,
                blocks,
                block_weights,
                centres.shape[0],
                _kernels.KERNEL_CODES[self.kernel],
                self.bandwidth_,
                n_chunks_for(-(-n_queries // _kernels.TILE), min_per_chunk=4),
            )
        log_norm = log_kernel_norm(self.kernel, self.bandwidth_, n_features)
        return log_sums + (log_norm - np.log(total))

    def _tree_score_samples(self, X):
        """scikit-learn's tree, as :class:`sklearn.neighbors.KernelDensity`."""
        tree = self.tree_
        total = tree.data.shape[0] if tree.sample_weight is None else tree.sum_weight
        log_density = tree.kernel_density(
            X,
            h=self.bandwidth_,
            kernel=self.kernel,
            atol=self.atol * total,
            rtol=self.rtol,
            breadth_first=self.breadth_first,
            return_log=True,
        )
        return log_density - np.log(total)

    def sample(self, n_samples=1, *, random_state=None):
        """Draw rows from the kernel density.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to draw.
        random_state : int, RandomState instance or None, default=None
            None draws from the estimator's stream, created at ``fit`` from
            ``random_state`` and advanced by each call (successive calls
            differ); an int makes the call reproducible. For the gaussian and
            tophat kernels an int gives scikit-learn's draws.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Samples, in the dtype of the training rows.
        rows : ndarray of shape (n_samples,)
            The training row each sample is centred on, drawn with
            probability proportional to its ``sample_weight``.
        """
        rng = self._sample_stream(n_samples, random_state)
        if not _is_euclidean(self.metric, self.metric_params):
            raise NotImplementedError(
                f"KernelDensity samples the Euclidean kernels only; with "
                f"metric={self.metric!r} the density of score_samples is not a "
                "normalised Euclidean kernel density, so there is nothing "
                "exact to sample from."
            )
        centres = self._centres
        n_centres, d = centres.shape
        h = self.bandwidth_
        # The centres, as scikit-learn draws them.
        u = rng.uniform(0, 1, size=n_samples)
        if self._weights is None:
            index = (u * n_centres).astype(np.int64)
        else:
            cumulative = np.cumsum(self._weights)
            index = np.searchsorted(cumulative, u * cumulative[-1])
        index = np.minimum(index, n_centres - 1)
        if self.kernel == "gaussian":
            samples = np.atleast_2d(rng.normal(centres[index], h))
        else:
            z = rng.normal(size=(n_samples, d))
            s_sq = row_norms(z, squared=True)
            s_sq = np.where(s_sq > 0.0, s_sq, 1.0)  # probability zero
            radius = _radius(self.kernel, z, s_sq, d, rng)
            samples = centres[index] + z * (radius * h / np.sqrt(s_sq))[:, np.newaxis]
        return samples.astype(self._fit_dtype, copy=False), self._rows[index]


def _radius(kernel, z, s_sq, d, rng):
    """Radii over ``h`` from the radial density ``t**(d-1) k(t)``, given the
    normal vectors ``z`` (squared norms ``s_sq``) that set the directions."""
    n = z.shape[0]
    if kernel == "tophat":
        # |z|**2 is chi-square(d): its CDF is uniform, and u**(1/d) has
        # density d t**(d-1) on [0, 1]. As scikit-learn.
        return gammainc(0.5 * d, 0.5 * s_sq) ** (1.0 / d)
    if kernel == "epanechnikov":  # t**2 ~ Beta(d/2, 2)
        return np.sqrt(rng.beta(0.5 * d, 2.0, size=n))
    if kernel == "linear":  # t**(d-1) (1 - t): Beta(d, 2)
        return rng.beta(d, 2.0, size=n)
    if kernel == "exponential":  # t**(d-1) exp(-t): Gamma(d)
        return rng.gamma(d, 1.0, size=n)
    return _kernels.cosine_radii(rng.uniform(0, 1, size=n), d)
