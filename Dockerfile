# The hub's image: `docker compose up` builds it (see docker-compose.yml).

# GraphiQL's scripts and styles, from the npm registry at build time, served by the hub.
FROM node:20-slim AS assets
WORKDIR /web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Pinned dependencies first, in their own layer, so a code change does not reinstall them.
COPY requirements.lock ./
RUN pip install -r requirements.lock

# Then the project itself, without resolving anything again. Keep this list in step with
# pyproject.toml ([tool.setuptools] py-modules and packages; tests/test_compose.py checks).
COPY pyproject.toml app.py cli.py settings.py ./
COPY schema ./schema
COPY resolvers ./resolvers
COPY datasources ./datasources
COPY policy ./policy
COPY transport ./transport
COPY plans ./plans
COPY demo_data ./demo_data
COPY state_sim ./state_sim
COPY telemetry ./telemetry
RUN pip install --no-deps . && rm -rf build *.egg-info
COPY --from=assets /web/node_modules /app/web/node_modules

# Never run the server as root; the hub's SQLite fall-back and scratch files go to /app/var.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin hub \
    && mkdir -p /app/var && chown hub:hub /app/var
USER hub

ENV HUB_ENV=production \
    HUB_HOST=0.0.0.0 \
    HUB_PORT=8000 \
    HUB_DATA_DIR=/app/var \
    HUB_GRAPHIQL_ASSETS_DIR=/app/web/node_modules
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
    CMD ["python", "-c", "import os, urllib.request; from settings import PORT; urllib.request.urlopen('http://127.0.0.1:%d/healthz' % PORT.read(os.environ), timeout=3)"]

CMD ["hub", "serve"]
