"""Training code of imagine's trained model: procedural data, checker, DiT, export (see training/README.md)."""
