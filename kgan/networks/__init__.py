"""Generator/discriminator pairs registered by name.

Example:

```python
generator, discriminator = kgan.networks.get(
    "dcgan", image_shape=(28, 28, 1), latent_dim=64
)
```
"""

from kgan.networks.registry import get, names, register
from kgan.networks.dcgan import DCGANDiscriminator, DCGANGenerator

__all__ = ["get", "names", "register", "DCGANGenerator", "DCGANDiscriminator"]

from kgan.networks.text import (  # noqa: E402
    ConvTextCritic, ConvTextGenerator, TextCNNDiscriminator, TextGenerator,
)

__all__ += ["TextGenerator", "TextCNNDiscriminator", "ConvTextGenerator", "ConvTextCritic"]
