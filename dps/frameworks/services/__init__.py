"""Use cases of frameworks: each loads, asks the domain, saves and audits in one transaction."""
