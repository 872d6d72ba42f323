"""The Pelican side of gongkai: the only module that connects to signals."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.readers import HTMLReader, MarkdownReader

from . import attachments, compress, gate
from .config import Config, SettingsError, check_output
from .markup import Renderer, sanitize
from .notices import parse_source, slugify
from .outputs import prune
from .pages import PAGE_FIELDS, page_status
from .periods import parse_date
from .pipeline import Site, content_rel
from .printing import require_pdf, write_pdfs
from .site import PRODUCED_KEY, SITE_KEY, THEME_STATIC_KEY, WRITER_KEY, BoardGenerator, KeepingWriter

logger = logging.getLogger(__name__)
STATIC_KEY = "gongkai_static"  # the static files this build publishes

# Pelican's blog machinery is off: notices are read by our generator, and
# the home page and feeds are ours. A site that sets these gets ours anyway.
# Drafts are never written anywhere (an empty SAVE_AS makes Pelican skip them).
OWNED_SETTINGS = {
    "ARTICLE_PATHS": [],
    "DIRECT_TEMPLATES": [],
    "PAGINATED_TEMPLATES": {},
    "FEED_ATOM": None, "FEED_RSS": None, "FEED_ALL_ATOM": None, "FEED_ALL_RSS": None,
    "CATEGORY_FEED_ATOM": None, "CATEGORY_FEED_RSS": None, "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None, "TAG_FEED_ATOM": None, "TAG_FEED_RSS": None,
    "TRANSLATION_FEED_ATOM": None, "TRANSLATION_FEED_RSS": None,
    "PAGE_URL": "pages/{slug}.html", "PAGE_SAVE_AS": "pages/{slug}.html",
    "DRAFT_PAGE_URL": "", "DRAFT_PAGE_SAVE_AS": "", "DRAFT_PAGE_LANG_URL": "", "DRAFT_PAGE_LANG_SAVE_AS": "",
    "DRAFT_URL": "", "DRAFT_SAVE_AS": "", "DRAFT_LANG_URL": "", "DRAFT_LANG_SAVE_AS": "",
    "OUTPUT_SOURCES": False,
}


class SettingsExit(SettingsError):
    """A settings error raised inside Pelican; Pelican exits with ``exitcode``."""

    exitcode = 2


def use_our_defaults(pelican) -> None:
    """What plain ``pelican`` needs to build a gongkai site as ``gongkai build`` does.

    A site that names no theme of its own (Pelican's default, ``notmyidea``)
    gets gongkai's. A settings file without ``PATH`` leaves Pelican's default,
    the current folder; gongkai's default is ``content`` (as :class:`Config`
    reads it), so when that folder exists there, it is used. ``pelican content``
    names the folder itself and is left as it is. Without a ``SITEURL``,
    absolute links lead nowhere, so pages link relatively.
    """
    from pelican.settings import DEFAULT_THEME

    from .theme import THEME_DIR

    settings = pelican.settings
    if os.path.realpath(settings.get("THEME") or DEFAULT_THEME) == os.path.realpath(DEFAULT_THEME):
        settings["THEME"] = pelican.theme = str(THEME_DIR)
    here = Path.cwd()
    if Path(settings.get("PATH") or os.curdir).resolve() == here.resolve() and (here / "content").is_dir():
        settings["PATH"] = pelican.path = str(here / "content")
    if not settings.get("SITEURL"):  # without a public address, only relative links lead anywhere
        settings["RELATIVE_URLS"] = True


def configure(pelican) -> None:
    """Read the settings once, before any generator exists (``initialized``).

    ``gongkai build`` hands over the :class:`Config` it already read (with
    its ``--today``); plain ``pelican`` gets one read from its settings here.
    """
    settings = pelican.settings
    use_our_defaults(pelican)
    if not isinstance(settings.get("GONGKAI"), Config):
        try:
            settings["GONGKAI"] = Config.from_settings(settings, os.getcwd())
        except SettingsError as exc:
            raise SettingsExit(exc.key, exc.message) from None
    if settings["GONGKAI"].pdf:
        try:
            require_pdf()  # before hours of work, not after it
        except SettingsError as exc:
            raise SettingsExit(exc.key, exc.message) from None
    settings.update(OWNED_SETTINGS)
    # The theme's CSS and scripts are copied by our generator, which leaves unchanged files alone
    # (Pelican's copy rewrites them at every build, and publish would send them again).
    if THEME_STATIC_KEY not in settings:
        settings[THEME_STATIC_KEY] = list(settings.get("THEME_STATIC_PATHS") or [])
    settings["THEME_STATIC_PATHS"] = []
    # Pelican looks in the folders the checks read: names written with \ (Windows) work everywhere.
    config: Config = settings["GONGKAI"]
    settings["PAGE_PATHS"], settings["STATIC_PATHS"] = list(config.page_dirs), list(config.static_dirs)
    # Autoescape everywhere: only the rendered notice body is marked safe.
    jinja = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    # Compiled templates are kept in the cache folder (compiling the theme takes ~1 s at every build);
    # Jinja checks each template's source, so an edited one is compiled again.
    compiled = _cache_dir(settings, "gongkai-jinja")
    if compiled is not None:
        jinja.setdefault("bytecode_cache", FileSystemBytecodeCache(compiled))
    settings["JINJA_ENVIRONMENT"] = jinja
    if settings.get("SITENAME") in (None, "", "A Pelican Blog"):
        settings["SITENAME"] = settings["GONGKAI"].sitename


def _cache_dir(settings: dict, name: str) -> str | None:
    """A folder in the cache folder, or None when it cannot be made (read-only disk: no cache, same site)."""
    folder = Path(settings.get("CACHE_PATH") or "cache") / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(folder)


def add_generator(pelican) -> type:
    """Registered through ``get_generators`` so that ``--autoreload`` picks it up. A county site
    (``GONGKAI_TOWNSHIPS``) gets the county's pages instead of boards."""
    if pelican.settings["GONGKAI"].is_county:
        from .county_site import CountyGenerator

        return CountyGenerator
    return BoardGenerator


def _withheld(settings: dict, source_path: str) -> bool:
    """Whether this build's pipeline refused the file (an error) or holds it as a draft."""
    site: Site | None = settings.get(SITE_KEY)
    if site is None:
        return False
    rel = content_rel(settings["GONGKAI"], source_path)
    return rel is None or not site.publishes(rel)


def _withheld_page(source_path: str) -> tuple[str, dict]:
    """What a reader returns for a page that is not published: a draft, which Pelican writes nowhere."""
    import hashlib

    slug = "withheld-" + hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:12]
    return "", {"title": slug, "slug": slug, "status": "draft"}


class PageReader(MarkdownReader):
    """Pages (关于本站…) use the same YAML front matter as notices and the same sanitised Markdown."""

    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path: str):
        if _withheld(self.settings, source_path):
            return _withheld_page(source_path)
        with open(source_path, "rb") as handle:
            source = parse_source(handle.read(), source_path)
        meta = {key: value for key, value in source.meta.items() if key in PAGE_FIELDS and value not in (None, "")}
        if "date" in meta:  # every form clerks write, as pages.check_page accepted it
            meta["date"] = parse_date(meta["date"]).isoformat()
        if "status" in meta:
            meta["status"] = page_status(meta["status"]) or "draft"
        # Our slugs: never a path (../), the same rule as notices' addresses.
        meta["slug"] = slugify(str(meta.get("slug") or Path(source_path).stem))
        metadata = {key: self.process_metadata(key, str(value)) for key, value in meta.items()}
        return Renderer().render(source.body), metadata


class SafeHTMLReader(HTMLReader):
    """HTML pages are published as notice bodies are: scripts, styles and event handlers removed."""

    def read(self, filename: str):
        if _withheld(self.settings, filename):
            return _withheld_page(filename)
        content, metadata = super().read(filename)
        if "status" in metadata:  # as pages.check_page read it (草稿 is a draft)
            metadata["status"] = page_status(metadata["status"]) or "draft"
        metadata.pop("template", None)  # pages use the theme's page template; a missing one would stop the build
        metadata["slug"] = slugify(str(metadata.get("slug") or Path(filename).stem))
        return sanitize(content), metadata


def use_page_reader(readers) -> None:
    """``readers_init``: our readers for Markdown and HTML; no reStructuredText, which nothing sanitises."""
    for extension in PageReader.file_extensions:
        readers.reader_classes[extension] = PageReader
    for extension in SafeHTMLReader.file_extensions:
        readers.reader_classes[extension] = SafeHTMLReader
    readers.reader_classes.pop("rst", None)


def keep_published_pages(generator) -> None:
    """``page_generator_finalized``: only pages the pipeline passed; drafts go nowhere."""
    for name in ("pages", "hidden_pages"):
        kept = [p for p in getattr(generator, name) if not _withheld(generator.settings, p.source_path)]
        setattr(generator, name, kept)
        generator.context[name] = kept
    generator.draft_pages = []
    generator.context["draft_pages"] = []


def keep_published_static(generator) -> None:
    """``static_generator_finalized``: only files the pipeline checked and passed (no links out, no leaks)."""
    kept = [f for f in generator.staticfiles if not _withheld(generator.settings, f.source_path)
            and not attachments.is_image(f.source_path)]  # images: the board generator publishes them without EXIF
    generator.staticfiles = kept
    generator.context["staticfiles"] = kept
    generator.settings[STATIC_KEY] = kept  # what the build copies: kept when old outputs are pruned


def finish(pelican) -> None:
    """``finalized``, in this order: PDFs (they need theme/print.css, which Pelican's static
    generator copies after our pages), the last gate over every written file, compression,
    and last the removal of files this build did not make (a renamed or held-back notice)."""
    config: Config = pelican.settings["GONGKAI"]
    output = Path(pelican.output_path)
    made: set[str] = set()
    if config.pdf:
        pages = [output / "print" / f"{board.slug}.html" for board in config.boards]
        try:
            for warning in write_pdfs(output, pages, config.siteurl):
                logger.warning("%s", warning)
        except SettingsError as exc:  # no Chinese font: stop as a settings error does, exit 2
            raise SettingsExit(exc.key, exc.message) from None
        made |= {f"print/{board.slug}.pdf" for board in config.boards}
    seen = gate.Seen(Path(pelican.settings["CACHE_PATH"]) / "gongkai-gate.json")
    leaks = gate.scan(output, pelican.settings.get(SITE_KEY), config, seen)
    if leaks:
        logger.error("%s", gate.report(leaks))
        gate.remove(output, leaks)
    seen.save()
    if config.precompress:
        compress.precompress(pelican.output_path)
    _prune(pelican, made)


def _prune(pelican, made: set[str]) -> None:
    """Remove what an earlier build wrote and this one did not, so the output is what a clean build
    gives; nothing is removed when this build did not go through our writer (another plugin's)."""
    settings = pelican.settings
    writer = settings.get(WRITER_KEY)
    produced = settings.get(PRODUCED_KEY)
    if not isinstance(writer, KeepingWriter) or produced is None:
        return
    try:
        output = check_output(Path(pelican.output_path), settings["GONGKAI"])
    except SettingsError:
        return
    made = made | produced | writer.written
    made |= {Path(sc.save_as).as_posix() for sc in settings.get(STATIC_KEY, ())}
    keep = {*settings.get("OUTPUT_RETENTION", ()), "pagefind"}  # the search index is its own tool's
    if settings["GONGKAI"].precompress:
        made |= {f"{name}{ext}" for name in list(made) if Path(name).suffix.lower() in compress.EXTENSIONS
                 for ext in (".gz", ".br")}
    prune(output, made, keep)


def use_keeping_writer(pelican) -> type:
    """``get_writer``: pages whose bytes did not change keep their files (and modification times)."""
    return KeepingWriter


def register() -> None:
    signals.initialized.connect(configure)
    signals.readers_init.connect(use_page_reader)
    signals.get_generators.connect(add_generator)
    signals.page_generator_finalized.connect(keep_published_pages)
    signals.static_generator_finalized.connect(keep_published_static)
    signals.finalized.connect(finish)
    signals.get_writer.connect(use_keeping_writer)
