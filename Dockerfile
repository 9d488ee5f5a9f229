# loopledger: one image for the API, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim

# Without PostgreSQL/Redis settings the image uses embedded SQLite files in /data (mount a volume
# there to keep them); docker-compose.yml overrides both URLs.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    LOOPLEDGER_DATABASE_URL=sqlite:////data/loopledger.db \
    LOOPLEDGER_BROKER_URL=sqla+sqlite:////data/loopledger-broker.db

RUN groupadd --system loopledger \
    && useradd --system --gid loopledger --home-dir /app --no-create-home --shell /usr/sbin/nologin loopledger \
    && mkdir -p /data \
    && chown loopledger:loopledger /data

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when pyproject.toml or README.md change.
COPY pyproject.toml README.md ./
RUN pip install -e .

# The whole source tree stays in /app and is installed editable, so that the code finds
# alembic.ini, migrations/ and examples/ next to itself (ledger/migrate.py, cli/main.py).
COPY . .
# The code stays root-owned (read-only for the app); the app user may create files in /app
# itself (e.g. Celery beat's schedule file, written to the working directory).
RUN pip install --no-deps -e . \
    && loopledger --help > /dev/null \
    && chown loopledger:loopledger /app

USER loopledger
EXPOSE 8000

CMD ["loopledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
