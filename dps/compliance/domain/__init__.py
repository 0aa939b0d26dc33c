"""Pure compliance rules: no framework imports (import-linter enforces it)."""
