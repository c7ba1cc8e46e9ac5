"""Kernel density estimation."""

from skgen.neighbors._kde import KernelDensity

__all__ = ["KernelDensity"]
