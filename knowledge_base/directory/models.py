"""Directory tables on the shared Base. Ids are the feed's own ids (strings), so re-imports upsert."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import Base


class DirectoryLocation(Base):
    __tablename__ = "directory_locations"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    address_1: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)


class DirectoryService(Base):
    __tablename__ = "directory_services"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    area: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(40), default="active")
    fees_description: Mapped[str] = mapped_column(Text, default="")
    minimum_age: Mapped[float | None] = mapped_column(Float, nullable=True)  # years, as ORUK
    maximum_age: Mapped[float | None] = mapped_column(Float, nullable=True)
    booking: Mapped[str] = mapped_column(Text, default="")  # how to attend / book, free text
    organization: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cost_options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    taxonomy_terms: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    example_data: Mapped[bool] = mapped_column(Boolean, default=False)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")  # of the parsed record: spots changes
    last_modified: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    # Children are replaced wholesale on re-import, so they cascade with the service.
    service_at_locations: Mapped[list[DirectoryServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan", lazy="selectin")
    schedules: Mapped[list[DirectorySchedule]] = relationship(
        back_populates="service", cascade="all, delete-orphan", lazy="selectin")


class DirectoryServiceAtLocation(Base):
    __tablename__ = "directory_service_at_locations"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("directory_locations.id"), index=True)
    service: Mapped[DirectoryService] = relationship(back_populates="service_at_locations")
    location: Mapped[DirectoryLocation] = relationship(lazy="joined")


class DirectorySchedule(Base):
    __tablename__ = "directory_schedules"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)  # a holiday closure, not a session
    freq: Mapped[str | None] = mapped_column(String(10), nullable=True)
    interval: Mapped[int] = mapped_column(Integer, default=1)
    byday: Mapped[str] = mapped_column(String(60), default="")
    bymonthday: Mapped[str] = mapped_column(String(60), default="")
    dtstart: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    opens_at: Mapped[time | None] = mapped_column(Time, nullable=True)
    closes_at: Mapped[time | None] = mapped_column(Time, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    service: Mapped[DirectoryService] = relationship(back_populates="schedules")


class DirectoryImportBatch(Base):
    """A fetched feed waiting for a second person to publish it (or publish/discard history). Parents see
    nothing of it until it is published; the plan says what publishing would change, counted at staging."""

    __tablename__ = "directory_import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    area: Mapped[str] = mapped_column(String(60), index=True)
    source: Mapped[str] = mapped_column(String(200))  # "bundled" or the feed address (cut to 200 characters)
    status: Mapped[str] = mapped_column(String(20), index=True)  # staged | publishing | published | discarded
    records: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the feed's records, as fetched
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # counts, skipped records, schema problems
    staged_by: Mapped[str] = mapped_column(String(100))
    staged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
