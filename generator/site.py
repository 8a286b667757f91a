"""Stage: site. The one home of MkDocs: a thin plugin that adds the rendered pages, and the build.

The plugin has the content loaded, checked and rendered once per build (``pipeline.generate``),
refuses to build on errors, and adds every page as a generated file (in memory; as files in a
temporary folder for the live preview): nothing is ever written into ``content/``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .pipeline import Generated, generate
from .problems import has_errors

log = logging.getLogger("mkdocs.plugins.parallax")


class ParallaxConfig(Config):
    content = c.Type(str, default="content")
    strict = c.Type(bool, default=False)


class ParallaxPlugin(BasePlugin[ParallaxConfig]):
    """Adds the digest's pages to an MkDocs build."""

    generated = None  # pages and problems the caller already made (parallax build), used once

    def on_startup(self, *, command, dirty):
        # Having this hook keeps the plugin alive across `mkdocs serve` rebuilds, and with it the
        # cache: a rebuild reads again only the files that changed.
        self.cache = {} if command == "serve" else None
        # The live preview keeps the pages as files, rewritten only when their text changes:
        # `mkdocs serve --dirty` then rebuilds just the pages an edit changed.
        self.folder = Path(tempfile.mkdtemp(prefix="parallax-pages-")) if command == "serve" else None

    def on_shutdown(self):
        if getattr(self, "folder", None) is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def on_config(self, config):
        root = Path(config.config_file_path or ".").parent
        self.content = (root / self.config.content).resolve()
        self.project_root = root.resolve()
        watch = config.setdefault("watch", [])
        for folder in (self.content, self.project_root / "seeds"):
            if folder.is_dir() and str(folder) not in map(str, watch):
                watch.append(str(folder))
        return config

    def on_files(self, files: Files, config) -> Files:
        generated, self.generated = self.generated, None
        if generated is None:
            generated = generate(self.content, self.project_root, getattr(self, "folder", None),
                                 getattr(self, "cache", None))
        problems = generated.problems
        for problem in problems:
            if problem.severity == "error":
                log.error(str(problem))
            elif problem.severity == "warning":
                log.warning(str(problem)) if self.config.strict else log.info(str(problem))
        if has_errors(problems, strict=self.config.strict):
            raise PluginError("Parallax checks failed; fix the problems above "
                              "(`parallax check` lists them)")
        for i, path in enumerate(generated.pages):
            if generated.folder is not None:
                files.append(File.generated(config, path, abs_src_path=str(generated.folder / path)))
            else:
                files.append(File.generated(config, path, content=generated.texts[i]))
        return files

    def on_page_content(self, html, page, config, files):
        if page.file.generated_by == "parallax" and page.file.abs_src_path is None:
            # Converted: MkDocs does not read this page's Markdown again (its title is in the
            # front matter). Letting the text go keeps a large digest from holding every page's
            # Markdown through the whole build, on top of what MkDocs itself holds.
            page.markdown = ""
            page.file.content_string = ""
        return html


def build(config_file: Path, content: Path | None = None, site_dir: Path | None = None,
          strict: bool = True, generated: Generated | None = None) -> None:
    """Build the site with MkDocs in strict mode; raises MkDocs' own exceptions on failure.

    ``generated``, the pages and problems of ``content`` already made, spares the plugin making
    them again."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    overrides = {"strict": strict}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    config = load_config(str(config_file), **overrides)
    if content is not None:
        plugin = config.plugins["parallax"]
        plugin.config.content = str(Path(content).resolve())
        plugin.generated = generated
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
