# One image for the ingester, the simulators, the dashboard and one-off commands (ioc …).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 IOC_STATE_DIR=/var/lib/ioc
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libexpat1 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY ioc ioc
COPY pipelines pipelines
COPY layers layers
COPY sensors sensors
COPY dashboards dashboards
COPY data data
COPY scripts/compose-env /usr/local/bin/ioc-compose-env
RUN pip install --no-cache-dir . && useradd --system --home /var/lib/ioc ioc && mkdir -p /var/lib/ioc \
    && chown ioc /var/lib/ioc
USER ioc
EXPOSE 8050
ENTRYPOINT ["ioc"]
CMD ["serve"]
