"""The pure decisions of the data path: which database errors are one message's, and the dead-letter budget."""

from __future__ import annotations

import psycopg
import pytest

from pipelines.ingest.refusals import DeadLetterBudget, is_message_fault, is_retry


@pytest.mark.parametrize("exc", [psycopg.errors.CheckViolation("c"), psycopg.errors.NumericValueOutOfRange("n"),
                                 psycopg.errors.RaiseException("trigger"), psycopg.errors.NotNullViolation("nn"),
                                 psycopg.errors.ProgramLimitExceeded("row too big")])
def test_errors_raised_by_a_message_rows_are_that_message_fault(exc: psycopg.Error) -> None:
    assert is_message_fault(exc) and not is_retry(exc)


@pytest.mark.parametrize("exc", [psycopg.OperationalError("connection lost"), psycopg.errors.AdminShutdown("bye"),
                                 psycopg.errors.DiskFull("full"), psycopg.errors.UndefinedTable("no schema"),
                                 psycopg.errors.InternalError_("xx"), psycopg.errors.LockNotAvailable("busy")])
def test_everything_else_is_the_system_fault(exc: psycopg.Error) -> None:
    assert not is_message_fault(exc)


def test_deadlocks_are_retried() -> None:
    assert is_retry(psycopg.errors.DeadlockDetected("d")) and is_retry(psycopg.errors.SerializationFailure("s"))


def test_the_budget_is_per_device_and_refills_with_time() -> None:
    budget = DeadLetterBudget(burst=1000, per_hour=3600)   # one byte a second
    assert budget.spend("a", 800, now=0.0) and not budget.spend("a", 300, now=0.0)
    assert budget.spend("b", 1000, now=0.0)                # another device is not affected
    assert not budget.spend("a", 300, now=99.0) and budget.spend("a", 300, now=101.0)
    assert budget.spend(None, 600, now=0.0) and not budget.spend(None, 600, now=0.0)  # bad topics share one


def test_the_budget_forgets_refilled_devices_not_spending_ones() -> None:
    budget = DeadLetterBudget(burst=100, per_hour=3600, max_devices=2)
    budget.spend("idle", 50, now=0.0)
    budget.spend("busy", 100, now=100.0)
    budget.spend("new", 1, now=100.0)     # full: "idle" has refilled and is forgotten, "busy" is kept empty
    assert not budget.spend("busy", 50, now=100.0)
