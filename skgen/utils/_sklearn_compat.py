"""The one place skgen imports scikit-learn's semi-private helpers.

``validate_data``, ``_fit_context``, the parameter-constraint classes and the
Adam optimiser of the MLPs are what scikit-learn's own estimators use;
``validate_params`` is what its public functions use. They are stable across
the pinned range (see ``pyproject.toml``) and re-exported here so a future
move in scikit-learn is fixed in one file.
"""

from sklearn.base import _fit_context
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import _num_samples, check_is_fitted, validate_data

__all__ = [
    "AdamOptimizer",
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "_fit_context",
    "_num_samples",
    "_safe_indexing",
    "check_is_fitted",
    "validate_data",
    "validate_params",
]
