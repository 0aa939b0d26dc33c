"""Use cases of contracts: the template registry, generation and the contract lifecycle."""
