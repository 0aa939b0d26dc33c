"""Pure rules of contracts: template contexts and their catalogue, template and contract states."""
