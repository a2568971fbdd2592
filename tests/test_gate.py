"""The annual revision pull request, gated by the people the manual names.

Real git repositories, the real `qms` command: who may approve is read from the roles'
members, `qms diff` holds the gate until the approving role has approved, and
`qms codeowners` writes the CODEOWNERS file that asks those people for review.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from checks import load_manual
from checks.evaluating.evaluate import evaluate
from conftest import REPO, run_qms
from test_doccontrol import git

POLICY = "policy/TFDL-ITSS-08-01.md"
OLD_731 = "- (1) 内审要求每年度至少执行一次, 安排在每年 4 月进行,"
NEW_731 = "- (1) 内审要求每年度至少执行一次, 安排在每年 5 月进行,"
CLAUSE_731_CHECKPOINTS = [
    "cp-internal-audit-coverage",
    "cp-internal-audit-nc",
    "cp-internal-audit-plan",
    "cp-internal-audit-records",
    "cp-internal-audit-yearly",
]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def manual_repo(tmp_path: Path) -> Path:
    """A copy of this repository's manual in a git repository of its own, on main."""
    root = tmp_path / "manual"
    shutil.copytree(REPO / "policy", root / "policy")
    shutil.copytree(REPO / "evidence", root / "evidence")
    # The seeds give no GitHub logins; this company's approver has one.
    edit(root / "policy/roles/general-manager.yaml", "- name: 张远明\n", "- name: 张远明\n  login: zhang-ym\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "manual")
    return root


def test_annual_revision_pull_request_end_to_end(manual_repo: Path) -> None:
    root = manual_repo
    git(root, "checkout", "-qb", "revision-2026")
    edit(root / POLICY, OLD_731, NEW_731)
    revised = run_qms(
        "--root", root, "revise", "TFDL-ITSS-08-01", "--version", "V1.3", "--author", "杨洁",
        "--change", "内审改到 5 月", "--date", "2026-01-05",
    )  # fmt: skip
    assert revised.returncode == 0, revised.stderr

    pending = run_qms("--root", root, "diff", "--base", "main", "--as-of", "2026-01-06")
    assert pending.returncode == 1, pending.stdout + pending.stderr
    md = pending.stdout
    assert "## TFDL-ITSS-08-01 运维服务质量管理制度 (V1.2 → V1.3)" in md
    assert "- reworded 7.3.1 内审要求" in md
    assert (
        "- **pending:** TFDL-ITSS-08-01 V1.3 awaits approval by a member of 总经理 (general-manager): 张远明"
        " (`qms approve TFDL-ITSS-08-01 --by NAME`)"
    ) in md
    checkpoints = section(md, "Checkpoints whose clause changed")
    assert [line.split()[1] for line in checkpoints] == CLAUSE_731_CHECKPOINTS
    suspects = section(md, "Evidence that became suspect")
    assert (
        "- IAR-2025-04 2025 年 4 月运维服务内审报告 (evidence/2025/internal-audit/IAR-2025-04.md): "
        "cp-internal-audit-yearly, cp-internal-audit-coverage"
    ) in suspects
    assert len(suspects) == 15  # the plan, checklist, records, NC report and report of three audits

    before = (root / POLICY).read_bytes()
    stranger = run_qms("--root", root, "approve", "TFDL-ITSS-08-01", "--by", "李四", "--date", "2026-01-08")
    assert stranger.returncode == 2
    assert stranger.stderr.strip() == (
        "qms approve: '李四' is not a member of 总经理 (general-manager), which approves TFDL-ITSS-08-01; "
        "its members on 2026-01-08: 张远明"
    )
    typo = run_qms("--root", root, "approve", "TFDL-ITSS-08-01", "--by", "张远名", "--date", "2026-01-08")
    assert typo.returncode == 2 and "did you mean '张远明'?" in typo.stderr
    assert (root / POLICY).read_bytes() == before

    approved = run_qms(
        "--root", root, "approve", "TFDL-ITSS-08-01", "--by", "张远明", "--reviewed-by", "吴艳", "--date", "2026-01-08"
    )
    assert approved.returncode == 0, approved.stderr
    passed = run_qms("--root", root, "diff", "--base", "main", "--as-of", "2026-01-08")
    assert passed.returncode == 0, passed.stdout
    assert "- TFDL-ITSS-08-01 V1.3 approved 2026-01-08 by 张远明, a member of 总经理 (general-manager)" in passed.stdout
    assert "**pending:**" not in passed.stdout

    stale = run_qms("--root", root, "codeowners", "--check", "--as-of", "2026-01-08")
    assert stale.returncode == 1
    assert ".github/CODEOWNERS does not exist; run `qms codeowners`" in stale.stderr
    written = run_qms("--root", root, "codeowners", "--as-of", "2026-01-08")
    assert written.returncode == 0, written.stderr
    codeowners = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "\n/policy/TFDL-ITSS-08-01.md @zhang-ym\n" in codeowners
    assert "\n/policy/roles/general-manager.yaml @zhang-ym\n" in codeowners
    checked = run_qms("--root", root, "codeowners", "--check", "--as-of", "2026-01-08")
    assert checked.returncode == 0, checked.stderr
    assert run_qms("--root", root, "validate").returncode == 0


def section(markdown: str, title: str) -> list[str]:
    """The list items under a `## title` heading."""
    lines = markdown.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0].splitlines()
    return [line for line in lines if line.startswith("- ")]


def test_diff_without_changes_to_approve_passes(manual_repo: Path) -> None:
    result = run_qms("--root", manual_repo, "diff", "--base", "main")
    assert result.returncode == 0
    assert result.stdout == "No controlled document changed its normative text since main.\n"


# --- approvers as data -------------------------------------------------------------------


def test_approve_takes_a_current_member_of_the_approving_role(minimal: Path) -> None:
    # The fixture's 总经理: 张总 until 2025-12-31, then 张远明; its reviewers (质量管理组) in the old form.
    args = ["--version", "V1.2", "--author", "杨工", "--change", "年度修订", "--date", "2026-02-01"]
    assert run_qms("--root", minimal, "revise", "QP-01", *args).returncode == 0
    former = run_qms("--root", minimal, "approve", "QP-01", "--by", "张总", "--date", "2026-02-03")
    assert former.returncode == 2
    assert (
        "'张总' is a member of 总经理 (general-manager), which approves QP-01, only until 2025-12-31, not on 2026-02-03"
    ) in former.stderr
    reviewer = run_qms(
        "--root", minimal, "approve", "QP-01", "--by", "张远明", "--reviewed-by", "张远明", "--date", "2026-02-03"
    )
    assert reviewer.returncode == 2
    assert (
        "'张远明' is not a member of 质量管理组 (quality-group), which reviews QP-01; "
        "its members on 2026-02-03: 王工, 吴工, 吴艳"
    ) in reviewer.stderr
    ok = run_qms(
        "--root", minimal, "approve", "QP-01", "--by", "张远明", "--reviewed-by", "吴工", "--date", "2026-02-03"
    )
    assert ok.returncode == 0, ok.stderr
    assert run_qms("--root", minimal, "validate").returncode == 0


def test_a_document_without_approving_role_is_gated_but_any_name_is_said_to_be_unchecked(minimal: Path) -> None:
    edit(minimal / "policy/QP-01.md", "approving_role: general-manager\n", "")
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", ".")
    git(minimal, "commit", "-qm", "manual")
    edit(minimal / "policy/QP-01.md", "安排在每年 4 月进行", "安排在每年 5 月进行")
    args = ["--version", "V1.2", "--author", "杨工", "--change", "年度修订", "--date", "2026-02-01"]
    assert run_qms("--root", minimal, "revise", "QP-01", *args).returncode == 0
    pending = run_qms("--root", minimal, "diff", "--base", "main")
    assert pending.returncode == 1
    expected = "- **pending:** QP-01 V1.2 awaits approval; QP-01 names no approving_role: any name is accepted"
    assert expected in pending.stdout
    assert section(pending.stdout, "Checkpoints whose clause changed") == ["- cp-audit 每年 4 月进行内审 (QP-01#7.3.1)"]

    result = run_qms("--root", minimal, "approve", "QP-01", "--by", "随便谁", "--date", "2026-02-03")
    assert result.returncode == 0
    assert "QP-01 names no approving_role: the approver '随便谁' was not checked against anyone" in result.stderr
    passed = run_qms("--root", minimal, "diff", "--base", "main")
    assert passed.returncode == 0
    assert "- QP-01 V1.2 approved 2026-02-03 by 随便谁 (QP-01 names no approving_role: not checked)" in passed.stdout


def test_validate_checks_every_approver_against_the_members_on_its_date(minimal: Path) -> None:
    policy = minimal / "policy/QP-01.md"
    edit(policy, "    approved_by: 张总\n    approved: 2024-01-10", "    approved_by: 张总总\n    approved: 2024-01-10")
    edit(policy, "    reviewed_by: 吴工", "    reviewed_by: 李四")
    edit(minimal / "policy/roles/general-manager.yaml", "until: 2025-12-31", "until: 2024-12-31")
    edit(minimal / "evidence/2025/audit/IAR-2025.md", "approved_by: 张总", "approved_by: 王工")
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "evidence/2025/audit/IAR-2025.md:9: approved_by: '王工' is not a member of 总经理 (general-manager), "
        "which approves records of type 'internal-audit-report'; it has no members on 2025-04-20",
        "policy/QP-01.md:19: revisions[0].approved_by: '张总总' is not a member of 总经理 (general-manager), "
        "which approves QP-01; did you mean '张总'?",
        "policy/QP-01.md:25: revisions[1].reviewed_by: '李四' is not a member of 质量管理组 (quality-group), "
        "which reviews QP-01; its members on 2025-01-06: 王工, 吴工, 吴艳",
        "policy/QP-01.md:27: revisions[1].approved_by: '张总' is a member of 总经理 (general-manager), "
        "which approves QP-01, only until 2024-12-31, not on 2025-01-08",
    ]


def test_members_are_checked_and_the_old_list_of_names_still_reads(minimal: Path) -> None:
    role = minimal / "policy/roles/general-manager.yaml"
    edit(role, "  - name: 张总\n", "  - nmae: 张总\n")
    edit(role, "    login: zhang-ym\n", "    login: '@zhang'\n")
    edit(role, "    from: 2026-01-01\n", "    from: 2026-01-01\n    until: 2025-06-30\n")
    (minimal / "policy/roles/audit-team.yaml").write_text(
        "id: audit-team\nkind: role\nname: 内审组\nmembers: [李工, {name: 李工, from: 2025-01-01}]\n"
        "approving_role: general-manager\n",
        encoding="utf-8",
    )
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "policy/roles/audit-team.yaml:5: approving_role: unknown field 'approving_role'",
        "policy/roles/general-manager.yaml:6: members[0].name: missing required field 'name'",
        "policy/roles/general-manager.yaml:6: members[0].nmae: unknown field 'nmae' (did you mean 'name'?)",
        "policy/roles/general-manager.yaml:9: members[1].login: \"@zhang\" is not valid here: "
        "expected a GitHub or GitLab user name, without '@'",
    ]

    (minimal / "policy/roles/audit-team.yaml").write_text(
        "id: audit-team\nkind: role\nname: 内审组\nmembers: [李工, {name: 李工, from: 2025-01-01}]\n", encoding="utf-8"
    )
    edit(role, "  - nmae: 张总\n", "  - name: 张总\n")
    edit(role, "    login: '@zhang'\n", "    login: zhang-ym\n")
    edit(minimal / "policy/QP-01.md", "reviewing_role: quality-group", "reviewing_role: quality-grop")
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("policy/QP-01.md:31: reviewing_role: unknown role 'quality-grop'")
    assert lines[1:] == [
        "policy/roles/audit-team.yaml:4: members[1]: '李工' is listed twice with overlapping dates (members[0])",
        "policy/roles/general-manager.yaml:12: members[1].until: until 2025-06-30 is before from 2026-01-01",
    ]


def test_the_repository_manual_names_the_approvers_of_its_revision_tables() -> None:
    manual = load_manual(REPO).manual
    policy, plan = manual.policies["TFDL-ITSS-08-01"], manual.policies["XDYJ-04-09"]
    names = {role: [m.name for m in manual.roles[role].members] for role in manual.roles}
    assert policy.approving_role == "general-manager" and names["general-manager"] == ["张远明"]
    assert policy.reviewing_role == "quality-group" and names["quality-group"] == ["罗喜军", "吴艳"]
    assert {r.approved_by for r in policy.revisions} == {"张远明"}
    assert {r.reviewed_by for r in policy.revisions} == {"罗喜军", "吴艳"}
    assert plan.approving_role is not None and names[plan.approving_role] == ["孙玥"]
    assert manual.evidence_types["internal-audit-plan"].approving_role == "general-manager"


# --- CODEOWNERS ----------------------------------------------------------------------------


@pytest.fixture
def repo(minimal: Path) -> Path:
    git(minimal, "init", "-q", "-b", "main")
    return minimal


BLOCK = """\
# BEGIN qms codeowners: made from the manual's roles by `qms codeowners`; edit the roles, not these lines
# Controlled documents: the members of their approving role (or else of their owner role)
/policy/QP-01.md @zhang-ym
# Roles: their own members
/policy/roles/general-manager.yaml @zhang-ym
# Not listed, as nobody in their role has a login or e-mail:
# 综合管理部 (mgmt-dept): policy/roles/mgmt-dept.yaml
# 质量管理组 (quality-group): policy/checkpoints/cp-audit.yaml, policy/roles/quality-group.yaml
# END qms codeowners
"""


def test_codeowners_from_the_roles_and_checked_in_ci(repo: Path) -> None:
    result = run_qms("--root", repo, "codeowners", "--as-of", "2026-03-01")
    assert result.returncode == 0, result.stderr
    assert (repo / ".github/CODEOWNERS").read_text(encoding="utf-8") == BLOCK
    assert "warning: nobody in 质量管理组 (quality-group) has a login or e-mail" in result.stderr
    assert run_qms("--root", repo, "codeowners", "--check", "--as-of", "2026-03-01").returncode == 0

    # 张总 owned QP-01 until 2025-12-31: the file of an earlier date differs.
    earlier = run_qms("--root", repo, "codeowners", "--check", "--as-of", "2025-06-01")
    assert earlier.returncode == 1
    assert ".github/CODEOWNERS is not current; run `qms codeowners`:" in earlier.stderr
    assert "\n-/policy/QP-01.md @zhang-ym\n" in earlier.stderr

    gitlab = run_qms("--root", repo, "codeowners", "--gitlab", "--as-of", "2026-03-01")
    assert gitlab.returncode == 0, gitlab.stderr
    text = (repo / ".gitlab/CODEOWNERS").read_text(encoding="utf-8")
    assert "\n[qms: Controlled documents]\n/policy/QP-01.md @zhang-ym\n" in text
    assert "\n[qms: Roles]\n/policy/roles/general-manager.yaml" in text


def test_codeowners_keeps_a_hand_written_file_and_refuses_a_broken_block(repo: Path) -> None:
    mine = "# our own rules\n* @acme/devs\n"
    (repo / "CODEOWNERS").write_text(mine, encoding="utf-8")  # GitHub reads this one when .github/ has none
    result = run_qms("--root", repo, "codeowners", "--as-of", "2026-03-01")
    assert result.returncode == 0, result.stderr
    assert not (repo / ".github/CODEOWNERS").exists()
    assert (repo / "CODEOWNERS").read_text(encoding="utf-8") == mine + "\n" + BLOCK
    assert "CODEOWNERS: kept its own 2 lines and added the generated block after them" in result.stderr

    again = run_qms("--root", repo, "codeowners", "--as-of", "2026-03-01")
    assert again.returncode == 0 and "CODEOWNERS is up to date" in again.stderr
    edit(repo / "policy/roles/general-manager.yaml", "    login: zhang-ym\n", "    login: zym\n")
    assert run_qms("--root", repo, "codeowners", "--as-of", "2026-03-01").returncode == 0
    updated = (repo / "CODEOWNERS").read_text(encoding="utf-8")
    assert updated.startswith(mine + "\n# BEGIN qms codeowners") and "\n/policy/QP-01.md @zym\n" in updated

    broken = mine + "# BEGIN qms codeowners\n/policy/QP-01.md @someone\n"
    (repo / "CODEOWNERS").write_text(broken, encoding="utf-8")
    refused = run_qms("--root", repo, "codeowners", "--as-of", "2026-03-01")
    assert refused.returncode == 2
    assert "CODEOWNERS:3: '# BEGIN qms codeowners' has no '# END qms codeowners' line" in refused.stderr
    assert (repo / "CODEOWNERS").read_text(encoding="utf-8") == broken


def test_codeowners_paths_are_relative_to_the_repository_top(tmp_path: Path, minimal: Path) -> None:
    top = tmp_path / "company"
    shutil.move(minimal, top / "quality")
    git(top, "init", "-q", "-b", "main")
    assert run_qms("--root", top / "quality", "codeowners", "--as-of", "2026-03-01").returncode == 0
    text = (top / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "\n/quality/policy/QP-01.md @zhang-ym\n" in text


# --- qms confirm --all --checkpoint --------------------------------------------------------


def test_confirm_all_is_limited_by_checkpoint(tmp_path: Path) -> None:
    root = tmp_path / "manual"
    shutil.copytree(REPO / "policy", root / "policy")
    shutil.copytree(REPO / "evidence", root / "evidence")
    edit(root / POLICY, OLD_731, NEW_731)

    def suspect() -> dict[str, tuple[str, ...]]:
        results = evaluate(load_manual(root).manual, dt.date(2025, 12, 31), with_kpis=False)
        return {r.id: r.suspect for r in results.checkpoints if r.suspect}

    before = suspect()
    assert sorted(before) == ["cp-internal-audit-coverage", "cp-internal-audit-nc", "cp-internal-audit-plan",
                              "cp-internal-audit-records", "cp-internal-audit-yearly"]  # fmt: skip
    result = run_qms("--root", root, "confirm", "--all", "--checkpoint", "cp-internal-audit-yearly")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"evidence/{year}/internal-audit/{record}.md: confirmed for cp-internal-audit-yearly"
        for year, record in (("2025", "IAR-2025-04"), ("2025", "IAR-2025-11"), ("2026", "IAR-2026-04"))
    ]
    assert "3 records updated" in result.stderr
    after = suspect()
    assert "cp-internal-audit-yearly" not in after
    assert after == {cp: ids for cp, ids in before.items() if cp != "cp-internal-audit-yearly"}

    unknown = run_qms("--root", root, "confirm", "--all", "--checkpoint", "cp-internal-audit-yearley")
    assert unknown.returncode == 2
    assert "unknown checkpoint 'cp-internal-audit-yearley' (did you mean 'cp-internal-audit-yearly'?)" in unknown.stderr
