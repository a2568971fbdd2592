"""Loading: read source files and data, validate them, build the typed manual."""
