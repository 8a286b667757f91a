"""Stage: new. Input: an empty folder and a title. Output: a complete digest project in it.

A digest project is the folder that holds ``content/``: ``mkdocs.yml``, ``content/digest.yaml``
and empty registries (each with a commented example), ``seeds/``, ``schema/`` and the
topic-neutral editor and teacher pages. Inside it, ``parallax ingest seeds/F``, ``check``,
``status``, ``build`` and ``mkdocs serve`` work with no flags. Nothing here names a topic: the
title is the user's, and every other topic word comes later, from content/.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import yamlio
from .schema import dumps, schemas

# The topic-neutral pages a new digest starts with, copied from Parallax's own docs/.
DOCS = ("methodology/index.md", "guides/start-a-new-digest.md",
        "guides/add-a-seed.md", "guides/write-a-record.md", "security.md",
        "assets/parallax.css", "assets/parallax.js")
DOCS_SOURCE = Path(__file__).resolve().parent.parent / "docs"


class ScaffoldError(Exception):
    """The folder cannot become a digest project (the CLI shows it and exits 2)."""


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def mkdocs_yml(title: str) -> str:
    return f"""# The site of this digest: `parallax build` (or `mkdocs build`) writes it into site/.
site_name: {_q(title)}
site_description: Balanced, sourced, classroom-ready context for one-sided sources.
# Where the site will be published. Once set, every handout, answer key and activity prints the
# record's full address (https://.../items/<id>/) rather than the path from the site's root.
# site_url: https://example.org/your-digest/
docs_dir: docs
site_dir: site
use_directory_urls: true
strict: true
watch:
  - content
  - seeds
theme:
  name: material
  font: false
  language: en
  features:
    - navigation.sections
    - navigation.top
    - search.highlight
plugins:
  - search
  - parallax:
      content: content
extra_css:
  - assets/parallax.css
extra_javascript:
  - assets/parallax.js
markdown_extensions:
  - attr_list
  - admonition
  - toc:
      permalink: true
validation:
  omitted_files: info
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
nav:
  - Home: index.md
  - Items: items/index.md
  - Outlets: outlets/index.md
  - Parties: stakeholders/index.md
  - Glossary: glossary.md
  - Timeline: timeline/index.md
  - Coverage: coverage/index.md
  - For teachers:
      - Guide: teachers/index.md
      - Handouts: teachers/handouts/index.md
  - About:
      - Methodology: methodology/index.md
      - How this digest was researched: methodology/research.md
      - The checks: methodology/checks.md
      - What could not be verified: methodology/unverified.md
      - Corrections: methodology/corrections.md
  # The editors' documentation: reachable, and kept apart from the readers' pages.
  - For editors:
      - Start a new digest: guides/start-a-new-digest.md
      - How to add a seed: guides/add-a-seed.md
      - How to write a record: guides/write-a-record.md
      - Record format reference: guides/record-reference.md
      - Security: security.md
"""


def digest_yml(title: str) -> str:
    return f"""# yaml-language-server: $schema=../schema/digest.schema.json
# The digest as a whole (see the record format reference). `parallax ingest` adds an entry to
# `seeds` for each new seed file, and never changes an entry that is already here.
title: {_q(title)}
topic: ""
# For a newcomer, at most about 150 words: what the topic is and why it is contested.
about: ""
audience: ""
language: en
editors: []
contact: ""
edit_url: ""
seeds: []
"""


# Each registry starts empty, with one commented example of an entry.
REGISTRY_EXAMPLES = {
    "outlets": """# Every publisher, outlet or organisation named in a provenance chain.
# - id: example-gazette
#   name: "Example Gazette"
#   kind: independent-media   # state-media, advocacy-group, ngo, intergovernmental, unknown...
#   country: ""
#   affiliation: "Who owns, funds or controls it, in a neutral sentence."
#   evidence:
#     - {title: "", publisher: "", url: "https://...", date: "", accessed: ""}
#   contested: false
#   names_used: "How the outlet names the parties."
""",
    "actors": """# People named in items: one spelling for the digest, the others for ingest and search.
# - id: jane-example
#   name: "Jane Example"
#   spellings: ["J. Example"]
#   roles:
#     - {title: "Spokesperson", organisation: "", from: "", to: ""}
""",
    "stakeholders": """# The parties whose perspectives the digest sets side by side. Until this lists them,
# the balance checks have nothing to look for (`parallax check` warns).
# `order` puts the names in alphabetical order, a rule that ranks no party.
# - id: example-ministry
#   name: "Example Ministry"
#   kind: government   # armed-or-opposition-group, intergovernmental, human-rights-organisation...
#   description: ""
#   names_used: ""
#   order: 1
""",
    "glossary": """# Names and labels, and who uses which.
# - term: "example label"
#   variants: []
#   used_by: ""
#   connotation: pejorative   # neutral, self-designation, pejorative...
#   note: ""
""",
    "timeline": """# Dated events the items refer to.
# - date: "2024-01-31"
#   event: "What happened, neutrally worded."
#   sources:
#     - {title: "", publisher: "", url: "https://...", date: "", accessed: ""}
""",
    "lexicon": """# The loaded words the neutrality check looks for in the digest's own voice, from every
# side. Until this lists them, the check finds nothing (`parallax check` warns).
# - term: "example-slur"
#   pattern: "example-slur*"
#   used_by: "Who uses it"
#   note: "Why it is loaded"
""",
}

RESEARCH = """How this digest was researched: who researched and reviewed the records, from which
sources, what was established and what could not be found. This page is content of the digest
(`content/research.md`, Markdown); replace this paragraph once the first records are published.
"""

GITIGNORE = "site/\n.venv/\n"


def new_project(folder: Path, title: str) -> list[Path]:
    """Create a digest project in ``folder`` (which must be empty or absent); the files made.

    Refuses a folder that holds anything: a new digest never mixes with files already there."""
    # The CLI first applies sitedir.guard_output (never a source, the project or .git); here, a
    # digest project is also never made over anything already in the folder.
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file; name a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder} is not empty; name a new or empty folder (a digest "
                            "project is made from scratch, never over other files)")
    missing = [name for name in DOCS if not (DOCS_SOURCE / name).is_file()]
    if missing:
        raise ScaffoldError(f"Parallax's own docs/ ({DOCS_SOURCE}) lacks {', '.join(missing)}; "
                            "install Parallax from its repository (pip install -e .)")
    files: dict[str, str | bytes] = {
        "mkdocs.yml": mkdocs_yml(title),
        ".gitignore": GITIGNORE,
        "content/digest.yaml": digest_yml(title),
        "content/research.md": RESEARCH,
        "content/items/.gitkeep": "",
        "seeds/.gitkeep": "",
    }
    for name, text in REGISTRY_EXAMPLES.items():
        files[f"content/{name}.yaml"] = (f"# yaml-language-server: $schema=../schema/"
                                         f"{name}.schema.json\n" + text)
    for name, schema in schemas().items():
        files[f"schema/{name}"] = dumps(schema)
    for name in DOCS:
        files[f"docs/{name}"] = (DOCS_SOURCE / name).read_bytes()
    made = []
    for rel, data in files.items():
        path = folder / rel
        if not yamlio.write_new(path, data):
            raise ScaffoldError(f"{path} appeared while the project was being made; start again "
                                "in an empty folder")
        made.append(path)
    return made
