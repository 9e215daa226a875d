# jobpicks bot image: non-root, data on a volume.
#   docker build -t jobpicks .
#   docker run -d --name jobpicks --env-file .env -v jobpicks-data:/data \
#     -v "$PWD/jobpicks.toml:/config/jobpicks.toml:ro" jobpicks
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    JOBPICKS_DB=/data/jobpicks.json \
    JOBPICKS_CONFIG=/config/jobpicks.toml \
    LITELLM_LOCAL_MODEL_COST_MAP=True

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY scoring ./scoring
COPY scrapers ./scrapers
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin jobpicks \
    && mkdir -p /data /config \
    && chown jobpicks:jobpicks /data

USER jobpicks
VOLUME ["/data"]
# Long polling: no port to expose. SIGTERM (docker stop) stops the bot cleanly.
STOPSIGNAL SIGTERM
CMD ["jobpicks", "bot"]
