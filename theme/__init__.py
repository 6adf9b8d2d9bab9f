"""kbgen's mkdocs-material overrides, shipped as package data (`kbgen_theme`)."""
