"""Full-reference image quality for super-resolution: PSNR, SSIM and sharpness.

All three compare an output with its high-resolution reference under the
conventions of published super-resolution tables:

- Images are uint8, or float in [-1, 1] which is first rounded to uint8
  (`kgan.images.to_uint8`), as saving the output as a PNG would.
- `on="y"` measures the luma Y of ITU-R BT.601 as MATLAB's `rgb2ycbcr`
  computes it, `Y = 16 + (65.481 R + 128.553 G + 24.966 B)` for R, G, B in
  [0, 1] (values 16..235, not rounded); `on="rgb"` measures every channel.
  A grey image (1 channel) is its own Y.
- `crop_border` pixels are removed from every side first; by convention it
  equals the scale factor, where resampling at the border is least defined.
- Values are per image, averaged over a batch `[N, H, W, C]`.

PSNR is `10 log10(255^2 / MSE)`. SSIM is Wang et al. (2004): an 11x11
Gaussian window of sigma 1.5, K1 = 0.01, K2 = 0.03, dynamic range 255,
valid positions only, averaged over the channels (as
`skimage.metrics.structural_similarity(..., gaussian_weights=True,
use_sample_covariance=False, data_range=255)`). Sharpness is the
high-frequency energy (mean squared 3x3 Laplacian of Y) of the outputs
divided by that of the references: 1.0 is as sharp as the reference, a
blurry bicubic upscale scores well below 1, over-sharpened or noisy
outputs above.

Example:

```python
from kgan.metrics import psnr, sharpness, ssim

psnr(output, hr, on="y", crop_border=4)  # dB
ssim(output, hr, on="y", crop_border=4)  # <= 1
sharpness(output, hr, crop_border=4)  # 1.0 = as sharp as hr
```
"""

import numpy as np
import tensorflow as tf

from kgan.images import to_uint8
from kgan.validation import check_int

__all__ = ["psnr", "sharpness", "ssim", "y_channel"]

_Y_WEIGHTS = np.array([65.481, 128.553, 24.966]) / 255.0


def y_channel(images):
    """BT.601 luma as MATLAB's `rgb2ycbcr` (16..235) of uint8 RGB images, float64.

    Args:
        images: uint8 `[..., 3]` (or `[..., 1]`, returned as float).

    Returns:
        float64 `[..., 1]`.

    Example:

    >>> y_channel(np.array([[[255, 255, 255]]], np.uint8))[..., 0]
    array([[235.]])
    """
    images = np.asarray(images, np.float64)
    if images.shape[-1] == 1:
        return images
    return (16.0 + images @ _Y_WEIGHTS)[..., None]


def _prepare(images, reference, on, crop_border):
    images, reference = (to_uint8(np.asarray(x)) for x in (images, reference))
    if images.shape != reference.shape:
        raise ValueError(f"`images` {images.shape} and `reference` {reference.shape} must have "
                         "the same shape.")
    if images.ndim == 3:
        images, reference = images[None], reference[None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"`images` must be [H, W, C] or [N, H, W, C] with C = 1 or 3; got "
                         f"{images.shape}.")
    if on not in ("rgb", "y"):
        raise ValueError(f"`on` must be 'rgb' or 'y'; got {on!r}.")
    crop = check_int(crop_border, "crop_border", minimum=0)
    if min(images.shape[1:3]) <= 2 * crop:
        raise ValueError(f"`crop_border`={crop} leaves nothing of {images.shape[1]}x"
                         f"{images.shape[2]} images.")
    if crop:
        images, reference = images[:, crop:-crop, crop:-crop], reference[:, crop:-crop, crop:-crop]
    if on == "y":
        return y_channel(images), y_channel(reference)
    return images.astype(np.float64), reference.astype(np.float64)


def psnr(images, reference, *, on="rgb", crop_border=0) -> float:
    """Peak signal-to-noise ratio in dB, `10 log10(255^2 / MSE)`, averaged over images.

    Args:
        images: Outputs, `[H, W, C]` or `[N, H, W, C]`, uint8 or float in
            [-1, 1] (rounded to uint8 first).
        reference: High-resolution references of the same shape.
        on: `"rgb"` (all channels) or `"y"` (BT.601 luma, MATLAB's).
        crop_border: Pixels removed from each side first (the scale, by
            convention).

    Returns:
        A float; `inf` when every image equals its reference.

    Example:

    >>> psnr(np.full((4, 4, 3), 10, np.uint8), np.full((4, 4, 3), 11, np.uint8))
    48.1308...
    """
    images, reference = _prepare(images, reference, on, crop_border)
    mse = ((images - reference) ** 2).mean(axis=(1, 2, 3))
    with np.errstate(divide="ignore"):
        return float(np.mean(10.0 * np.log10(255.0 ** 2 / mse)))


def ssim(images, reference, *, on="rgb", crop_border=0) -> float:
    """Structural similarity (Wang et al. 2004), averaged over channels and images.

    Args:
        images: Outputs, `[H, W, C]` or `[N, H, W, C]`, uint8 or float in
            [-1, 1] (rounded to uint8 first); at least 11x11 after cropping.
        reference: High-resolution references of the same shape.
        on: `"rgb"` or `"y"`, as for `psnr`.
        crop_border: Pixels removed from each side first.

    Returns:
        A float in [-1, 1]; 1 for identical images.

    Example:

    ```python
    ssim(output, hr, on="y", crop_border=4)
    ```
    """
    images, reference = _prepare(images, reference, on, crop_border)
    if min(images.shape[1:3]) < 11:
        raise ValueError(f"SSIM needs images of at least 11x11 pixels after `crop_border`; got "
                         f"{images.shape[1]}x{images.shape[2]}.")
    values = tf.image.ssim(tf.constant(images, tf.float32), tf.constant(reference, tf.float32),
                           max_val=255.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03)
    return float(np.mean(values.numpy()))


def _laplacian_energy(y):
    y = y[..., 0]
    laplacian = (y[:, :-2, 1:-1] + y[:, 2:, 1:-1] + y[:, 1:-1, :-2] + y[:, 1:-1, 2:]
                 - 4.0 * y[:, 1:-1, 1:-1])
    return float(np.mean(laplacian ** 2))


def sharpness(images, reference, *, crop_border=0) -> float:
    """High-frequency energy of `images` relative to `reference`'s; 1.0 = as sharp.

    The mean squared 3x3 Laplacian of the luma Y over all images, divided
    by the same of the references.

    Args:
        images: Outputs, `[H, W, C]` or `[N, H, W, C]`, uint8 or float in
            [-1, 1] (rounded to uint8 first).
        reference: High-resolution references of the same shape (not flat).
        crop_border: Pixels removed from each side first.

    Returns:
        A float >= 0.

    Example:

    ```python
    sharpness(bicubic, hr, crop_border=4)  # e.g. 0.2: much blurrier than hr
    ```
    """
    images, reference = _prepare(images, reference, "y", crop_border)
    energy = _laplacian_energy(reference)
    if energy == 0:
        raise ValueError("`reference` is flat (no high frequencies): sharpness is undefined.")
    return _laplacian_energy(images) / energy
