"""duban's domain logic: plain, typed functions that take a session and return domain objects."""
