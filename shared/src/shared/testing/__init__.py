"""Test harness: servers chosen once, a fresh migrated database per service, an AMQP namespace."""
