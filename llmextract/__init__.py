"""llmextract: news articles in, a checked dataset of indicators, targets and programs out."""

from llmextract.version import __version__

__all__ = ["__version__"]
