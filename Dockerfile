# One image for every duixian process; docker-compose.yml picks the command (same as the Procfile).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SERVE_HOST=0.0.0.0
WORKDIR /app
COPY pyproject.toml README.md ./
COPY duixian duixian
COPY infra infra
COPY contracts contracts
COPY policies policies
COPY services services
COPY workflows workflows
RUN apt-get update && apt-get install -y --no-install-recommends procps && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir . && useradd --create-home --uid 10001 duixian
# numeric, so Kubernetes can check runAsNonRoot (deploy/kubernetes/duixian.yaml runs as 10001)
USER 10001
CMD ["duixian", "--help"]
