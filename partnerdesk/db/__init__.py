"""Tables, engine set-up, migrations and the full-text index (no Qt, no business rules)."""
