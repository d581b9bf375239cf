#!/usr/bin/env bash
# Run a command inside the project's virtual environment, creating and filling it first if needed.
#
#   scripts/dev.sh brief fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt --published 2024-02-02
#   scripts/dev.sh pytest
#
# BRIEF_EXTRAS picks the extras (default "local,dev,serve": the embedded model, the test tools, brief serve).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${BRIEF_VENV:-.venv}"
EXTRAS="${BRIEF_EXTRAS:-local,dev,serve}"
LLAMA_VERSION="0.3.36"
# llama.cpp with runtime CPU dispatch, as its own releases are built: one CPU backend per CPU generation
# (SSE4.2 … AVX2 … AVX-512/VNNI … AMX), and at load time the best one this CPU runs
# (summarizer/llm/embedded.py: load_cpu_backends). Not a native build: a binary built for the machine
# that compiled it crashes (general protection fault) on one without its instructions. On an AVX-512 machine
# this reads prompts ~2x faster than the AVX2 build it replaces; the first install takes ~3 minutes longer.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON"
if [ "$(uname -m)" != "x86_64" ]; then
    LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF"  # the variants were built and measured on x86-64 only
fi

stamp="$VENV/.brief-installed"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)-$EXTRAS"

if [ ! -x "$VENV/bin/python" ]; then
    echo "dev.sh: creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "dev.sh: installing brief with extras [$EXTRAS] (first run compiles llama.cpp: a few minutes)" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    if [[ ",$EXTRAS," == *",local,"* ]] && ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
        # --no-cache-dir: pip's wheel cache ignores CMAKE_ARGS and could hand back a native build.
        CMAKE_ARGS="$LLAMA_CMAKE_ARGS" "$VENV/bin/python" -m pip install --quiet --no-cache-dir \
            "llama-cpp-python==$LLAMA_VERSION"
    fi
    "$VENV/bin/python" -m pip install --quiet -e ".[$EXTRAS]"
    echo "$want" > "$stamp"
fi

export PATH="$PWD/$VENV/bin:$PATH"
exec "$@"
