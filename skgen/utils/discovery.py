"""Discovery of skgen's estimators, for tests, benchmarks and the docs."""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter

from sklearn.base import BaseEstimator

# Modules that hold no estimator; importing them would only cost time.
_SKIP = {"skgen.__main__", "skgen._cli", "skgen.tests"}


def all_estimators():
    """Every public skgen estimator.

    Walks the ``skgen`` package and returns the public, concrete classes that
    subclass both :class:`sklearn.base.BaseEstimator` and
    :class:`skgen.base.GenerativeMixin`. Importing the modules compiles no
    Numba kernel (they compile lazily, on first call).

    Returns
    -------
    estimators : list of (name, class)
        Sorted by name, each class listed once.

    Examples
    --------
    >>> from skgen.utils import all_estimators
    >>> dict(all_estimators())["GaussianMixture"]
    <class 'skgen.mixture._gaussian_mixture.GaussianMixture'>
    """
    import skgen
    from skgen.base import GenerativeMixin

    found = {}
    for module_info in pkgutil.walk_packages(skgen.__path__, prefix="skgen."):
        name = module_info.name
        if name in _SKIP or ".tests" in name:
            continue
        module = import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                not cls_name.startswith("_")
                and cls.__module__.startswith("skgen.")
                and issubclass(cls, BaseEstimator)
                and issubclass(cls, GenerativeMixin)
                and not inspect.isabstract(cls)
            ):
                found[cls_name] = cls
    return sorted(found.items(), key=itemgetter(0))
