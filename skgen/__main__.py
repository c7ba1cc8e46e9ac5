"""``python -m skgen``: the main job on bundled data."""

import sys

from skgen._cli import main

if __name__ == "__main__":
    sys.exit(main())
