"""Briefing past one machine: a batch as a Ray Data job, against a pool of endpoints, resumable and exactly once.

Modules, one concern each: ``rows`` (the row schema in and out, keys), ``store`` (the output dataset:
what is done, and writing), ``worker`` (the ``map_batches`` callable: one ``Summarizer`` per actor),
``job`` (the Ray Data pipeline) and ``command`` (``brief batch --engine ray``). Ray is imported only
where a job runs, so the core package never needs it (``pip install 'brief-summarizer[ray]'``).
"""
