"""Generator/discriminator pairs registered by name.

Example:

```python
generator, discriminator = kgan.networks.get(
    "dcgan", image_shape=(28, 28, 1), latent_dim=64
)
```
"""

from kgan.networks.registry import get, names, register
from kgan.networks.layers import FusedBatchNormalization
from kgan.networks.dcgan import DCGANDiscriminator, DCGANGenerator
from kgan.networks.conditional import ConditionalDCGANDiscriminator, ConditionalDCGANGenerator
from kgan.networks.text import (
    ConvTextCritic,
    ConvTextGenerator,
    TextCNNDiscriminator,
    TextGenerator,
)
from kgan.networks.pix2pix import PatchGANDiscriminator, UNetGenerator
from kgan.networks.resnet_generator import (
    CropToMatch,
    PadToMultiple,
    PatchDiscriminator,
    ReflectionPadding2D,
    ResnetGenerator,
)
from kgan.networks.srresnet import (
    BicubicUpsample,
    PixelShuffle,
    SRDiscriminator,
    SRResNetGenerator,
)

__all__ = [
    "get",
    "names",
    "register",
    "FusedBatchNormalization",
    "DCGANGenerator",
    "DCGANDiscriminator",
    "ConditionalDCGANGenerator",
    "ConditionalDCGANDiscriminator",
    "TextGenerator",
    "TextCNNDiscriminator",
    "ConvTextGenerator",
    "ConvTextCritic",
    "SRResNetGenerator",
    "SRDiscriminator",
    "PixelShuffle",
    "BicubicUpsample",
    "UNetGenerator",
    "PatchGANDiscriminator",
    "ResnetGenerator",
    "PatchDiscriminator",
    "ReflectionPadding2D",
    "PadToMultiple",
    "CropToMatch",
]
