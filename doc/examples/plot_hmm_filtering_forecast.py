"""
Filtered and smoothed regimes of US GDP growth, and a forecast
==============================================================

Quarterly growth of US real GDP, 1959-2009 (the ``macrodata`` set that ships
with statsmodels), modelled by a :class:`skgen.hmm.GaussianHMM` with three
states: contraction, steady growth and fast growth.

Two probabilities of being in a contraction are drawn under the series:

- ``filter_proba`` gives :math:`p(z_t \\mid x_1, \\dots, x_t)`, what was known
  at the end of quarter :math:`t` -- what an online system would have said;
- ``predict_proba`` gives :math:`p(z_t \\mid x_1, \\dots, x_T)`, with hindsight
  of the whole series. It flags contractions earlier and more sharply,
  because it sees the quarters that followed.

From the end of the series, ``forecast`` propagates the filtered state
probabilities through the transition matrix: the predictive mean of the next
twelve quarters and a band of the predictive law (a mixture of the states'
Gaussians, whose quantiles are computed exactly here), with three paths drawn
by ``sample(given=X)``, which continues the series from where it stands.
"""

# %%
# The data and the model. Growth is annualised, in percent.
import matplotlib.pyplot as plt
import numpy as np
import statsmodels.api as sm
from scipy.optimize import brentq
from scipy.stats import norm

from skgen.hmm import GaussianHMM

data = sm.datasets.macrodata.load_pandas().data
growth = 400 * np.diff(np.log(data["realgdp"].to_numpy()))
quarters = (data["year"] + (data["quarter"] - 1) / 4).to_numpy()[1:]
X = growth[:, np.newaxis]

model = GaussianHMM(n_components=3, n_iter=200, n_init=5, random_state=0).fit(X)
order = np.argsort(model.means_[:, 0])  # contraction, steady, fast
contraction = order[0]
for name, k in zip(["contraction", "steady", "fast"], order):
    print(
        f"{name:>11}: mean {model.means_[k, 0]:5.2f}%, "
        f"sd {np.sqrt(model.covars_[k, 0, 0]):.2f}, "
        f"stays {model.transmat_[k, k]:.2f} of quarters"
    )

filtered = model.filter_proba(X)[:, contraction]
smoothed = model.predict_proba(X)[:, contraction]

# %%
# The forecast: twelve quarters from the end of the series.
n_ahead = 12
result = model.forecast(X, n_steps=n_ahead)
mean = result.mean[0, :, 0]
sd = np.sqrt(model.covars_[:, 0, 0])


def mixture_quantile(weights, q):
    """Quantile q of sum_k weights_k N(means_k, sd_k^2), by root finding."""
    cdf = lambda x: weights @ norm.cdf(x, model.means_[:, 0], sd) - q  # noqa: E731
    return brentq(cdf, -50.0, 50.0)


band = np.array(
    [[mixture_quantile(p, q) for q in (0.1, 0.9)] for p in result.state_proba[0]]
)
paths = [
    model.sample(n_ahead, given=X, random_state=seed)[0][:, 0] for seed in range(3)
]
ahead = quarters[-1] + 0.25 * np.arange(1, n_ahead + 1)
print("predictive mean, next 4 quarters:", mean[:4].round(2))
print(
    "p(contraction), next 4 quarters:", result.state_proba[0, :4, contraction].round(2)
)

# %%
fig, (top, bottom) = plt.subplots(
    2, 1, figsize=(9, 6), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
)
top.plot(quarters, growth, color="black", lw=0.8, label="GDP growth")
top.fill_between(ahead, band[:, 0], band[:, 1], color="tab:blue", alpha=0.25,
                 label="forecast, 10-90% band")  # fmt: skip
top.plot(ahead, mean, color="tab:blue", lw=1.5, label="forecast mean")
for i, path in enumerate(paths):
    top.plot(ahead, path, color="tab:blue", lw=0.6, ls="--",
             label="sample(given=X)" if i == 0 else None)  # fmt: skip
top.axhline(0, color="grey", lw=0.5)
top.set_ylabel("growth, % a year")
top.legend(loc="lower left", fontsize=8)
bottom.plot(quarters, filtered, color="tab:red", lw=1, label="filtered (past only)")
bottom.plot(quarters, smoothed, color="black", lw=1, ls=":",
            label="smoothed (whole series)")  # fmt: skip
bottom.plot(ahead, result.state_proba[0, :, contraction], color="tab:blue", lw=1.5,
            label="forecast")  # fmt: skip
bottom.set_ylabel("p(contraction)")
bottom.set_xlabel("year")
bottom.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()
