"""The `qms` MkDocs plugin: loads and evaluates the manual through `checks`, then
publishes the results (generated pages, policy decorations, status.json, badges)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Callable
from contextvars import Token
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel, file_sort_key
from mkdocs.structure.pages import Page
from mkdocs.utils import nest_paths

import checks
from checks import LoadedManual, load_manual, memory
from checks.authoring.changes import VersionChange, git_history, version_history
from checks.cache import BuildCache
from checks.evaluating.evaluate import GitInfo, evaluate
from checks.evaluating.periods import check_as_of
from checks.i18n import _, activate, deactivate
from checks.loading.data import DataCache, DataLimits
from checks.loading.loader import relpath
from checks.loading.localcode import local_folders
from checks.model import KINDS, Policy
from checks.outputs.html import sanitize
from checks.results import document_json, to_document

from . import dashboard, evidence, history, pages, rawhtml
from .badges import checkpoint_svg, manual_svg
from .calendars import calendar_files
from .config import QmsConfig
from .context import CHECKPOINTS_INDEX, EVIDENCE_INDEX, POLICIES_INDEX, ROLES_INDEX, SINGLE_PAGES, Site
from .labels import Labels
from .memo import PageMemo, checkpoint_inputs, everything, evidence_inputs, policy_inputs
from .policy import clause_badges, decorate_policy, mark_clauses, resolve_references
from .progress import Progress

log = get_plugin_logger("qms")

ASSETS = Path(__file__).parent / "assets"
CSS, JS = "assets/qms/qms.css", "assets/qms/qms.js"
OVERRIDES = str(Path(__file__).parent / "overrides")  # templates of Material's with words in the site's language
SOURCE_SUFFIXES = (".yaml", ".yml")
POLICY_SEARCH_BOOST = 4
# Generated pages in the navigation, in a reader's order, each under its label. The pages of
# single objects (a checkpoint, a role, the records of a year) are reached from these and from
# links: listed in the navigation, they would make every page of their section list all the others.
NAV_ORDER = (
    ("checkpoints", CHECKPOINTS_INDEX),
    ("kpis", SINGLE_PAGES["kpis"]),
    ("plan", SINGLE_PAGES["plan"]),
    ("nonconformities", SINGLE_PAGES["nonconformities"]),
    ("traceability", SINGLE_PAGES["traceability"]),
    ("raci", SINGLE_PAGES["raci"]),
    ("roles", ROLES_INDEX),
    ("evidence", EVIDENCE_INDEX),
)
NAV_PAGES = frozenset(uri for _, uri in NAV_ORDER)


class QualityManualPlugin(BasePlugin[QmsConfig]):
    def __init__(self) -> None:
        # Kept for the life of the plugin object, which `on_startup` makes the whole of a
        # `mkdocs serve`: a rebuild re-reads and re-evaluates only what changed.
        self.cache = BuildCache()
        self.memo = PageMemo()
        self.data = DataCache()  # data files, read again only when they change
        self.entries: dict[int, Any] = {}  # results-document entries of kept checkpoint results
        self.loaded: LoadedManual | None = None
        self.root = Path()
        self.labels = Labels(None)
        self.language_token: Token[Any] | None = None  # the site's language, set for one build
        self.site: Site | None = None
        self.policy_uris: dict[str, str] = {}  # page src_uri -> policy id
        self.sources: dict[str, str] = {}  # src_uri of a page with hand-written text -> file named in warnings
        self.generated: set[str] = set()  # src_uris of the generated pages
        self.nav: list[Any] | None = None  # the navigation this plugin made
        self.raw_prefix = rawhtml.new_prefix()  # the same for the life of the plugin object (see memo)
        self.raw: dict[str, rawhtml.RawBlocks] = {}  # src_uri -> the raw HTML set aside from its Markdown
        self.converting: dict[str, tuple[Any, ...]] = {}  # src_uri -> the inputs of the HTML Markdown makes of it
        self.reused: dict[str, Converted] = {}  # src_uri -> the HTML of an earlier build, Markdown left out
        self.progress = Progress(log.info)
        self.templates = _TemplateCache()

    # --- configuration and loading -------------------------------------------------------

    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        self.root = self._root(config)
        labels = Labels(self.config.language or config.theme.get("language"))
        if labels.code != self.labels.code:  # `mkdocs serve` after theme.language changed: kept messages are stale
            self.cache, self.entries = BuildCache(), {}
        self.labels = labels
        # The whole build speaks the site's language: validation warnings, reasons on the pages,
        # status.json. Closed in on_post_build or on_build_error.
        self._end_language()
        self.language_token = activate(labels.code)
        if not (self.root / "policy").is_dir():
            raise PluginError(_("qms: no policy/ folder in {path}").format(path=self.root))
        self.progress.start_build()
        self.loaded = load_manual(self.root, cache=self.cache)
        objects = sum(len(self.loaded.manual.collection(kind)) for kind in KINDS)
        self.progress.phase(_("loaded the manual: {objects} objects ({seconds:.1f} s)"), objects=objects)
        # Warnings, so that `mkdocs build --strict` fails on an invalid manual
        # while a plain build still shows what it can.
        for issue in self.loaded.issues:
            log.warning(str(issue))
        if self.loaded.held_back:
            log.warning(self.loaded.held_back_summary())
        limits = DataLimits(self.config.max_workbook_mb, self.config.max_workbook_rows, self.config.max_csv_mb)
        if limits != self.data.limits:  # what was read under other limits is read again
            self.data = DataCache(limits=limits)
        if "attr_list" not in config.markdown_extensions:  # clause headings get explicit ids
            config.markdown_extensions.append("attr_list")
        config.extra_css.append(CSS)
        config.extra_javascript.append(JS)
        self._theme_words(config)
        return config

    def _theme_words(self, config: MkDocsConfig) -> None:
        """The few English sentences MkDocs and Material write themselves, in the site's language:
        the headings' permalink title, and (through templates in overrides/, searched after the
        manual's own custom_dir) the 404 page and the footer."""
        if "toc" in config.markdown_extensions:
            config.mdx_configs.setdefault("toc", {}).setdefault("permalink_title", self.labels["permalink_title"])
        dirs = config.theme.dirs
        if OVERRIDES not in dirs:
            custom = 1 if config.theme.custom_dir else 0
            dirs.insert(custom, OVERRIDES)

    def _root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        return (base / self.config.root).resolve() if self.config.root else base

    def _as_of(self) -> dt.date:
        text = self.config.as_of or os.environ.get("QMS_AS_OF")
        try:
            day = dt.date.fromisoformat(text) if text else dt.date.today()
        except ValueError:
            message = _("qms: QMS_AS_OF={text} is not a date (use YYYY-MM-DD)").format(text=repr(text))
            raise PluginError(message) from None  # as_of is checked
        problem = check_as_of(day)
        if problem:
            raise PluginError(_("qms: QMS_AS_OF: {problem}").format(problem=problem))
        return day

    # --- files: generated pages, copied evidence files, assets -------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.loaded is None:
            return files
        manual = self.loaded.manual
        data = self.data
        git = GitInfo.read(manual.root, self.cache)
        if git.warning:  # not a warning: a CI checkout is shallow by default, and the site is right without commits
            log.info(git.warning)
        results = evaluate(
            manual, self._as_of(), trend_months=self.config.trend_months, data=data, cache=self.cache, git=git
        )
        current = {path for record in manual.evidence.values() for path in record.data_files}
        for data_file, rel in sorted(data.header_only.items()):
            if data_file in current:
                log.warning(_("qms: {path}: the file has a header but no rows").format(path=rel))
        document = to_document(results, f"quality-manual {checks.__version__}", kept=self.entries)
        self.progress.phase(
            _("evaluated as of {as_of}: {checkpoints} checkpoints, {kpis} KPIs ({seconds:.1f} s)"),
            checkpoints=len(document["checkpoints"]),
            kpis=len(document["kpis"]),
            as_of=document["as_of"],
        )
        site = self.site = Site.build(
            manual,
            document,
            self.labels,
            Path(config.docs_dir),
            generate=frozenset(self.config.generate),
            due_days=self.config.due_days,
            data_preview_rows=self.config.data_preview_rows,
            use_directory_urls=config.use_directory_urls,
            page_rows=self.config.page_rows,
            data=data,
        )
        self.sources = {}
        real = _RealPaths()
        objects = {real(o.source.path) for k in KINDS if k != "policy" for o in manual.collection(k).values()}
        docs_dir = os.path.join(site.docs_dir, "")
        user_pages, others = [], []
        for file in files:
            path = real(file.abs_src_path) if file.abs_src_path else None
            if path is not None and (path in objects or (path.endswith(SOURCE_SUFFIXES) and path.startswith(docs_dir))):
                continue  # the manual's objects are its source; the generated pages show them
            if file.is_documentation_page():
                user_pages.append(file)
                if path is not None:
                    self.sources[file.src_uri] = relpath(Path(path), self.root)
            else:
                others.append(file)
        self.policy_uris = {uri: policy_id for policy_id, uri in site.policy_uris.items()}
        taken = {f.src_uri for f in user_pages} | {f.src_uri for f in others}
        self.memo.start(site)
        self.raw, self.converting, self.reused = {}, {}, {}

        generated: list[File] = []

        def claim(uri: str, what: str = "page") -> bool:
            """Whether a generated page or file may take this name (a file of the docs_dir keeps it)."""
            if uri in taken:
                # The logger puts "qms: " in front.
                message = _("{uri} exists in {docs_dir}; the generated {what} of that name is not built")
                log.warning(message.format(uri=uri, docs_dir=config.docs_dir, what=what))
                return False
            taken.add(uri)
            return True

        def add(uri: str, make: Callable[[], str], inputs: tuple[Any, ...]) -> None:
            if claim(uri):
                # Only the pages NAV_ORDER names are in the navigation; the others are no
                # omission for MkDocs to report.
                shown = uri in ("index.md", POLICIES_INDEX) or uri in NAV_PAGES
                inclusion = InclusionLevel.UNDEFINED if shown else InclusionLevel.NOT_IN_NAV
                content = self.memo.get(uri, inputs, make)
                generated.append(File.generated(config, uri, content=content, inclusion=inclusion))

        self._generate_pages(site, config, user_pages, add)
        outputs = [*self._status_files(site), *self._calendar_files(site, config)]
        others += [File.generated(config, u, content=c) for u, c in outputs if claim(u, "file")]
        for uri, copied in self._evidence_files(site):
            if uri not in taken:
                taken.add(uri)
                others.append(File.generated(config, uri, abs_src_path=str(copied)))
        for uri in (CSS, JS):
            others.append(File.generated(config, uri, abs_src_path=str(ASSETS / Path(uri).name)))
        self.generated = {f.src_uri for f in generated}
        # What a page's links resolve against: the HTML Markdown made of a page is kept by it.
        everyone = [*user_pages, *generated, *others]
        self.memo.note("files", ([f.src_uri for f in everyone], config.use_directory_urls))
        self.memo.note("markdown", repr((config.markdown_extensions, config.mdx_configs)))
        if POLICIES_INDEX in self.generated:  # the register lists them; the navigation lists the register
            for file in user_pages:
                if file.src_uri in self.policy_uris and file.inclusion.is_in_nav():
                    file.inclusion = InclusionLevel.NOT_IN_NAV
        if config.nav is None or config.nav is self.nav:  # a nav written in mkdocs.yml is the user's
            config.nav = self.nav = self._navigation(user_pages, generated)
        self.progress.phase(
            _("generated: {pages} pages, {files} other files ({seconds:.1f} s)"),
            pages=len(generated),
            files=len(others),
        )
        # The manual, its results and the generated pages live until the build ends: MkDocs'
        # two passes over the pages would otherwise walk them in every full collection.
        memory.hold()
        return Files([*user_pages, *generated, *others])

    # --- progress of MkDocs' passes over the pages ---------------------------------------------

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.config.enabled:
            total = len(files.documentation_pages())
            self.progress.start_pages(_("converted from Markdown: {done} of {total} pages ({seconds:.1f} s)"), total)
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        words = ("not_found", "made_with")
        env.globals["qms_words"] = {key: self.labels[key] for key in words}
        # MkDocs makes a new template environment for each build: on a `mkdocs serve` rebuild the
        # theme's templates are compiled again unless their bytecode is kept (by their source's digest).
        if env.bytecode_cache is None:
            env.bytecode_cache = self.templates
        if self.config.enabled:
            total = len(files.documentation_pages())
            self.progress.start_pages(_("rendered with the theme: {done} of {total} pages ({seconds:.1f} s)"), total)
        return env

    @event_priority(100)  # before any plugin that rewrites the page (a minifier would drop the comments)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.config.enabled:
            self.progress.page()
        raw = self.raw.pop(page.file.src_uri, None)
        return output if raw is None else raw.put_back_late(output)

    def _navigation(self, user_pages: list[File], generated: list[File]) -> list[Any]:
        """MkDocs' automatic navigation for the pages written by hand, with the register of the
        policies in place of the policies (or, without it, the policies together in one
        section), then the generated pages in a reader's order, under titles in the site's
        language. Each page's navigation is in its HTML: listing every policy would make every
        page as heavy as the number of policies."""
        written = sorted((f for f in user_pages if f.inclusion.is_in_nav()), key=file_sort_key)
        home = [f.src_uri for f in [*generated, *written] if f.src_uri == "index.md"]
        policies = [f.src_uri for f in written if f.src_uri in self.policy_uris]
        others = [f.src_uri for f in written if f.src_uri not in self.policy_uris and f.src_uri != "index.md"]
        nav: list[Any] = nest_paths(home)
        if any(f.src_uri == POLICIES_INDEX for f in generated):
            nav.append({self.labels["policies"]: POLICIES_INDEX})
        elif policies:
            nav.append({self.labels["policies"]: policies})
        nav += nest_paths(others)
        made = {f.src_uri for f in generated}
        nav += [{self.labels[label]: uri} for label, uri in NAV_ORDER if uri in made]
        return nav

    def _generate_pages(self, site: Site, config: MkDocsConfig, user_pages: list[File], add: Callable) -> None:
        manual, on = site.manual, site.generate
        if "policies" in on and site.policy_uris:
            add(POLICIES_INDEX, lambda: pages.policies_index(site), everything(self.memo))
        if "dashboard" in on and not any(f.src_uri == "index.md" for f in user_pages):
            add(
                "index.md",
                lambda: f"# {self.labels['dashboard']}\n\n" + dashboard.dashboard(site, "index.md", 2),
                everything(self.memo),
            )
        if "checkpoints" in on:
            for number in range(1, site.list_count("checkpoints") + 1):
                make = functools.partial(pages.checkpoint_index, site, number)
                add(site.list_page("checkpoints", number), make, everything(self.memo))
            for cp_id in site.results:
                page = functools.partial(pages.checkpoint_page, site, cp_id)
                add(f"checkpoints/{cp_id}.md", page, checkpoint_inputs(site, cp_id))
        singles = {
            "kpis": pages.kpis_page,
            "plan": pages.plan_page,
            "nonconformities": pages.nonconformities_page,
            "raci": pages.raci_page,
        }
        for name, single in singles.items():
            if name in on:
                add(SINGLE_PAGES[name], functools.partial(single, site), everything(self.memo))
        if "traceability" in on:
            for number in range(1, site.list_count("traceability") + 1):
                make = functools.partial(pages.traceability_page, site, number)
                add(site.list_page("traceability", number), make, everything(self.memo))
            for number in range(1, site.list_count("uncovered") + 1):
                make = functools.partial(pages.uncovered_page, site, number)
                add(site.list_page("uncovered", number), make, everything(self.memo))
        if "roles" in on:
            add(ROLES_INDEX, lambda: pages.roles_index(site), ())
            for role_id in sorted(manual.roles):
                add(f"roles/{role_id}.md", functools.partial(pages.role_page, site, role_id), everything(self.memo))
        if "changes" in on:
            policies = [p for p in sorted(manual.policies.values(), key=lambda p: p.id) if p.source.body is not None]
            head = site.doc["commit"]
            histories = self._histories([p.source.rel for p in policies], head)
            for policy in policies:
                for change in self._versions(policy, histories.get(policy.source.rel, []), head):
                    # A version whose previous text git does not hold gets no page: the
                    # revision history says so where the link would be.
                    uri = history.changes_uri(policy.id, change.version) if change.available else None
                    site.change_pages.setdefault(policy.id, {})[change.version] = uri
                    if uri is not None:
                        add(uri, functools.partial(history.changes_page, site, policy, change), (change,))
        if "evidence" in on:
            add(EVIDENCE_INDEX, lambda: evidence.evidence_index(site), everything(self.memo))
            for uri, ids in sorted(site.evidence_groups.items()):
                inputs = tuple(evidence_inputs(site, i) for i in ids)
                add(uri, functools.partial(evidence.evidence_page, site, uri), inputs)

    def _histories(self, rels: list[str], head: str | None) -> dict[str, list[tuple[str, str]]]:
        """The policies' past texts in git (one `git log` for all), read again only after a commit."""
        key = ("git-history", head, tuple(rels))
        if key not in self.cache.results:
            self.cache.results[key] = git_history(self.root, rels)
        histories: dict[str, list[tuple[str, str]]] = self.cache.results[key]
        return histories

    def _versions(self, policy: Policy, past: list[tuple[str, str]], head: str | None) -> list[VersionChange]:
        """A policy's versions, worked out again only after a commit or an edit of the file."""
        results = self.cache.results
        key = ("versions", head, policy.source.rel, policy.source.version)
        if key not in results or not policy.source.version:
            current = policy.source.path.read_text(encoding="utf-8")
            results[key] = version_history(self.root, policy.source.rel, current, past)
        return results[key]

    def _evidence_files(self, site: Site) -> list[tuple[str, Path]]:
        """Attachments and data files of every record, to be copied into the site."""
        if "evidence" not in site.generate:
            return []
        found: dict[str, Path] = {}
        for record in site.manual.evidence.values():
            for path in [a.resolved for a in record.attachments] + list(record.data_files):
                if path.is_file() and _inside(path, self.root):
                    found.setdefault(relpath(path, self.root), path)
        return sorted(found.items())

    # --- pages -----------------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled:
            self.progress.page()
        site = self.site
        if site is None:
            return markdown
        uri = page.file.src_uri
        policy_id = self.policy_uris.get(uri)
        if policy_id is not None:
            # The document status is shown in the document control; Material would read
            # `status` as its own page-status icon in the navigation.
            page.meta.pop("status", None)
            # Reviewers search for what the policy says; its many checkpoint and evidence
            # pages repeat the same words, so the policy is ranked first (Material's boost).
            page.meta.setdefault("search", {}).setdefault("boost", POLICY_SEARCH_BOOST)
            policy = site.manual.policies[policy_id]
            make = functools.partial(self._policy_markdown, markdown, policy, uri)
            markdown, self.raw[uri] = self.memo.get(f"markdown:{uri}", policy_inputs(site, policy, markdown), make)
        if uri in self.sources:
            markdown = resolve_references(markdown, site, uri, self.sources[uri], log.warning)
        elif uri in site.evidence_groups:
            markdown = self._record_references(markdown, site, uri)
        if uri == "index.md" and "dashboard" in site.generate and page.file.generated_by is None:
            board = self.memo.get("dashboard", everything(self.memo), lambda: dashboard.dashboard(site, uri, 2))
            markdown = markdown.rstrip() + "\n\n" + board
        if uri in self.generated:
            markdown, self.raw[uri] = rawhtml.set_aside(markdown, self.raw_prefix, self._written(site, uri))
            inputs = (markdown, self.memo.token("files"), self.memo.token("markdown"))
            kept = self.memo.kept(f"converted:{uri}", inputs)
            if kept is not None:  # the same Markdown as in the last build: its HTML, without Markdown
                self.reused[uri] = kept
                return ""
            self.converting[uri] = inputs
        return markdown

    def _written(self, site: Site, uri: str) -> list[str]:
        """The texts written by hand on a generated page (records' Markdown), as the page holds them."""
        texts = []
        for record_id in site.evidence_groups.get(uri, ()):
            body = (site.manual.evidence[record_id].source.body or "").strip()
            if "[[" in body:
                body = resolve_references(body, site, uri, "", lambda _: None)
            texts.append(body)
        return texts

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        uri = page.file.src_uri
        if uri in self.reused:
            html = self.reused.pop(uri).restore(page, files)
        elif uri in self.converting:
            self.memo.converted += 1
            self.memo.keep(f"converted:{uri}", self.converting.pop(uri), Converted.of(page, html))
        policy_id = self.policy_uris.get(uri)
        # By hand: policies and pages, and the records' texts on their type's pages.
        grouped = self.site is not None and uri in self.site.evidence_groups
        written = self.config.sanitize_html and (uri in self.sources or grouped)
        if page.title and (uri in self.generated or policy_id is not None or written):
            # Themes print the title unescaped (<title>, navigation); it comes from the manual.
            page.title = escape(page.title)  # type: ignore[misc]
            if "title" in page.meta:
                page.meta["title"] = page.title
        if written:
            html = self.memo.get(f"sanitized:{uri}", (html,), functools.partial(sanitize, html), page=False)
        raw = self.raw.get(uri)
        if raw is not None:
            html = raw.put_back(html)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids |= raw.anchor_ids()
        site = self.site
        if site is None or policy_id is None or "policies" not in site.generate:
            return html
        policy = site.manual.policies[policy_id]
        make = functools.partial(clause_badges, html, site, policy, uri)
        return self.memo.get(f"html:{uri}", policy_inputs(site, policy, html), make)

    def _record_references(self, markdown: str, site: Site, uri: str) -> str:
        """`[[id]]` in the texts of the records of a page: links, and a warning naming the
        record's file for an unknown id (the page itself is made, or kept, without them)."""
        for record_id in site.evidence_groups[uri]:
            record = site.manual.evidence[record_id]
            if record.source.body and "[[" in record.source.body:
                resolve_references(record.source.body, site, uri, record.source.rel, log.warning)
        return resolve_references(markdown, site, uri, "", lambda _: None) if "[[" in markdown else markdown

    def _policy_markdown(self, markdown: str, policy: Policy, uri: str) -> tuple[str, rawhtml.RawBlocks]:
        """The policy's Markdown with its clause ids and decorations, these set aside (rawhtml)."""
        assert self.site is not None
        markdown, raw = mark_clauses(markdown), rawhtml.RawBlocks(self.raw_prefix)
        if "policies" in self.site.generate:
            markdown = decorate_policy(markdown, self.site, policy, uri, keep=raw.put)
        return markdown, raw

    # --- outputs for use elsewhere -------------------------------------------------------------

    def _status_files(self, site: Site) -> list[tuple[str, str | bytes]]:
        """status.json and the SVG badges, for use outside the site (README badges, scripts);
        MkDocs writes them with the site's other files."""
        if "status" not in site.generate:
            return []
        document = site.doc
        status = self.memo.get("status.json", everything(self.memo), lambda: document_json(document))
        files: list[tuple[str, str | bytes]] = [("status.json", status)]
        for result in document["checkpoints"]:
            files.append((f"badges/{result['id']}.svg", checkpoint_svg(result["id"], result["status"], self.labels)))
        files.append(("badges/manual.svg", manual_svg(document["summary"], self.labels)))
        return files

    def _calendar_files(self, site: Site, config: MkDocsConfig) -> list[tuple[str, bytes]]:
        """calendar.ics and calendar/<role>.ics: what is due, for owners to subscribe to."""
        if "calendar" not in site.generate:
            return []
        return calendar_files(site, config.site_name, config.site_url, keep=self.memo.get)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        memory.release()
        self.memo.finish()
        if self.config.enabled:
            self.progress.finish(self.progress.total)
        self._end_language()

    def on_build_error(self, *, error: Exception) -> None:
        memory.release()
        self._end_language()

    def _end_language(self) -> None:
        if self.language_token is not None:
            token, self.language_token = self.language_token, None
            # ValueError: opened in another context (a build another tool drives), which ended with it.
            with contextlib.suppress(ValueError):
                deactivate(token)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this plugin object (and its cache) across the
        rebuilds of `mkdocs serve` instead of making a new one each time."""

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer | None:
        if self.config.enabled:
            folders = {self.root / "evidence", Path(checks.__file__).parent}
            if self.loaded is not None:  # the manual's own KPI functions and checks (checks/local_kpis.py)
                folders |= local_folders(self.loaded.manual)
            for folder in sorted(folders):
                if folder.is_dir():
                    server.watch(str(folder))
        return server


class _TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the plugin object (a whole serve);
    Jinja checks each against the digest of its source."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


@dataclass(frozen=True)
class Converted:
    """What Markdown made of a page: its HTML, and what MkDocs and the theme read beside it."""

    html: str
    toc: Any
    title: str | None
    anchors: frozenset[str] | None
    links: dict[str, dict[str, str]] | None  # src_uri of a page linked to -> {anchor: link}

    @classmethod
    def of(cls, page: Page, html: str) -> Converted:
        anchors = None if page.present_anchor_ids is None else frozenset(page.present_anchor_ids)
        links = page.links_to_anchors
        links_by_uri = None if links is None else {f.src_uri: dict(v) for f, v in links.items()}
        return cls(html, page.toc, page.title, anchors, links_by_uri)

    def restore(self, page: Page, files: Files) -> str:
        page.toc = self.toc
        page.title = self.title  # type: ignore[misc]
        page.present_anchor_ids = None if self.anchors is None else set(self.anchors)
        if self.links is not None:
            found = {uri: file for uri in self.links if (file := files.get_file_from_path(uri)) is not None}
            page.links_to_anchors = {found[u]: dict(v) for u, v in self.links.items() if u in found}
        return self.html


class _RealPaths:
    """Paths with their folders resolved, each folder once: the manual's files and MkDocs'
    files are compared by where they really are, without a system call per file."""

    def __init__(self) -> None:
        self.folders: dict[str, str] = {}

    def __call__(self, path: Path | str) -> str:
        folder, name = os.path.split(path)
        if folder not in self.folders:
            self.folders[folder] = os.path.realpath(folder)
        return os.path.join(self.folders[folder], name)


def _inside(path: Path, folder: Path) -> bool:
    return path.is_relative_to(folder.resolve())
