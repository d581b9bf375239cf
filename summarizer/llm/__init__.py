"""Talking to language models: endpoints, the embedded model, retries and modes."""
