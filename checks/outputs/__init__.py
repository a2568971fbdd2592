"""Outputs made from the results document: text, JUnit, annotations, the audit pack."""
