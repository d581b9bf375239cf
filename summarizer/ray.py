"""``summarizer.ray``: the Ray engine's public names (``pip install 'brief-summarizer[ray]'``).

>>> import ray.data                                                           # doctest: +SKIP
>>> from summarizer.ray import BriefWorker
>>> ds = ray.data.read_parquet("s3://archive/2024/")                          # doctest: +SKIP
>>> briefs = ds.map_batches(BriefWorker, fn_constructor_kwargs={"settings": settings, "concurrency": 16},
...                         batch_size=16, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=8))

Or the whole job, resumable, as ``brief batch --engine ray`` runs it: ``run_ray_job(RayJob(...))``.
Nothing here imports Ray itself; the job does, when it runs.
"""

from __future__ import annotations

from .distributed.job import RayJob, RaySummary, run_ray_job
from .distributed.rows import OUTPUT_COLUMNS, brief_key, output_schema
from .distributed.store import OutputDataset
from .distributed.worker import BriefWorker
from .llm.pool import EndpointPool

__all__ = [
    "OUTPUT_COLUMNS",
    "BriefWorker",
    "EndpointPool",
    "OutputDataset",
    "RayJob",
    "RaySummary",
    "brief_key",
    "output_schema",
    "run_ray_job",
]
