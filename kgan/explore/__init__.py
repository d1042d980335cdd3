"""`kgan explore`: a local web page (Gradio) to play with a trained GAN.

The generic core: Gradio under offline settings (`gradio`, `blocks`,
`theme`), the port check and the server (`check_port`, `launch`), the run's
export (`load_export`), what pages share (`for_display`; `image_page`,
image in, image out, for image-to-image tasks, and `masked_image_page`,
where the user also paints the part to change) and the walks in noise
space (`find_directions`, GANSpace; `slerp`; `truncate`). Each task package
builds its own page in `Task.explore_app`; nothing here names a task.
Gradio is the optional extra `pip install "kgan[explore]"`, imported only
when a page is built.

Example:

```python
import kgan

task = kgan.tasks.get("unconditional")
page = task.explore_app("runs/digits", {"task": "unconditional"})
kgan.explore.launch(page, port=7860)        # http://127.0.0.1:7860/ until Ctrl-C
```
"""

from kgan.explore.directions import (
    Directions, early_features, find_directions, seeded_noise, slerp, truncate,
)
from kgan.explore.exports import input_spec, load_export, load_networks
from kgan.explore.pages import (
    DISPLAY_SIZE, MIN_TILE, for_display, image_page, live, masked_image_page, output_image,
    page_title,
)
from kgan.explore.server import (
    DEFAULT_HOST, DEFAULT_PORT, blocks, check_port, gradio, launch, theme,
)

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DISPLAY_SIZE",
    "MIN_TILE",
    "Directions",
    "blocks",
    "check_port",
    "early_features",
    "find_directions",
    "for_display",
    "gradio",
    "image_page",
    "input_spec",
    "launch",
    "live",
    "load_export",
    "load_networks",
    "masked_image_page",
    "output_image",
    "page_title",
    "seeded_noise",
    "slerp",
    "theme",
    "truncate",
]
