"""Contracts: template registry, document generation (docx + PDF), contract lifecycle."""
