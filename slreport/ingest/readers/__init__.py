"""The phone-system readers: one module per profile, each detecting its format and staging its rows."""
