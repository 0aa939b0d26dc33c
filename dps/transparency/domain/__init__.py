"""Pure rules of transparency: what a release says, how records compile, which notices are due."""
