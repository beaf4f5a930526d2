"""llmextract: news articles in, a checked dataset of indicators, targets and programs out."""

__version__ = "0.1.0"
