"""MkDocs plugin that publishes a quality manual; it renders what `checks` returns."""
