"""ropagraph: a knowledge graph of personal-data processing."""

__version__ = "0.1.0"
