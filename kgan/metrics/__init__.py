"""Sample-quality metrics: images (Frechet distance, KID, ...) and text (`kgan.metrics.text`)."""
