"""Task families and their registry.

A task (`kgan.tasks.Task`) is one family of GANs: unconditional images,
class-conditional images, text. Each is one package here that owns its
model class, its measured recipes, the command-line arguments it adds, the
sample files it writes, its callbacks and its export signatures. `kgan
train`, `sample`, `export` and `evaluate` dispatch on `run.json["task"]`
through this registry; a new family is a new package that registers a
`Task`.

Example:

```python
kgan.tasks.names()                          # ['unconditional', 'conditional', 'text']
task = kgan.tasks.get("unconditional")
[r.name for r in task.recipes]   # ['dcgan-mnist5k', 'dcgan-digits', 'dcgan-mnist']
gan = task.build("dcgan-mnist5k", image_shape=(28, 28, 1))   # what `kgan train` trains
```
"""

from kgan.tasks import registry
from kgan.tasks.base import Argument, Command, Recipe, Task, TaskData, option, optional
from kgan.tasks.registry import (
    default, export_generator, for_model, for_network, for_run, get, names, recipe, recipes,
    register,
)
from kgan.tasks import (  # the packages register below
    conditional, image_to_image, super_resolution, text, unconditional,
)

register(unconditional.UnconditionalTask(), default=True)
register(conditional.ConditionalTask())
register(text.TextTask())
register(super_resolution.SuperResolutionTask())
register(image_to_image.Pix2PixTask())
register(image_to_image.InpaintTask())
register(image_to_image.CycleGANTask())

__all__ = ["Argument", "Command", "Recipe", "Task", "TaskData", "conditional", "image_to_image",
           "option", "optional", "super_resolution", "text", "unconditional", *registry.__all__]
