"""
Regime detection with a Gaussian HMM
====================================

A series switches between a calm regime and a volatile one. A
:class:`skgen.hmm.GaussianHMM` with two states is fitted to it; the posterior
probability of the volatile state (``predict_proba``) is drawn under the series,
and the Viterbi path (``predict``) shades the periods it assigns to it.
"""

# %%
# A series with hidden regimes: returns with small or large spread.
import matplotlib.pyplot as plt
import numpy as np

from skgen.hmm import GaussianHMM

rng = np.random.default_rng(3)
n_steps = 1000
regime = np.zeros(n_steps, dtype=int)
for t in range(1, n_steps):
    stay = 0.98 if regime[t - 1] == 0 else 0.95
    regime[t] = regime[t - 1] if rng.random() < stay else 1 - regime[t - 1]
returns = rng.normal(0.0, np.where(regime == 1, 2.5, 0.6))
X = returns[:, np.newaxis]

# %%
# Fit two states; call the one with the larger variance "volatile".
model = GaussianHMM(n_components=2, n_iter=100, random_state=0).fit(X)
volatile = int(np.argmax(model.covars_[:, 0, 0]))
posterior = model.predict_proba(X)[:, volatile]
path = model.predict(X) == volatile
agreement = np.mean(path == (regime == 1))
print(f"states agree with the true regimes on {agreement:.1%} of steps")
print("transition matrix:\n", model.transmat_.round(3))

fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5), sharex=True)
top.plot(returns, lw=0.6, color="black")
top.fill_between(
    np.arange(n_steps),
    returns.min(),
    returns.max(),
    where=path,
    color="tab:red",
    alpha=0.15,
    label="Viterbi: volatile",
)
top.set_ylabel("return")
top.legend(loc="upper right")
bottom.plot(posterior, color="tab:red", lw=1)
bottom.step(
    np.arange(n_steps), regime, where="mid", color="grey", lw=0.8, label="true regime"
)
bottom.set_ylabel("p(volatile | series)")
bottom.set_xlabel("step")
bottom.legend(loc="upper right")
fig.tight_layout()
plt.show()
