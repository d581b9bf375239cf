#!/usr/bin/env bash
# Re-record the model fixtures (cassettes) from the embedded model, served over HTTP on 127.0.0.1.
#
#   scripts/record-fixtures.sh                     # every cassette-backed test
#   scripts/record-fixtures.sh tests/test_replay.py  # one module
#
# Starts `python -m llama_cpp.server` with the same GGUF the embedded default uses (unless one is
# already listening on BRIEF_RECORD_PORT), deletes the cassettes of the chosen tests, and runs them
# with --record-mode=once. Keys are scrubbed by tests/conftest.py; the model runs at temperature 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export BRIEF_EXTRAS="${BRIEF_EXTRAS:-local,dev,record}"
PORT="${BRIEF_RECORD_PORT:-8765}"
TARGETS=("${@:-tests/test_replay.py}")

exec scripts/dev.sh bash -c '
set -euo pipefail
PORT="$1"; shift
GGUF="$(python -c "from summarizer.llm.model_store import ensure_embedded_model as e; print(e())")"
if ! python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex((\"127.0.0.1\", int(sys.argv[1]))))" "$PORT"; then
    # llama_cpp.server loads no CPU backend of a runtime-dispatch build (scripts/dev.sh): load it first.
    python -c "import runpy; from summarizer.llm.embedded import load_cpu_backends as l; l(); runpy.run_module(\"llama_cpp.server\", run_name=\"__main__\", alter_sys=True)" \
        --model "$GGUF" --host 127.0.0.1 --port "$PORT" --n_ctx 8192 \
        --n_threads "$(nproc)" > .record-server.log 2>&1 &
    SERVER=$!
    trap "kill $SERVER" EXIT
    for _ in $(seq 1 120); do
        python -c "import urllib.request as u; u.urlopen(\"http://127.0.0.1:$PORT/v1/models\")" 2>/dev/null && break
        sleep 1
    done
    if ! kill -0 "$SERVER" 2>/dev/null; then  # never delete cassettes without a model to record from
        echo "record-fixtures: the model server did not start; see .record-server.log" >&2
        exit 1
    fi
fi
for target in "$@"; do
    module="$(basename "${target%%::*}" .py)"
    rm -rf "fixtures/cassettes/$module"
done
BRIEF_RECORD_BASE_URL="http://127.0.0.1:$PORT/v1" pytest "$@" --record-mode=once -p no:randomly -q
' _ "$PORT" "${TARGETS[@]}"
