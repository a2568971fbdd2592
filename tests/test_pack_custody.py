"""The audit pack's chain of custody: the commit it was made from, the digests its pages
cite, and an SSH signature in the format git itself uses.

Real git repositories, real packs (folder and zip), real `ssh-keygen` keys made here, and
the real `qms` command for what a user sees (messages, exit codes). Every tampering case
rewrites the files *and* their manifest lines, as someone covering their tracks would.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from checks import load_manual
from checks.outputs.pack import PackError, build_pack, check_pack, signers_from
from conftest import FIXTURES, run_qms
from test_doccontrol import git

ATTACHMENT = "evidence/2025/audit/report.txt"
RECORD = "evidence/2025/review/MR-2025.md"
ORIGINAL_DIGEST = "1e6a3190ef266ffffba72b6de816af71576df0d91c390629fae7a7262a48cfb9"  # report.txt
FAKE = b"a better audit report\n"
FAKE_DIGEST = hashlib.sha256(FAKE).hexdigest()


@pytest.fixture(autouse=True)
def no_personal_git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Only the git configuration a test writes: never the machine's gpg.ssh.allowedSignersFile."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return tmp_path / "gitconfig"


def company_repository(top: Path) -> Path:
    """A company repository holding the fixture manual in its folder quality/, committed."""
    shutil.copytree(FIXTURES / "minimal", top / "quality")
    (top / "README.md").write_text("公司仓库\n", encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    git(top, "commit", "-qm", "manual")
    return top


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key without a passphrase, and its public key line."""
    key = folder / f"{name}_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, key.with_suffix(".pub").read_text(encoding="utf-8").strip()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Alice's and Bob's keys; an allowed-signers file that trusts only Alice, one that trusts both."""
    folder = tmp_path_factory.mktemp("keys")
    alice, alice_public = ssh_key(folder, "alice")
    bob, bob_public = ssh_key(folder, "bob")
    allowed = folder / "allowed_signers"
    allowed.write_text(f"alice@example.com {alice_public}\n", encoding="utf-8")
    both = folder / "both_signers"
    both.write_text(f"alice@example.com {alice_public}\nbob@example.com {bob_public}\n", encoding="utf-8")
    return {"alice": alice, "bob": bob, "allowed": allowed, "both": both}


@pytest.fixture(scope="module")
def top(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed company repository the module's packs are made from (never changed)."""
    return company_repository(tmp_path_factory.mktemp("shared") / "company")


@pytest.fixture(scope="module")
def packs(top: Path, keys: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Packs of the committed manual: plain and signed by Alice or Bob, as folders and zips."""
    manual = load_manual(top / "quality").manual
    folder = tmp_path_factory.mktemp("packs")
    made = {}
    for name, signer in [
        ("pack", None),
        ("pack.zip", None),
        ("alice", "alice"),
        ("alice.zip", "alice"),
        ("bob", "bob"),
    ]:
        made[name] = folder / name
        build_pack(manual, "2025", made[name], sign_with=keys[signer] if signer else None)
    return made


def members(pack: Path) -> dict[str, bytes]:
    if pack.is_dir():
        return {p.relative_to(pack).as_posix(): p.read_bytes() for p in pack.rglob("*") if p.is_file()}
    with zipfile.ZipFile(pack) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def store(files: dict[str, bytes], target: Path) -> Path:
    """A pack holding exactly `files`, as a folder or (FILE.zip) a zip."""
    if target.suffix == ".zip":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                archive.writestr(name, data)
        return target
    for name, data in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    return target


def forge(files: dict[str, bytes], changes: dict[str, bytes]) -> dict[str, bytes]:
    """The files with `changes` made and each changed file's manifest line rewritten to match."""
    forged = {**files, **changes}
    manifest = json.loads(forged["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] in changes:
            entry["sha256"] = hashlib.sha256(changes[entry["path"]]).hexdigest()
            entry["size"] = len(changes[entry["path"]])
    forged["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return forged


def verify(pack: Path, *extra: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_qms("pack", "--verify", pack, *extra, cwd=cwd)


def problems(pack: Path, repo: Path | None = None, allowed: Path | None = None, signer: str | None = None) -> list[str]:
    signers = signers_from(allowed, signer, repo or pack.parent)
    return check_pack(pack, repo=repo, signers=signers).problems


# --------------------------------------------------------------------------- the commit


@pytest.mark.parametrize("name", ["pack", "pack.zip"])
def test_manifest_records_the_commit_and_a_clean_pack_matches_it(top: Path, packs: dict[str, Path], name: str) -> None:
    manifest = json.loads(members(packs[name])["manifest.json"])
    assert manifest["commit"] == head(top)
    assert manifest["manual_root"] == "quality"  # the manual's folder inside the repository
    assert manifest["uncommitted"] == []

    checked = verify(packs[name], "--repo", top)
    assert checked.returncode == 0, checked.stdout
    copies = [f for f in manifest["files"] if f["path"].startswith(("policy/", "evidence/"))]
    assert f"{packs[name]}: {len(copies)} copied files match commit {head(top)}\n" in checked.stdout
    assert f"{packs[name]}: not signed" in checked.stdout
    # any folder of the checkout names the repository
    assert problems(packs[name], repo=top / "quality" / "evidence") == []


def test_the_pack_command_records_the_commit(top: Path, tmp_path: Path) -> None:
    output = tmp_path / "audit.zip"
    built = run_qms("--root", top / "quality", "pack", "--period", "2025", "--output", output)
    assert built.returncode == 0 and "warning" not in built.stderr, built.stderr
    assert json.loads(members(output)["manifest.json"])["commit"] == head(top)
    assert verify(output, "--repo", top).returncode == 0


def test_a_pack_from_a_windows_checkout_matches_the_commit(tmp_path: Path) -> None:
    """Line endings converted on checkout (core.autocrlf) are the commit's file, not a change."""
    top = company_repository(tmp_path / "company")
    (top / ".gitattributes").write_text("*.txt -text\n", encoding="utf-8")  # attachments keep their digests
    git(top, "add", ".gitattributes")
    git(top, "commit", "-qm", "attachments are bytes")
    clone = tmp_path / "windows"
    git(tmp_path, "clone", "-q", "-c", "core.autocrlf=true", str(top), str(clone))
    policy = (clone / "quality/policy/QP-01.md").read_bytes()
    assert b"\r\n" in policy and policy != (top / "quality/policy/QP-01.md").read_bytes()
    summary = build_pack(load_manual(clone / "quality").manual, "2025", tmp_path / "pack.zip")
    assert summary.uncommitted == ()
    assert problems(tmp_path / "pack.zip", repo=clone) == []
    assert problems(tmp_path / "pack.zip", repo=top) == []  # checked where git writes LF
    files = members(tmp_path / "pack.zip")
    files["policy/QP-01.md"] = files["policy/QP-01.md"].replace(b"\r\n", b"\n", 1)  # one line ending is a change
    changed = store(forge(files, {"policy/QP-01.md": files["policy/QP-01.md"]}), tmp_path / "changed.zip")
    assert [p.split(": ")[0] for p in problems(changed, repo=top)] == ["policy/QP-01.md"]


def test_file_names_with_spaces_and_chinese_are_traced(tmp_path: Path) -> None:
    quality = tmp_path / "company" / "quality"
    shutil.copytree(FIXTURES / "minimal", quality)
    audit = quality / "evidence/2025/audit"
    (audit / "report.txt").rename(audit / "内审 报告.txt")
    record = audit / "IAR-2025.md"
    record.write_text(record.read_text("utf-8").replace("path: report.txt", "path: 内审 报告.txt"), "utf-8")
    top = tmp_path / "company"
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    git(top, "commit", "-qm", "manual")
    build_pack(load_manual(quality).manual, "2025", tmp_path / "pack")
    assert problems(tmp_path / "pack", repo=top) == []
    files = members(tmp_path / "pack")
    name = "evidence/2025/audit/内审 报告.txt"
    forged = store(forge(files, {name: FAKE}), tmp_path / "forged")
    assert f"{name}: manifest.json lists sha256 {FAKE_DIGEST}, but commit {head(top)} holds {ORIGINAL_DIGEST}" in (
        problems(forged, repo=top)
    )


def test_a_file_changed_alone_is_named(top: Path, packs: dict[str, Path], tmp_path: Path) -> None:
    files = members(packs["pack"])
    files["policy/QP-01.md"] = files["policy/QP-01.md"].replace("内审".encode(), "外审".encode(), 1)
    changed = store(files, tmp_path / "changed")
    checked = verify(changed, "--repo", top)
    assert checked.returncode == 1
    assert checked.stdout.startswith(f"{changed}: policy/QP-01.md: sha256 ")
    assert checked.stdout.splitlines()[1:] == [f"{changed}: not signed: nothing vouches for who made it"]


@pytest.mark.parametrize("name", ["pack", "pack.zip"])
def test_a_file_rewritten_with_its_manifest_line_fails_against_the_commit(
    top: Path, packs: dict[str, Path], tmp_path: Path, name: str
) -> None:
    files = members(packs[name])
    commit = head(top)

    # An attachment: results.json and manual.html still cite its real digest.
    forged = store(forge(files, {ATTACHMENT: FAKE}), tmp_path / f"attachment-{name}")
    assert problems(forged) == [
        f"{ATTACHMENT}: results.json cites sha256 {ORIGINAL_DIGEST}, manifest.json lists {FAKE_DIGEST}",
        f"{ATTACHMENT}: manual.html cites sha256 {ORIGINAL_DIGEST}, manifest.json lists {FAKE_DIGEST}",
    ]
    traced = verify(forged, "--repo", top)
    assert traced.returncode == 1
    assert (
        f"{forged}: {ATTACHMENT}: manifest.json lists sha256 {FAKE_DIGEST}, but commit {commit} holds {ORIGINAL_DIGEST}"
        in traced.stdout
    )

    # A record no page cites by digest: only the commit tells.
    text = files[RECORD].decode("utf-8").replace("管理评审报告摘要", "管理评审已覆盖全部部门")
    forged = store(forge(files, {RECORD: text.encode("utf-8")}), tmp_path / f"record-{name}")
    assert problems(forged) == []  # the manifest alone cannot tell
    found = problems(forged, repo=top)
    assert len(found) == 1 and found[0].startswith(f"{RECORD}: manifest.json lists sha256 ")
    assert found[0].endswith(f", but commit {commit} holds {hashlib.sha256(files[RECORD]).hexdigest()}")


def test_results_json_digest_edited(top: Path, packs: dict[str, Path], tmp_path: Path) -> None:
    files = members(packs["pack"])
    results = files["results.json"].decode("utf-8")
    assert ORIGINAL_DIGEST in results

    # results.json edited (with its manifest line) to cite another digest for the attachment
    edited = forge(files, {"results.json": results.replace(ORIGINAL_DIGEST, FAKE_DIGEST).encode("utf-8")})
    assert problems(store(edited, tmp_path / "edited")) == [
        f"{ATTACHMENT}: results.json cites sha256 {FAKE_DIGEST}, manifest.json lists {ORIGINAL_DIGEST}"
    ]

    # Everything rewritten to agree: attachment, both pages, every manifest line. Only git tells.
    page = files["manual.html"].decode("utf-8")
    consistent = forge(
        files,
        {
            ATTACHMENT: FAKE,
            "results.json": results.replace(ORIGINAL_DIGEST, FAKE_DIGEST).encode("utf-8"),
            "manual.html": page.replace(ORIGINAL_DIGEST, FAKE_DIGEST).encode("utf-8"),
        },
    )
    forged = store(consistent, tmp_path / "forged")
    assert problems(forged) == []
    assert problems(forged, repo=top) == [
        f"{ATTACHMENT}: manifest.json lists sha256 {FAKE_DIGEST}, but commit {head(top)} holds {ORIGINAL_DIGEST}"
    ]


def test_the_pages_must_name_the_manifests_commit(top: Path, packs: dict[str, Path], tmp_path: Path) -> None:
    files = members(packs["pack.zip"])
    commit, other = head(top), "0" * 40
    changes = {page: files[page].replace(commit.encode(), other.encode()) for page in ("results.json", "manual.html")}
    assert all(changes[page] != files[page] for page in changes)
    assert problems(store(forge(files, changes), tmp_path / "edited.zip")) == [
        f"results.json: cites commit {other}, manifest.json {commit}",
        f"manual.html: cites commit {other}, manifest.json {commit}",
    ]


def test_a_pack_made_from_uncommitted_changes_says_so(tmp_path: Path) -> None:
    top = company_repository(tmp_path / "company")
    record = top / "quality" / RECORD
    record.write_text(record.read_text(encoding="utf-8") + "\n会后补充。\n", encoding="utf-8")
    output = tmp_path / "pack"
    built = run_qms("--root", top / "quality", "pack", "--period", "2025", "--output", output)
    assert built.returncode == 0
    assert f"warning: {RECORD}: packed with uncommitted changes: commit {head(top)} does not hold it" in built.stderr
    manifest = json.loads(members(output)["manifest.json"])
    assert manifest["uncommitted"] == [RECORD]

    plain = verify(output)
    assert plain.returncode == 0
    assert f"{output}: 1 copied file had uncommitted changes when packed: {RECORD}" in plain.stdout
    traced = verify(output, "--repo", top)
    assert traced.returncode == 1
    assert f"{RECORD}: had uncommitted changes when packed: commit {head(top)} does not hold it" in traced.stdout

    # Striking it from the manifest's list does not make it committed.
    files = members(output)
    manifest["uncommitted"] = []
    files["manifest.json"] = json.dumps(manifest).encode("utf-8")
    struck = problems(store(files, tmp_path / "struck"), repo=top)
    assert len(struck) == 1 and struck[0].startswith(f"{RECORD}: manifest.json lists sha256")


def test_a_pack_made_outside_git_cannot_be_traced(top: Path, packs: dict[str, Path], tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(FIXTURES / "minimal", outside)
    made = run_qms("--root", outside, "pack", "--period", "2025", "--output", tmp_path / "outside.zip")
    assert made.returncode == 0, made.stderr
    assert "warning: the manual is not in a git checkout: the pack cannot be traced to a commit" in made.stderr
    assert json.loads(members(tmp_path / "outside.zip")["manifest.json"])["commit"] is None
    plain = verify(tmp_path / "outside.zip")
    assert plain.returncode == 0 and "made outside git: nothing ties its files to a commit" in plain.stdout
    assert problems(tmp_path / "outside.zip", repo=top) == [
        "made outside git (manifest.json names no commit): its files cannot be traced"
    ]

    # a commit the repository does not have, and a folder that is no repository
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")
    missing = problems(packs["pack"], repo=elsewhere)
    assert missing == [
        f"commit {head(top)} is not in the repository at {elsewhere} (fetch it; a shallow clone lacks old commits)"
    ]
    no_repo = verify(packs["pack"], "--repo", outside)
    assert no_repo.returncode == 2
    assert f"{outside}: not a git repository" in no_repo.stderr and "Traceback" not in no_repo.stderr


def test_custody_options_belong_to_verify(top: Path, tmp_path: Path) -> None:
    wrong = run_qms("--root", top / "quality", "pack", "--period", "2025", "--output", tmp_path / "p", "--repo", top)
    assert wrong.returncode == 2 and "--repo, --allowed-signers and --signer only go with --verify" in wrong.stderr
    assert not (tmp_path / "p").exists()


# --------------------------------------------------------------------------- signing


def test_a_signed_pack_verifies(top: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    output = tmp_path / "signed.zip"
    built = run_qms("--root", top / "quality", "pack", "--period", "2025", "--output", output, "--sign", keys["alice"])
    assert built.returncode == 0, built.stderr
    assert f"{output}: signed with {keys['alice']}" in built.stdout
    files = members(output)
    assert files["manifest.json.sig"].startswith(b"-----BEGIN SSH SIGNATURE-----")
    manifest = json.loads(files["manifest.json"])
    assert "manifest.json.sig" not in [f["path"] for f in manifest["files"]]  # it signs the manifest

    checked = verify(output, "--allowed-signers", keys["allowed"], "--repo", top)
    assert checked.returncode == 0, checked.stdout
    assert f"{output}: signed by alice@example.com\n" in checked.stdout
    assert problems(output, allowed=keys["allowed"], signer="alice@example.com") == []

    # the signature is ssh-keygen's own: an auditor can check it without qms
    sig = tmp_path / "manifest.json.sig"
    sig.write_bytes(files["manifest.json.sig"])
    by_hand = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", keys["allowed"], "-I", "alice@example.com"]
        + ["-n", "quality-manual-pack", "-s", sig],
        input=files["manifest.json"],
        capture_output=True,
    )
    assert by_hand.returncode == 0, by_hand.stderr


@pytest.mark.parametrize("name", ["alice", "alice.zip"])
def test_a_signed_pack_fails_after_any_byte_changes(
    packs: dict[str, Path], keys: dict[str, Path], tmp_path: Path, name: str
) -> None:
    files = members(packs[name])
    assert problems(packs[name], allowed=keys["allowed"]) == []
    for number, member in enumerate(sorted(files)):
        data = bytearray(files[member])
        data[len(data) // 2] ^= 0x01
        if member.startswith("manifest.json"):  # the manifest and its signature, as they are
            changed = {**files, member: bytes(data)}
        else:  # any other file with its manifest line rewritten
            changed = forge(files, {member: bytes(data)})
        found = problems(store(changed, tmp_path / f"{number}{packs[name].suffix}"), allowed=keys["allowed"])
        assert any(p.startswith("manifest.json.sig: ") for p in found), (member, found)


def test_a_signature_from_another_key(packs: dict[str, Path], keys: dict[str, Path], tmp_path: Path) -> None:
    stranger = verify(packs["bob"], "--allowed-signers", keys["allowed"])
    assert stranger.returncode == 1
    assert f"manifest.json.sig: made with a key that {keys['allowed']} does not list" in stranger.stdout
    # Bob is trusted, but the auditor asked for Alice
    assert problems(packs["bob"], allowed=keys["both"], signer="alice@example.com") == [
        "manifest.json.sig: not a valid signature of manifest.json by alice@example.com: Could not verify signature."
    ]
    bob = check_pack(packs["bob"], signers=signers_from(keys["both"], None, tmp_path))
    assert bob.problems == [] and bob.signer == "bob@example.com"

    # Alice's pack with Bob's signature of the very same manifest put in its place
    files = members(packs["alice"])
    assert files["manifest.json"] == members(packs["bob"])["manifest.json"]
    swapped = store({**files, "manifest.json.sig": members(packs["bob"])["manifest.json.sig"]}, tmp_path / "swapped")
    assert problems(swapped, allowed=keys["allowed"])[0].startswith("manifest.json.sig: made with a key that")


def test_a_missing_allowed_signers_file(
    top: Path, packs: dict[str, Path], tmp_path: Path, no_personal_git_config: Path
) -> None:
    missing = verify(packs["alice"], "--allowed-signers", tmp_path / "nowhere")
    assert missing.returncode == 2
    assert f"{tmp_path / 'nowhere'}: no such allowed-signers file" in missing.stderr
    assert "Traceback" not in missing.stderr

    unknown = verify(packs["alice"])  # signed, and nothing says whose keys to trust
    assert unknown.returncode == 2
    assert "the pack is signed (manifest.json.sig): say whose keys to trust" in unknown.stderr

    git(top, "config", "--file", no_personal_git_config, "gpg.ssh.allowedSignersFile", str(tmp_path / "gone"))
    configured = verify(packs["alice"], "--repo", top)
    assert configured.returncode == 2
    assert f"{tmp_path / 'gone'}: no such allowed-signers file (git config gpg.ssh.allowedSignersFile)" in (
        configured.stderr
    )
    with pytest.raises(PackError, match="--signer needs an allowed-signers file"):
        signers_from(None, "alice@example.com", tmp_path / "nowhere")


def test_git_config_names_the_allowed_signers(
    top: Path, packs: dict[str, Path], keys: dict[str, Path], no_personal_git_config: Path
) -> None:
    git(top, "config", "--file", no_personal_git_config, "gpg.ssh.allowedSignersFile", str(keys["allowed"]))
    checked = verify(packs["alice.zip"], "--repo", top)
    assert checked.returncode == 0 and "signed by alice@example.com" in checked.stdout
    assert "signed by alice@example.com" in verify(packs["alice.zip"], cwd=top).stdout
    # named by git, not asked for on the command line: an unsigned pack is said to be unsigned
    unsigned = verify(packs["pack"], "--repo", top)
    assert unsigned.returncode == 0 and "not signed" in unsigned.stdout
    assert problems(packs["bob"], repo=top) == [
        f"manifest.json.sig: made with a key that {keys['allowed']} does not list (No principal matched.)"
    ]


def test_an_unsigned_pack_when_a_signature_is_asked_for(
    packs: dict[str, Path], keys: dict[str, Path], tmp_path: Path
) -> None:
    asked = verify(packs["pack"], "--allowed-signers", keys["allowed"])
    assert asked.returncode == 1
    assert f"{packs['pack']}: manifest.json.sig: missing: the pack is not signed" in asked.stdout
    # a signed pack whose signature was removed is just as unsigned
    files = members(packs["alice"])
    del files["manifest.json.sig"]
    stripped = store(files, tmp_path / "stripped")
    assert problems(stripped, allowed=keys["allowed"]) == ["manifest.json.sig: missing: the pack is not signed"]


def test_signing_with_a_key_that_is_not_there(top: Path, tmp_path: Path) -> None:
    output = tmp_path / "pack"
    command = ("--root", top / "quality", "pack", "--period", "2025", "--output", output, "--sign")
    refused = run_qms(*command, tmp_path / "k")
    assert refused.returncode == 2 and f"{tmp_path / 'k'}: no such key file" in refused.stderr
    assert not output.exists()
    not_a_key = tmp_path / "not-a-key"
    not_a_key.write_text("hello\n", encoding="utf-8")
    refused = run_qms(*command, not_a_key)
    assert refused.returncode == 2 and f"{not_a_key}: ssh-keygen could not sign" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not output.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
