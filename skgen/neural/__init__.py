"""Neural generative models on a numpy network core (no deep-learning framework)."""

from skgen.neural._gan import GAN
from skgen.neural._semi_supervised_vae import SemiSupervisedVAE
from skgen.neural._vae import VAE

__all__ = ["GAN", "SemiSupervisedVAE", "VAE"]
