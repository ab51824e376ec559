// The monitoring services of docker/compose.yaml: Prometheus with postgres_exporter and redis_exporter, one image of
// Debian's packages (docker/monitoring/), so the metric names match what test/monitoring/ checks. docs/monitoring.md.

/** Appended under `services:` of the compose file (two-space indent), then the `volumes:` section. */
export const MONITORING_COMPOSE = `  # Monitoring (docs/monitoring.md): Prometheus on 127.0.0.1:9090 with docker/monitoring/alerts.yml; authbench runs
  # stream into it with --out prometheus-rw=http://127.0.0.1:9090/api/v1/write.
  prometheus:
    build: ./monitoring
    image: authbench-monitoring
    user: root
    command:
      - "prometheus"
      - "--config.file=/etc/authbench-monitoring/prometheus.yml"
      - "--storage.tsdb.path=/prometheus"
      - "--web.enable-remote-write-receiver"
    ports:
      - "127.0.0.1:9090:9090"
    volumes:
      - prometheus-data:/prometheus
    depends_on: [postgres-exporter, redis-exporter]
  postgres-exporter:
    image: authbench-monitoring
    build: ./monitoring
    command:
      - "prometheus-postgres-exporter"
      - "--extend.query-path=/etc/authbench-monitoring/postgres-exporter-queries.yaml"
    environment:
      # The auth database once authbench has migrated it (docs/monitoring.md: a pg_monitor role in production).
      DATA_SOURCE_NAME: "postgresql://postgres:\${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@postgres:5432/postgres?sslmode=disable"
    depends_on:
      postgres: { condition: service_healthy }
  redis-exporter:
    image: authbench-monitoring
    build: ./monitoring
    command: ["prometheus-redis-exporter", "-redis.addr", "redis://redis:6379"]
    depends_on: [redis]
volumes:
  prometheus-data:
`;
