"""Scheduled work: lesson pushes and the outbox dispatcher, on APScheduler."""
