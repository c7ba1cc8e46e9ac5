"""Shared Gaussian log-density kernels against scipy.stats."""

import numpy as np
import pytest

from tests._gaussian_problems import (
    kernel_weighted_log_prob,
    random_problem,
    reference_weighted_log_prob,
)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("n_chunks", [1, 7])
def test_weighted_log_prob_matches_scipy(covariance_type, n_chunks):
    problem = random_problem(covariance_type)
    ours = kernel_weighted_log_prob(*problem, covariance_type, n_chunks)
    np.testing.assert_allclose(
        ours, reference_weighted_log_prob(*problem, covariance_type), rtol=1e-11
    )
