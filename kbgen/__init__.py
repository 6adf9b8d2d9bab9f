"""kbgen: Markdown FAQ articles to a fast, private, mobile-first static help center."""

__version__ = "0.1.0"
