"""The names of a pack's own files and the format its manifest declares."""

PACK_FORMAT = "quality-manual-pack/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"  # an SSH signature of the manifest (ssh-keygen -Y sign), when signed
SIGNING_NAMESPACE = "quality-manual-pack"  # ssh-keygen's -n: such a signature means nothing elsewhere
MANUAL_HTML = "manual.html"
RESULTS_JSON = "results.json"
DOCUMENTS = "documents"  # the PDFs of the documents in force
OWN_FILES = (MANIFEST, SIGNATURE, MANUAL_HTML, RESULTS_JSON)


def made_by_pack(name: str) -> bool:
    """Whether a file of the pack was made by `qms pack` rather than copied from the manual."""
    return name in OWN_FILES or name.startswith(f"{DOCUMENTS}/")
