"""The ``skgen`` command line.

``skgen`` alone runs the main job on a bundled data set: it fits each model
family, prints held-out log-likelihoods, sample quality and the
generative-vs-discriminative comparison, and writes a report folder.
``skgen compare`` runs learning curves; ``skgen synth`` writes synthetic rows
of a CSV file with a quality report; ``skgen warmup`` compiles every kernel
ahead of first use.

One module per command (``_main_job``, ``_compare``, ``_synth``), their
parsers in ``_parsers`` and what they share in ``_common``. A command is a
function ``run(args, out)`` that returns the exit code, or raises
:class:`CommandError` for a problem with the user's input.
"""

import sys

import numpy as np

from skgen._cli import _compare, _main_job, _synth, _warmup
from skgen._cli._common import CommandError
from skgen._cli._parsers import (
    compare_parser,
    main_parser,
    synth_parser,
    warmup_parser,
)

__all__ = ["CommandError", "console", "main"]

# Sub-command name: (its parser, the function that runs it).
_SUB_COMMANDS = {
    "compare": (compare_parser, _compare.run),
    "synth": (synth_parser, _synth.run),
    "warmup": (warmup_parser, _warmup.run),
}


def main(argv=None, out=None):
    """Entry point of ``skgen`` and ``python -m skgen``.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; None reads ``sys.argv``.
    out : file-like object, default=None
        Where the report is printed; None is ``sys.stdout``.

    Returns
    -------
    exit_code : int
        0 on success. Bad arguments and input exit with code 2 and a
        one-line message on standard error (:class:`SystemExit`).
    """
    out = sys.stdout if out is None else out
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, run, args = _parse(argv)
    try:
        with np.printoptions(precision=3, suppress=True):
            return run(args, out)
    except CommandError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")


def console():
    """The ``skgen`` program: :func:`main`, then a prompt exit.

    Output is flushed, the ``atexit`` handlers run (temporary folders of
    joblib, Dask clients: well under a millisecond today) and the process
    exits without the interpreter's teardown of the native thread pools
    (Numba's, BLAS's, OpenMP's), which took 0.3 to 0.5 s after a run, a
    quarter of the time ``skgen synth`` adds to a fit. Every file the
    commands write is closed before.
    """
    import atexit
    import logging
    import os

    try:
        code = main()
    except SystemExit as done:  # argparse's errors and --help
        code = done.code if isinstance(done.code, int) else (1 if done.code else 0)
        if done.code is not None and not isinstance(done.code, int):
            print(done.code, file=sys.stderr)
    atexit._run_exitfuncs()  # what os._exit would skip
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def _parse(argv):
    """The parser of the command in ``argv``, the function to run, its arguments."""
    if argv and argv[0] in _SUB_COMMANDS:
        make_parser, run = _SUB_COMMANDS[argv[0]]
        parser = make_parser()
        args = parser.parse_args(argv[1:])
    else:
        parser, run = main_parser(), _main_job.run
        args = parser.parse_args(argv)
        if args.max_components < 1:
            parser.error("--max-components must be at least 1")
    if getattr(args, "splits", 2) < 2:
        parser.error("--splits must be at least 2")
    if getattr(args, "epochs", 1) < 1:
        parser.error("--epochs must be at least 1")
    return parser, run, args
