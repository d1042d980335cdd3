"""Tests for kgan.metrics.image_quality: PSNR, SSIM, sharpness, against scikit-image and by hand."""

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from kgan.datasets import photos
from kgan.metrics import psnr, sharpness, ssim, y_channel


@pytest.fixture(scope="module")
def pair():
    """A held-out photo crop and its x4 bicubic reconstruction."""
    hr = photos.held_out_images()[0][1][100:196, 200:296]
    return photos.bicubic_upscale(photos.downscale(hr, 4), 4), hr


def test_psnr_by_hand():
    a, b = np.full((4, 4, 3), 10, np.uint8), np.full((4, 4, 3), 11, np.uint8)
    assert psnr(a, b) == pytest.approx(10 * np.log10(255 ** 2))
    b[0, 0, 0] = 14  # MSE = (47 * 1 + 16) / 48
    assert psnr(a, b) == pytest.approx(10 * np.log10(255 ** 2 * 48 / 63))
    assert psnr(a, a) == np.inf


def test_psnr_and_ssim_match_scikit_image(pair):
    out, hr = pair
    assert psnr(out, hr) == pytest.approx(peak_signal_noise_ratio(hr, out, data_range=255))
    expected = structural_similarity(hr, out, channel_axis=-1, data_range=255,
                                     gaussian_weights=True, sigma=1.5,
                                     use_sample_covariance=False)
    assert ssim(out, hr) == pytest.approx(expected, abs=1e-4)
    y_out, y_hr = y_channel(out)[4:-4, 4:-4, 0], y_channel(hr)[4:-4, 4:-4, 0]
    assert psnr(out, hr, on="y", crop_border=4) == pytest.approx(
        peak_signal_noise_ratio(y_hr, y_out, data_range=255))
    assert ssim(out, hr, on="y", crop_border=4) == pytest.approx(
        structural_similarity(y_hr, y_out, data_range=255, gaussian_weights=True, sigma=1.5,
                              use_sample_covariance=False), abs=1e-4)


def test_y_is_matlab_rgb2ycbcr():
    rgb = np.array([[[0, 0, 0], [255, 255, 255], [255, 0, 0], [10, 200, 30]]], np.uint8)
    expected = [16, 235, 16 + 65.481, 16 + (65.481 * 10 + 128.553 * 200 + 24.966 * 30) / 255]
    np.testing.assert_allclose(y_channel(rgb)[0, :, 0], expected)


def test_float_images_are_rounded_like_a_saved_png(pair):
    out, hr = pair
    as_float = out.astype(np.float32) / 127.5 - 1 + 0.001  # less than half a grey level
    assert psnr(as_float, hr) == psnr(out, hr)
    assert ssim(as_float[None], hr[None]) == pytest.approx(ssim(out, hr))


def test_sharpness_ranks_blur_below_one_and_noise_above(pair):
    out, hr = pair
    noise = np.random.default_rng(0).normal(0, 20, hr.shape)
    noisy = np.clip(hr + noise, 0, 255).astype(np.uint8)
    assert sharpness(hr, hr) == 1.0
    assert sharpness(out, hr, crop_border=4) < 0.6
    assert sharpness(noisy, hr, crop_border=4) > 1.5


def test_bad_arguments_are_named(pair):
    out, hr = pair
    with pytest.raises(ValueError, match="`on` must be 'rgb' or 'y'"):
        psnr(out, hr, on="luma")
    with pytest.raises(ValueError, match="must have the same shape"):
        ssim(out[:90], hr)
    with pytest.raises(ValueError, match="`crop_border`=48 leaves nothing"):
        psnr(out, hr, crop_border=48)
    with pytest.raises(ValueError, match="flat"):
        sharpness(out, np.zeros_like(hr))
