"""The messaging kit: topology, transactional outbox, relay, idempotent inbox, retries, DLQ."""
