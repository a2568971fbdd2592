"""The site's words, by key, in the site's language (theme.language); Chinese is the default.

The English words are the messages of the gettext catalogs (checks/locale); each language's
catalog gives them in that language.
"""

from __future__ import annotations

from checks.i18n import N_, translations

EN: dict[str, str] = {
    "dashboard": N_("Dashboard"),
    "checkpoints": N_("Checkpoints"),
    "evidence": N_("Evidence"),
    "roles": N_("Roles"),
    "raci": N_("Responsibility matrix (RACI)"),
    "kpis": N_("KPIs"),
    "plan": N_("Plan"),
    "nonconformities": N_("Nonconformities"),
    "traceability": N_("Traceability"),
    "policies": N_("Policies"),
    "status.pass": N_("Pass"),
    "status.fail": N_("Fail"),
    "status.missing": N_("Missing"),
    "status.stale": N_("Stale"),
    "status.due-soon": N_("Due soon"),
    "status.waived": N_("Waived"),
    "status.error": N_("Error"),
    "status.not-due": N_("Not due yet"),
    "verdict.met": N_("Met"),
    "verdict.missed": N_("Missed"),
    "verdict.no-target": N_("Monitored"),
    "verdict.no-data": N_("No data"),
    "area.system": N_("System"),
    "area.resources": N_("Resources"),
    "area.technology": N_("Technology"),
    "area.process": N_("Process"),
    "area.people": N_("People"),
    "raci.R": N_("Responsible (R)"),
    "raci.A": N_("Accountable (A)"),
    "raci.C": N_("Consulted (C)"),
    "raci.I": N_("Informed (I)"),
    "id": N_("ID"),
    "title": N_("Title"),
    "clause": N_("Clause"),
    "area": N_("Area"),
    "owner": N_("Owner"),
    "status": N_("Status"),
    "severity": N_("Severity"),
    "severity.major": N_("major"),
    "severity.minor": N_("minor"),
    "reason": N_("Reason"),
    "type": N_("Type"),
    "date": N_("Date"),
    "period": N_("Period"),
    "approved_by": N_("Approved by"),
    "path": N_("File"),
    "size": N_("Size"),
    "sha256": N_("SHA-256"),
    "commit": N_("Git commit"),
    "value": N_("Value"),
    "target": N_("Target"),
    "verdict": N_("Verdict"),
    "numerator": N_("Numerator"),
    "denominator": N_("Denominator"),
    "analysis": N_("Miss analysis"),
    "formula": N_("Formula"),
    "unit": N_("Unit"),
    "source": N_("Data source"),
    "file": N_("Source file"),
    "kpi_period.year": N_("year"),
    "kpi_period.half": N_("half year"),
    "kpi_period.quarter": N_("quarter"),
    "kpi_period.month": N_("month"),
    "raci_letter": N_("RACI"),
    "activity": N_("Activity"),
    "produces": N_("Produces"),
    "month": N_("Month"),
    "due": N_("Due"),
    "start": N_("Start"),
    "end": N_("End"),
    "records": N_("Records"),
    "year": N_("Year"),
    "more_records": N_("{n} more"),
    "closed": N_("Closed"),
    "verified": N_("Verified"),
    "found_in": N_("Found in"),
    "description": N_("Description"),
    "root_cause": N_("Root cause"),
    "action": N_("Corrective action"),
    "members": N_("Members"),
    "parent": N_("Part of"),
    "suspect": N_("suspect"),
    "suspect_note": N_("The clause or rule changed after these records were approved; confirm they still apply"),
    "suspect_for": N_("Its link to these checkpoints must be confirmed again"),
    "documents": N_("Controlled document reviews"),
    "review": N_("Review"),
    "nc_status.open": N_("open"),
    "nc_status.closed": N_("closed"),
    "nc_status.verified": N_("verified"),
    "days_late": N_("Days overdue"),
    "nc_overdue": N_("{n} open past their due date"),
    "uncovered": N_("Clauses without a checkpoint"),
    "uncovered_note": N_(
        "{n} clauses have no checkpoint: headings, definitions or requirements an auditor judges by reading;"
        " each is listed so that none is missed."
    ),
    "no_checkpoint_row": N_("no checkpoint"),
    "uncovered_count": N_("Clauses without a checkpoint: {n}"),
    "duties": N_("Duties"),
    "activities": N_("Activities"),
    "total": N_("Total"),
    "field": N_("Field"),
    "granted": N_("Granted"),
    "expires": N_("Expires"),
    "covers": N_("Status it covers"),
    "what": N_("What"),
    "doc_control": N_("Document control"),
    "doc_no": N_("Document no."),
    "version": N_("Version"),
    "doc_status": N_("Document status"),
    "doc_status.draft": N_("draft"),
    "doc_status.effective": N_("effective"),
    "doc_status.retired": N_("retired"),
    "effective": N_("Effective"),
    "next_review": N_("Next review due"),
    "compliance": N_("Compliance"),
    "revisions": N_("Revision history"),
    "changes": N_("clause changes"),
    "same_clause": N_("Other checkpoints of this clause"),
    "changes.added": N_("Added"),
    "changes.removed": N_("Removed"),
    "changes.reworded": N_("Reworded"),
    "changes.none": N_("This version changed no clause text."),
    "changes.unavailable": (
        N_("Git history holds no text of the previous version, so it cannot be compared clause by clause.")
    ),
    "author": N_("Author"),
    "rev_date": N_("Date written"),
    "reviewed_by": N_("Reviewed by"),
    "reviewed": N_("Reviewed"),
    "approved": N_("Approved"),
    "change": N_("Change"),
    "as_of": N_("Evaluated as of"),
    "manual": N_("quality manual"),
    "ok": N_("all met"),
    "failing": N_("failing"),
    "by_status": N_("By status"),
    "by_area": N_("By area"),
    "by_owner": N_("By owner"),
    "trend": N_("Compliance over time"),
    "kpi_tiles": N_("KPIs at a glance"),
    "due_next": N_("Due in the next {days} days"),
    "nothing_due": N_("Nothing is due."),
    "subscribe_calendar": N_("Subscribe to the due-date calendar (.ics)"),
    "attention": N_("Needs attention"),
    "nothing_failing": N_("No checkpoint is failing."),
    "rule": N_("Requirement"),
    "verified_by": N_("Verified by"),
    "verified.conditions": N_("conditions"),
    "verified.partial": N_("conditions, in part"),
    "verified.existence": N_("a record's existence only"),
    "verified_conditions": N_("Conditions this result verified"),
    "verified_existence": N_("Only the existence of a record was checked; its content is for the auditor to judge"),
    "by_verification": N_("What the results rest on"),
    "subject": N_("For"),
    "after_as_of": N_(
        "This record is dated {date}, after the evaluation date: it did not exist yet, and no result used it."
    ),
    "after_as_of_short": N_("after the evaluation date"),
    "periods": N_("Periods looked at"),
    "evidence_used": N_("Evidence used"),
    "declared": N_("Records declaring they satisfy this checkpoint"),
    "waiver": N_("Waiver"),
    "remedy": N_("Remedy"),
    "warnings": N_("Warnings"),
    "fields": N_("Fields"),
    "attachments": N_("Attachments"),
    "data_files": N_("Data files"),
    "data_preview": N_("First {n} of {total} rows"),
    "satisfies": N_("Declares it satisfies"),
    "used_by": N_("Used by the results of"),
    "body": N_("Record"),
    "owned_checkpoints": N_("Checkpoints owned"),
    "owned_kpis": N_("KPIs owned"),
    "owned_plan": N_("Plan activities owned"),
    "scheduled": N_("○ scheduled"),
    "no_checkpoint": N_("no checkpoint"),
    "so_far": N_(" (so far)"),
    "monitored": N_("monitored"),
    "sample": N_("sample data"),
    "chart_data": N_("Chart data"),
    "kpi_error": N_("KPI could not be computed"),
    "nc_due": N_("nonconformity correction"),
    "every.12": N_("every year"),
    "every.6": N_("every half year"),
    "every.3": N_("every quarter"),
    "every.1": N_("every month"),
    "every.rolling": N_("within the last {d}"),
    "unit.years": N_("{n} year(s)"),
    "unit.months": N_("{n} month(s)"),
    "unit.days": N_("{n} day(s)"),
    "rule.count": N_("at least {n} record(s) of {type}"),
    "rule.due": N_("due by {d} each year"),
    "rule.plan": N_("in each month scheduled by {row}"),
    "rule.where": N_("where {conds}"),
    "rule.rows": N_("in the data, every row{scope}: {conds}"),
    "rule.rows_scope": N_(" where {conds}"),
    "rule.within": N_("{to} is at most {max} after {frm}"),
    "rule.filled": N_("{cols} filled in"),
    "rule.nc": N_("every nonconformity found in {type} records{clause} is closed and verified by its due date"),
    "rule.nc_all": N_("every nonconformity{clause} is closed and verified by its due date"),
    "rule.nc_clause": N_(" (clause {clause})"),
    "rule.kpi": N_("KPI {kpi} meets its target, or a miss analysis exists"),
    "rule.check": N_("the custom check {func} holds"),
    "rule.none": N_("the rule names no evidence, nonconformities or KPI"),
    "cond.equals": N_("{f} is {v}"),
    "cond.in": N_("{f} is one of {v}"),
    "cond.min": N_("{f} ≥ {v}"),
    "cond.max": N_("{f} ≤ {v}"),
    "cond.nonempty": N_("{f} is not empty"),
    "cond.empty": N_("{f} is empty"),
    "cond.includes": N_("{f} includes {v}"),
    "cond.roles": N_("{f} includes every role with the activity “{v}”"),
    "cond.roles_types": N_("{f} includes every {types} with the activity “{v}”"),
    "role_type.department": N_("department"),
    "role_type.group": N_("group"),
    "role_type.position": N_("position"),
    "rule.window": N_("each year between {opens} and {d}"),
    "rule.each_project": N_("for each project active in the period, "),
    "rule.each_project_within": N_("one {type} for each project within {d} of its start (its project field names it)"),
    "rule.each_record": N_("one {type} within {d} after each {source}{where} (its {field} field names it)"),
    "rule.verdict": N_(
        "its verdict {conds}; otherwise nonconformities naming the record must be closed and verified by their due date"
    ),
    "rule.review": N_(
        "document {doc} is reviewed within its cycle (a review record, review.last or an approved revision)"
    ),
    "cond.and": N_(" and "),
    "sentence_end": N_("."),
    # what MkDocs and Material write themselves (see QualityManualPlugin._theme_words)
    "permalink_title": N_("Permanent link"),
    "not_found": N_("Not found"),
    "made_with": N_("Made with {generator}"),
}

LANGUAGES = ("zh", "en")


def language_code(language: str | None) -> str:
    """'en', 'en-GB' -> 'en'; 'zh', 'zh-Hant', unknown or None -> 'zh'."""
    code = (language or "zh").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else "zh"


class Labels:
    """`labels["checkpoints"]`, `labels.status("pass")`, `labels.format("due_next", days=60)`."""

    def __init__(self, language: str | None) -> None:
        self.code = language_code(language)
        self.catalog = translations(self.code)
        self.words = EN  # the keys there are

    def __getitem__(self, key: str) -> str:
        return self.catalog.gettext(EN[key]) if key in EN else key

    def format(self, key: str, **values: object) -> str:
        return self[key].format(**values)

    def status(self, status: str) -> str:
        return self._named(f"status.{status}", status)

    def verdict(self, verdict: str) -> str:
        return self._named(f"verdict.{verdict}", verdict)

    def area(self, area: str) -> str:
        return self._named(f"area.{area}", area)

    def _named(self, key: str, fallback: str) -> str:
        return self[key] if key in EN else fallback
