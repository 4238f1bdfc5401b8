# syntax=docker/dockerfile:1
# Stage 1: build the wheels (ours and every dependency) with the build tools. The dependencies
# are the versions uv.lock pins, checked against its hashes; CI checks the lock is current.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m pip install --no-cache-dir "pip==24.3.1" "uv==0.13.9"
COPY pyproject.toml uv.lock README.md ./
RUN uv export --frozen --no-dev --no-emit-project --no-header --format requirements-txt \
        -o /src/requirements.txt \
    && python -m pip wheel --no-cache-dir --require-hashes -r /src/requirements.txt \
        --wheel-dir /wheels
COPY retrieval ./retrieval
COPY answers ./answers
COPY feeds ./feeds
COPY bot ./bot
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Stage 2: a slim runtime with only the installed wheels, the seeds and a non-root user.
# TMPDIR: with a read-only root (`--read-only`, no /tmp) the parallel tokenizer's forkserver
# still finds a writable folder for its socket.
FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BRIEFBOT_CORPUS_DIR=/app/seeds \
    BRIEFBOT_DATA_DIR=/data \
    NUMBA_CACHE_DIR=/data/numba-cache \
    TMPDIR=/data
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin briefbot \
    && mkdir -p /data \
    && chown briefbot:briefbot /data
COPY --from=build /wheels /wheels
# Exactly the wheels stage 1 built (the locked set and ours), without resolving again:
# an older pip in the base does not match the normalised extra `lxml[html-clean]`.
# hadolint ignore=DL3013
RUN python -m pip install --no-cache-dir --no-index --no-deps /wheels/*.whl \
    && python -m pip check \
    && rm -rf /wheels
WORKDIR /app
COPY seeds ./seeds
VOLUME ["/data"]
USER 10001:10001
# The bot rewrites /data/health.json every 20 s; `briefbot health` fails when it is stale,
# when the gateway is disconnected, or when no index is loaded.
HEALTHCHECK --interval=60s --timeout=10s --start-period=90s --retries=3 \
    CMD ["briefbot", "health", "--max-age", "90"]
ENTRYPOINT ["briefbot"]
CMD ["run"]
