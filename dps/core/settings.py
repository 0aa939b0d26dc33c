"""Settings read once from the environment.

Every knob is an environment variable; README.md lists them with their defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MEGABYTE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """Process configuration; build it with `Settings.from_env()`."""

    database_url: str | None
    var_dir: Path
    documents_url: str
    s3_endpoint_url: str | None
    s3_region: str
    s3_access_key_id: str | None
    s3_secret_access_key: str | None
    max_upload_bytes: int
    token_ttl_hours: int
    # The audit chain's HMAC key (dps.core.audit_chain); None: <var_dir>/audit.key, made on first use.
    audit_key: str | None
    login_max_failures: int
    login_lock_minutes: int
    smtp_host: str | None
    smtp_port: int
    smtp_sender: str
    scheduler_enabled: bool
    scheduler_interval_seconds: int
    public_base_url: str
    host: str
    port: int
    log_level: str
    # Untrusted PDFs are read in a limited child process (dps.core.isolation).
    pdf_read_seconds: float = 10.0
    pdf_read_memory_bytes: int = 512 * MEGABYTE
    pdf_reads_per_org: int = 2
    pdf_reads_total: int = 4
    storage_quota_bytes: int = 2048 * MEGABYTE
    # Reports and searches may read from a replica (dps.core.replica); None: the primary.
    database_replica_url: str | None = None
    # Tests only: the file a `FileClock` reads its offset from (dps.core.clock.clock_for); None: the wall clock.
    test_clock_file: Path | None = None

    @property
    def embedded_pg_dir(self) -> Path:
        return self.var_dir / "pg"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read every setting from `env` (default: the process environment)."""
        e = os.environ if env is None else env
        var_dir = Path(e.get("DPS_VAR_DIR", "var")).resolve()
        return cls(
            database_url=e.get("DATABASE_URL") or None,
            var_dir=var_dir,
            documents_url=e.get("DPS_DOCUMENTS_URL", str(var_dir / "documents")),
            s3_endpoint_url=e.get("DPS_S3_ENDPOINT_URL") or None,
            s3_region=e.get("DPS_S3_REGION", "eu-west-2"),
            s3_access_key_id=e.get("DPS_S3_ACCESS_KEY_ID") or None,
            s3_secret_access_key=e.get("DPS_S3_SECRET_ACCESS_KEY") or None,
            max_upload_bytes=int(e.get("DPS_MAX_UPLOAD_MB", "25")) * MEGABYTE,
            token_ttl_hours=int(e.get("DPS_TOKEN_TTL_HOURS", "12")),
            audit_key=e.get("DPS_AUDIT_KEY") or None,
            login_max_failures=int(e.get("DPS_LOGIN_MAX_FAILURES", "5")),
            login_lock_minutes=int(e.get("DPS_LOGIN_LOCK_MINUTES", "15")),
            smtp_host=e.get("DPS_SMTP_HOST") or None,
            smtp_port=int(e.get("DPS_SMTP_PORT", "25")),
            smtp_sender=e.get("DPS_SMTP_SENDER", "dps@localhost"),
            scheduler_enabled=e.get("DPS_SCHEDULER", "on").lower() not in {"off", "0", "false", "no"},
            scheduler_interval_seconds=int(e.get("DPS_SCHEDULER_INTERVAL_SECONDS", "60")),
            public_base_url=e.get("DPS_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
            host=e.get("DPS_HOST", "127.0.0.1"),
            port=int(e.get("DPS_PORT", "8000")),
            log_level=e.get("DPS_LOG_LEVEL", "info"),
            pdf_read_seconds=float(e.get("DPS_PDF_READ_SECONDS", "10")),
            pdf_read_memory_bytes=int(e.get("DPS_PDF_READ_MEMORY_MB", "512")) * MEGABYTE,
            pdf_reads_per_org=int(e.get("DPS_PDF_READS_PER_ORG", "2")),
            pdf_reads_total=int(e.get("DPS_PDF_READS", "4")),
            storage_quota_bytes=int(e.get("DPS_STORAGE_QUOTA_MB", "2048")) * MEGABYTE,
            database_replica_url=e.get("DATABASE_REPLICA_URL") or None,
            test_clock_file=Path(e["DPS_TEST_CLOCK_FILE"]) if e.get("DPS_TEST_CLOCK_FILE") else None,
        )
