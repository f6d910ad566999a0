"""Course tooling: the ``course`` command (serve, model, and later grade/release/doctor)."""
