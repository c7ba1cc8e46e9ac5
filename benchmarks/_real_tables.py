"""Real public tables that load offline, typed as a user would type them.

They ship inside statsmodels (a benchmark-only dependency): integers as
int64, categories as pandas ``category`` (or bool), continuous values as
float64. Each has categories, counts and bounded columns, and values that
many rows share (0, a cap).
"""

import numpy as np
import pandas as pd


def _int(values):
    values = np.asarray(values, dtype=float)
    assert np.all(values == np.round(values)), "not integer-valued"
    return values.astype(np.int64)


def anes96():
    """American National Election Studies 1996: 944 rows x 10 columns.

    Counts with many zeros (``popul``), days per week 0..7 with 31% at 7,
    1..7 scales, income brackets, party and education as categories.
    ``logpopul`` (a function of ``popul``) is left out.
    """
    import statsmodels.datasets as datasets

    raw = datasets.anes96.load_pandas().data
    return pd.DataFrame(
        {
            "popul": _int(raw.popul),
            "TVnews": _int(raw.TVnews),
            "selfLR": _int(raw.selfLR),
            "ClinLR": _int(raw.ClinLR),
            "DoleLR": _int(raw.DoleLR),
            "PID": pd.Categorical(_int(raw.PID), categories=range(7)),
            "age": _int(raw.age),
            "educ": pd.Categorical(_int(raw.educ), categories=range(1, 8)),
            "income": _int(raw.income),
            "vote": pd.Categorical(np.where(raw.vote == 1, "Dole", "Clinton")),
        }
    )


def fair():
    """Fair's 1978 affairs survey: 6,366 rows x 9 columns.

    1..5 and 1..4 scales, occupations as categories, ages and years on a grid
    of a few values, and ``affairs``, continuous, 0 for 68% of rows.
    """
    import statsmodels.datasets as datasets

    raw = datasets.fair.load_pandas().data
    return pd.DataFrame(
        {
            "rate_marriage": _int(raw.rate_marriage),
            "age": raw.age.astype(float),
            "yrs_married": raw.yrs_married.astype(float),
            "children": raw.children.astype(float),
            "religious": _int(raw.religious),
            "educ": _int(raw.educ),
            "occupation": pd.Categorical(_int(raw.occupation), categories=range(1, 7)),
            "occupation_husb": pd.Categorical(
                _int(raw.occupation_husb), categories=range(1, 7)
            ),
            "affairs": raw.affairs.astype(float),
        }
    )


def randhie(n_rows=5000, seed=0):
    """RAND Health Insurance Experiment: 8 columns, ``n_rows`` of its 20,190.

    Visits (a count, 31% zeros), a coinsurance rate (a category of five
    rates), a bounded share in [0, 1] that is 0 for 83% of rows, skewed
    non-negative amounts with many zeros, health as a category. A random
    subsample keeps the neural peers' fits under an hour.
    """
    import statsmodels.datasets as datasets

    raw = datasets.randhie.load_pandas().data
    coins = np.rint(np.expm1(raw.lncoins)).astype(int)
    health = np.select(
        [raw.hlthg == 1, raw.hlthf == 1, raw.hlthp == 1],
        ["good", "fair", "poor"],
        default="excellent",
    )
    frame = pd.DataFrame(
        {
            "mdvis": _int(raw.mdvis),
            "coins": pd.Categorical(coins, categories=[0, 25, 50, 95, 100]),
            "idp": raw.idp.astype(bool),
            "lpi": raw.lpi.astype(float),
            "fmde": raw.fmde.astype(float),
            "physlm": raw.physlm.astype(float),
            "disea": raw.disea.astype(float),
            "health": pd.Categorical(
                health, categories=["excellent", "good", "fair", "poor"]
            ),
        }
    )
    rows = np.random.RandomState(seed).permutation(len(frame))[:n_rows]
    return frame.iloc[np.sort(rows)].reset_index(drop=True)


def randhie_raw():
    """RAND Health Insurance Experiment as statsmodels ships it: 20,190 rows
    x 10 columns.

    The columns of :func:`randhie` before typing: ``lncoins`` (log of 1 +
    the coinsurance rate, five values), the health indicators ``hlthg``,
    ``hlthf``, ``hlthp`` and ``idp`` and ``physlm`` as 0/1 numbers, visits
    ``mdvis`` as integers. What a user who reads the CSV file gets; through
    ``skgen synth`` (20% held out) and the GAN's Parzen hold-out (10%),
    14,537 rows train the networks.
    """
    import statsmodels.datasets as datasets

    raw = datasets.randhie.load_pandas().data
    frame = raw.astype(float)
    for column in ("mdvis", "idp", "hlthg", "hlthf", "hlthp"):
        frame[column] = _int(raw[column])
    return frame


def star98():
    """California school districts: 303 rows x 14 columns.

    Percentages in [0, 100], two of them 0 for most rows; counts of pupils
    above and below a score. The interaction columns are left out.
    """
    import statsmodels.datasets as datasets

    raw = datasets.star98.load_pandas().data
    columns = [
        "NABOVE", "NBELOW", "LOWINC", "PERASIAN", "PERBLACK", "PERHISP",
        "PERMINTE", "AVYRSEXP", "AVSALK", "PERSPENK", "PTRATIO", "PCTAF",
        "PCTCHRT", "PCTYRRND",
    ]  # fmt: skip
    frame = raw[columns].astype(float).copy()
    frame["NABOVE"] = _int(frame.NABOVE)
    frame["NBELOW"] = _int(frame.NBELOW)
    return frame


TABLES = {"anes96": anes96, "fair": fair, "randhie": randhie, "star98": star98}
