"""Signing a pack's manifest with an SSH key, as git signs commits (`ssh-keygen -Y`).

The signature covers `manifest.json`, which lists the sha256 of every other file, so it
vouches for the whole pack. Whose keys to trust is an allowed-signers file in OpenSSH's
format (`ssh-keygen(1)`, ALLOWED SIGNERS): `--allowed-signers FILE`, else git's
`gpg.ssh.allowedSignersFile`. Without `--signer`, the identity is the one that file gives
the signing key (`ssh-keygen -Y find-principals`), as `git verify-commit` does.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ...i18n import _
from ...loading.gitlog import GitError, run_git
from .layout import MANIFEST, SIGNATURE, SIGNING_NAMESPACE
from .write import PackError

_GIT_SETTING = "gpg.ssh.allowedSignersFile"


@dataclass(frozen=True)
class Signers:
    """Whose signatures a verification accepts."""

    file: Path  # the allowed-signers file
    given_by: str  # how it was named, for messages
    identity: str | None = None  # the one identity that must have signed, if given
    required: bool = False  # asked for explicitly: an unsigned pack fails


def signers_from(allowed: Path | None, identity: str | None, where: Path) -> Signers | None:
    """The signers a verification trusts: `allowed` (then a signature is required), else
    git's setting as seen from the folder `where`; None when neither names a file."""
    if allowed is not None:
        if not allowed.is_file():
            raise PackError(_("{file}: no such allowed-signers file").format(file=allowed))
        return Signers(allowed, "--allowed-signers", identity, required=True)
    try:
        configured = run_git(where, "config", "--path", "--get", _GIT_SETTING).strip()
    except GitError:  # not set (or no git at all)
        configured = ""
    if configured:
        return Signers(where / configured, f"git config {_GIT_SETTING}", identity, required=identity is not None)
    if identity is not None:
        raise PackError(
            _("--signer needs an allowed-signers file: give --allowed-signers FILE or set git config {setting}").format(
                setting=_GIT_SETTING
            )
        )
    return None


def sign(manifest: bytes, key: Path) -> bytes:
    """The SSH signature of the manifest made with `key` (a private key, or the public half
    of a key held by ssh-agent). Like git, the data goes in a file, so that ssh-keygen can
    ask for a passphrase on standard input."""
    with tempfile.TemporaryDirectory(prefix="qms-signature-") as folder:
        data = Path(folder) / MANIFEST
        data.write_bytes(manifest)
        args = ["-Y", "sign", "-f", str(key), "-n", SIGNING_NAMESPACE, str(data)]
        done = _ssh_keygen(args, None, timeout=None)  # no limit: a person may be typing the passphrase
        made = data.with_name(SIGNATURE)
        if done.returncode != 0 or not made.is_file():
            raise PackError(_("{key}: ssh-keygen could not sign: {problem}").format(key=key, problem=_said(done)))
        return made.read_bytes()


def check_key(key: Path) -> None:
    """Refuse a key file that is not there before any work is done."""
    if not key.is_file():
        raise PackError(_("{key}: no such key file").format(key=key))


def signed_by(manifest: bytes, signature: bytes, signers: Signers) -> tuple[str | None, str | None]:
    """(who signed, None) when `signature` is a good signature of `manifest` by a key the
    signers trust; (None, why not) otherwise."""
    if not signers.file.is_file():
        raise PackError(
            _("{file}: no such allowed-signers file ({given_by})").format(file=signers.file, given_by=signers.given_by)
        )
    with tempfile.TemporaryDirectory(prefix="qms-signature-") as folder:
        sig = Path(folder) / SIGNATURE
        sig.write_bytes(signature)
        if signers.identity is not None:
            identities = [signers.identity]
        else:
            found = _ssh_keygen(["-Y", "find-principals", "-s", str(sig), "-f", str(signers.file)], b"")
            identities = found.stdout.decode("utf-8", "replace").split() if found.returncode == 0 else []
            if not identities:
                return None, _("{sig}: made with a key that {file} does not list ({problem})").format(
                    sig=SIGNATURE, file=signers.file, problem=_said(found)
                )
        for identity in identities:
            args = ["-Y", "verify", "-f", str(signers.file), "-I", identity, "-n", SIGNING_NAMESPACE, "-s", str(sig)]
            done = _ssh_keygen(args, manifest)
            if done.returncode == 0:
                return identity, None
    return None, _("{sig}: not a valid signature of {manifest} by {who}: {problem}").format(
        sig=SIGNATURE, manifest=MANIFEST, who=", ".join(identities), problem=_said(done)
    )


def _ssh_keygen(args: list[str], data: bytes | None, timeout: float | None = 60) -> subprocess.CompletedProcess[bytes]:
    """ssh-keygen with `data` on standard input (None: the caller's own standard input)."""
    try:
        return subprocess.run(["ssh-keygen", *args], input=data, capture_output=True, timeout=timeout)
    except FileNotFoundError:
        raise PackError(_("ssh-keygen is not installed (it comes with OpenSSH: openssh-client)")) from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise PackError(_("cannot run ssh-keygen: {problem}").format(problem=exc)) from None


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    """ssh-keygen's own last words on why it failed (some reasons it prints on standard output)."""
    for said in (done.stderr, done.stdout or b""):
        lines = [line.strip() for line in said.decode("utf-8", "replace").splitlines() if line.strip()]
        if lines:
            return lines[-1]
    return _("exit status {code}").format(code=done.returncode)
