"""Sphinx configuration of the skgen documentation.

Build from the repository root, warnings as errors:

    python -m sphinx -W --keep-going -b html doc doc/_build/html
"""

import os
import re
import sys

# Document the package of this work tree, not an installed copy.
sys.path.insert(0, os.path.abspath(".."))

import skgen  # noqa: E402

# -- Project -------------------------------------------------------------------

project = "skgen"
author = "The skgen developers"
copyright = "2026, The skgen developers"
version = release = skgen.__version__

# -- Extensions ----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# The build runs without network, so there is no intersphinx: references to
# other projects (e.g. ``sklearn.mixture.GaussianMixture`` in a "See Also"
# section) stay plain text, and must not be reported as broken.
nitpicky = False

autosummary_generate = True
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_class_members_toctree = False

templates_path = ["_templates"]
# ``examples`` holds the gallery's sources: sphinx-gallery turns them into
# ``auto_examples``, whose copies of the scripts and notebooks are not pages.
exclude_patterns = [
    "_build",
    "examples",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.codeobj.json",
]

# -- Gallery -------------------------------------------------------------------
# sphinx-gallery runs each example with matplotlib's non-interactive "Agg"
# backend and collects every figure it leaves open.

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    # "Examples using X" lists on the API pages (``minigallery`` in the
    # class template).
    "doc_module": ("skgen",),
    "backreferences_dir": "generated/backreferences",
}

# -- HTML ----------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skgen {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
}


def _plain_sklearn_refs(app, what, name, obj, options, lines):
    """Inherited scikit-learn docstrings cross-reference scikit-learn's own
    user guide and glossary, which this build does not have: keep their text."""
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn"):
        return
    pattern = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<[^>]*>)?`")
    for i, line in enumerate(lines):
        lines[i] = pattern.sub(lambda m: m.group(1) or "", line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_refs)
