"""``python -m skgen``: the command line (see :mod:`skgen._cli`)."""

from skgen._cli import console

if __name__ == "__main__":
    console()
