"""Staff accounts, sign-in, scope rules and casework on handoffs."""
