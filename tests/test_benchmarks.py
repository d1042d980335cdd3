"""The benchmark scripts still run (their figures come from full runs)."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO


def test_throughput_quick_run_prints_every_row_and_target():
    result = subprocess.run([sys.executable, "benchmarks/throughput.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for row in ("keras-io nets, hand-written", "keras-io nets, kgan.GAN", "kgan dcgan 28px",
                "kgan dcgan 28px, Keras BN", "kgan dcgan 64px", "kgan cgan 28px"):
        assert f"\n{row} " in out
    assert "ratio kgan.GAN / hand-written" in out
    assert "of the matmul GFLOP/s" in out and "the hand-written reference's images/s" in out
    assert "Where the time goes" in out and "sub-pixel conv" in out


def test_scaling_quick_run_prints_three_tables():
    result = subprocess.run([sys.executable, "benchmarks/scaling.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "\nbatch 4 " in out and "\nbatch 8 " in out
    assert "\n16x16 " in out and "FLOPs x" in out
    assert "\n2 replicas, batch 8 " in out and "2 replicas at" in out


def test_flop_count_of_a_dcgan_by_hand():
    from benchmarks.common import forward_flops, step_flops
    import kgan

    generator, discriminator = kgan.networks.get("dcgan", image_shape=(8, 8, 1), latent_dim=4,
                                                 filters=2)
    # Dense 4 -> 4*4*4; transposed conv 4x4 from 4x4x4 to 8x8x2; conv 3x3 2 -> 1 at 8x8.
    g = 2 * (4 * 64 + 4 * 4 * (4 * 4 * 4 * 2) + 8 * 8 * (3 * 3 * 2 * 1))
    # Conv 4x4 stride 2 1 -> 2 at 4x4 out; conv 3x3 2 -> 4 at 4x4; dense 64 -> 1.
    d = 2 * (4 * 4 * (4 * 4 * 1 * 2) + 4 * 4 * (3 * 3 * 2 * 4) + 64 * 1)
    assert forward_flops(generator) == g
    assert forward_flops(discriminator) == d
    assert step_flops(generator, discriminator, 8) == 8 * (3 * g + 7 * d)
    assert step_flops(generator, discriminator, 8, generator_passes=2) == 8 * (4 * g + 8 * d)
    sn = kgan.networks.DCGANDiscriminator(image_shape=(8, 8, 1), filters=2, spectral_norm=True)
    assert forward_flops(sn) == d


@pytest.mark.large
def test_quality_quick_run_prints_the_table():
    result = subprocess.run([sys.executable, "benchmarks/quality.py", "--data", "digits",
                             "--cpu-seconds", "2", "--recipes", "baseline,ema_sn_diffaug"],
                            cwd=REPO, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    assert set(rows) == {"real-vs-real", "baseline", "ema_sn_diffaug"}
    assert float(rows["real-vs-real"][2]) < float(rows["baseline"][3])  # FD: floor below a GAN


def test_train_recipes_trains_each_recipe_with_the_cli_and_scores_it(tmp_path):
    out = tmp_path / "recipes"
    command = [sys.executable, "benchmarks/train_recipes.py", "--data", "digits", "--epochs", "1",
               "--n", "300", "--out", str(out),
               "--recipe", "small=--batch-size 64 --filters 2 --latent-dim 4 --ema-decay 0",
               "--recipe", "wider=--batch-size 32 --filters 4 --latent-dim 4"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    assert set(rows) == {"floor", "small", "wider"}
    floor = float(rows["floor"][1])
    # 1,797 digits: 28 updates at batch 64, 56 at 32.
    assert rows["small"][-7] == "28" and rows["wider"][-7] == "56"
    for name in ("small", "wider"):
        fd, ratio = float(rows[name][-5]), float(rows[name][-4])
        assert fd > floor > 0  # one epoch of a 2-filter GAN is far from real data
        # The table rounds FD and the floor to 3 decimals and the ratio to 2.
        assert ratio == pytest.approx(fd / floor, rel=1e-3, abs=0.006)
        with open(out / name / "run.json") as f:
            assert json.load(f)["epochs"] == 1
    assert json.loads((out / "wider" / "run.json").read_text())["filters"] == 4

    again = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    assert again.returncode == 2 and "already exists" in again.stderr


def test_sample_memory_prints_a_row_per_n():
    result = subprocess.run([sys.executable, "benchmarks/sample_memory.py", "--n", "10", "20"],
                            cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert [row[0] for row in rows] == ["10", "20"]
    assert all(float(row[1]) > 100 for row in rows)  # MB: TensorFlow alone is more


def test_time_to_quality_times_each_row_and_seed():
    tiny = "filters=2,latent_dim=4,batch_size=32,ema_decay=0,steps_per_execution=1"
    command = [sys.executable, "benchmarks/time_to_quality.py", "--data", "digits",
               "--image-size", "8", "--seeds", "0", "--every", "64", "--max-images", "192",
               "--n", "300", "--curves", "--row", f"tiny={tiny}",
               "--row", f"pairs={tiny},steps_per_execution=2", "--row", f"lazy={tiny},r1_every=2"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("  CPU model") for line in lines)
    floor = float(next(line for line in lines if line.startswith("Floor:")).split()[2])
    per_seed = [line.split() for line in lines
                if line.split()[:2] in (["tiny", "0"], ["pairs", "0"], ["lazy", "0"])]
    assert len(per_seed) == 3
    curves = [line for line in lines if line.startswith("    FD by thousands of images: ")]
    assert len(curves) == 3 and all(line.count(",") == 2 for line in curves)
    # Two steps per call stop after the same 6 steps, with the same weights: the same FD.
    assert float(per_seed[1][4]) == pytest.approx(float(per_seed[0][4]), rel=1e-3)
    for row in per_seed:
        # Three evaluations of a 2-filter GAN: nowhere near the floor, so "-" twice.
        assert row[2:4] == ["-", "-"]
        fd, ratio = float(row[4]), float(row[5])
        assert fd > floor > 0 and ratio == pytest.approx(fd / floor, rel=2e-3, abs=0.006)
    medians = {line.split()[0]: line.split() for line in lines[lines.index(
        next(line for line in lines if line.startswith("Medians"))) + 2:]}
    assert set(medians) == {"tiny", "pairs", "lazy"} and medians["lazy"][1] == "float32"
    assert "r1_every=2" in " ".join(medians["lazy"])


def test_precision_quick_run_compares_both_policies():
    result = subprocess.run([sys.executable, "benchmarks/precision.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("  CPU model") for line in lines)
    gflops = {line.split()[0]: float(line.split()[1]) for line in lines
              if line.strip().endswith("GFLOP/s") and line.split()[0] in ("float32", "bfloat16")}
    assert set(gflops) == {"float32", "bfloat16"} and min(gflops.values()) > 0
    ratio = next(line for line in lines if "bfloat16 / float32:" in line)
    assert float(ratio.split()[-1].rstrip("x")) == pytest.approx(
        gflops["bfloat16"] / gflops["float32"], rel=0.02, abs=0.01)
    row = lines[lines.index(next(line for line in lines if line.startswith(" batch"))) + 1]
    batch, f32, bf16, speedup, auto = row.split()
    assert batch == "4" and float(f32) > 0 and float(bf16) > 0
    assert float(speedup.rstrip("x")) == pytest.approx(float(bf16) / float(f32), rel=0.05,
                                                       abs=0.01)
    from kgan import precision
    assert auto == ("mixed_bfloat16" if precision.bfloat16_hardware() and
                    float(speedup.rstrip("x")) >= precision.AUTO_MIN_SPEEDUP else "float32")


def _benchmark(name):
    import importlib

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


def test_super_resolution_table_and_figure_of_an_untrained_model(tmp_path):
    import numpy as np
    from PIL import Image

    import kgan

    bench = _benchmark("super_resolution")
    model = kgan.tasks.get("super-resolution").build("srresnet-photos-x4", filters=4, blocks=0)
    data = bench.held_out(4)
    assert [(name, hr.shape, lr.shape) for name, hr, lr in data] == [
        ("chelsea", (300, 448, 3), (75, 112, 3)), ("coffee", (400, 600, 3), (100, 150, 3)),
        ("flower", (424, 640, 3), (106, 160, 3))]
    data = [(name, hr[:192, :192], lr[:48, :48]) for name, hr, lr in data]  # seconds, not minutes
    outputs = bench.upscalings(model, data)
    extractor = bench.patch_extractor(0, per_photo=8, epochs=1)
    rows = {row[0]: row[1:] for row in bench.quality_table(outputs, data, extractor, 4)}
    assert list(rows) == ["bicubic", "PSNR model", "GAN"]
    bicubic_psnr = np.mean([kgan.metrics.psnr(out, hr, crop_border=4)
                            for out, (_, hr, _) in zip(outputs["bicubic"], data)])
    assert rows["bicubic"][0] == bicubic_psnr and 20 < bicubic_psnr < 40
    assert rows["bicubic"][4] < 0.1  # sharpness: far blurrier than HR
    assert all(np.isfinite(values[5]) and values[5] > 0 for values in rows.values())  # FD
    references = [hr for _, hr, _ in data]
    assert bench.patch_fd(extractor, references, references) == pytest.approx(0, abs=1e-6)

    size = bench.figure(outputs, data, tmp_path / "figure.png", crop=96)
    assert size < 200 * 1024
    assert np.asarray(Image.open(tmp_path / "figure.png")).shape == (3 * 98 + 2, 4 * 98 + 2, 3)


@pytest.mark.large
def test_super_resolution_quick_run_trains_and_measures(tmp_path):
    result = subprocess.run([sys.executable, "benchmarks/super_resolution.py", "--quick",
                             "--figure", str(tmp_path / "x4.png")], cwd=REPO,
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for row in ("| bicubic |", "| PSNR model |", "| GAN |"):
        assert row in out
    assert "output megapixels/s" in out and "peak RSS" in out and "CPU model" in out
    assert (tmp_path / "x4.png").stat().st_size < 200 * 1024


@pytest.mark.large
def test_image_to_image_quick_run_prints_every_row_and_target():
    result = subprocess.run([sys.executable, "benchmarks/image_to_image.py", "--quick"],
                            cwd=REPO, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Model name" in out and "Flags" in out  # lscpu
    for row in ("identity", "L1-only U-Net", "pix2pix", "CycleGAN", "real targets",
                "inpaint GAN", "kgan Pix2Pix.fit (EMA off)",
                "kgan train_step, the same loop", "hand-written, two tapes"):
        assert f"\n{row} " in out, row
    assert "held-out characters D J P V b h n t z 5" in out
    # The second fonts table: 4 unseen source fonts x the 52 trained characters.
    assert ("held-out source fonts DejaVu Sans Oblique, DejaVu Sans Mono, STIXGeneral Bold, "
            "cmr10, the trained characters (208 pairs" in out)
    assert out.count("\nreal targets ") == 2
    for table in ("held-out characters", "held-out fonts", "inpainting and speed"):
        assert f"\nTargets, {table}" in out, table
    assert "of the matmul GFLOP/s" in out
    # The true targets as outputs: zero L1, SSIM 1 (the classifiers' ceiling row).
    real = out.split("\nreal targets ")[1].split()
    assert float(real[0]) == 0.0 and float(real[2]) == pytest.approx(1.0)
    _, _, targets = out.partition("\nTargets, held-out characters (real target glyphs: ")
    assert "% content" in targets.splitlines()[0] and "% style" in targets.splitlines()[0]
    verdicts = [line.split()[0] for line in targets.splitlines()[1:]
                if line and not line.startswith("Targets, ")]
    # 5 for each fonts table (3 pix2pix, 2 CycleGAN), inpainting and speed 1 each.
    assert len(verdicts) == 12 and set(verdicts) <= {"PASS", "MISS"}


def test_image_to_image_rows_option_and_targets_of_the_rows_run(capsys):
    bench = _benchmark("image_to_image")
    assert bench.parse_args([]).rows == ["l1", "pix2pix", "cyclegan"]
    assert bench.parse_args(["--rows", "cyclegan"]).rows == ["cyclegan"]
    with pytest.raises(SystemExit):
        bench.parse_args(["--rows", "pix2pix,cycle"])
    assert "--rows" in capsys.readouterr().err
    row = dict(content=0.9, style=0.7, fd=1.0, ssim=0.5)
    bench.report_fonts("held-out fonts", {"real targets": row, "CycleGAN": row})
    out = capsys.readouterr().out
    assert "pix2pix targets not measured" in out
    assert "PASS  CycleGAN keeps content >= 85%: 90.0%" in out
    assert "MISS  CycleGAN reaches style >= 80%: 70.0%" in out


@pytest.mark.large
def test_image_to_image_training_seeds_give_median_tables():
    result = subprocess.run([sys.executable, "benchmarks/image_to_image.py", "--quick",
                             "--fonts-only", "--train-seeds", "3,4", "--rows", "l1,pix2pix"],
                            cwd=REPO, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "the trained characters, training seed 3 (208 pairs" in out
    assert ", training seed 4 (208 pairs" in out
    assert "\nCycleGAN " not in out and "held-out characters" not in out
    _, _, medians = out.partition("medians over training seeds 3, 4\n")
    rows = {line.split()[0]: [float(v) for v in line.split()[-7:]]
            for line in medians.splitlines()[1:5]}
    assert set(rows) == {"identity", "L1-only", "pix2pix", "real"}
    # A median of the two seeds' rows: between them (here for pix2pix's domain FD).
    seeds = [line for line in out.splitlines() if line.startswith("pix2pix by seed: ")]
    assert len(seeds) == 1
    low, high = sorted(float(v) for v in seeds[0].split("domain FD ")[1].split(", "))
    assert low <= rows["pix2pix"][3] <= high
    assert "pix2pix's domain FD the lower in " in out and "of 2 seeds" in out
    assert "\nTargets, held-out fonts" in out


def test_steps_per_execution_quick_run_compares_each_value():
    result = subprocess.run([sys.executable, "benchmarks/steps_per_execution.py", "--quick"],
                            cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("  CPU model") for line in lines)
    rows = [line.split() for line in lines if line.split()[:1] == ["float32"]]
    assert [(row[1], row[2]) for row in rows] == [("4", "1"), ("4", "2")]
    for row in rows:
        steps, images = float(row[3]), float(row[4])
        assert steps > 0 and images == pytest.approx(4 * steps, abs=1)
    assert rows[0][5] == "1.00x"
    assert float(rows[1][5].rstrip("x")) == pytest.approx(float(rows[1][3]) / float(rows[0][3]),
                                                          rel=0.02, abs=0.01)
