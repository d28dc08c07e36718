"""E-mail: the outbox (enqueue in the same transaction) and, later, delivery."""
