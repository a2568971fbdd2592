"""The names of a pack's own files and the format its manifest declares."""

PACK_FORMAT = "quality-manual-pack/1"
MANIFEST = "manifest.json"
MANUAL_HTML = "manual.html"
RESULTS_JSON = "results.json"
DOCUMENTS = "documents"  # the PDFs of the documents in force
OWN_FILES = (MANIFEST, MANUAL_HTML, RESULTS_JSON)
