"""Text rules shared by every stage, with no I/O: which characters a record may hold.

Input: strings. Output: verdicts on them. Loading refuses these characters in records, ingest in
seeds, and the renderer replaces them where a page's front matter must always parse.
"""

from __future__ import annotations

import re

# Control characters (other than tab and line ends), surrogates and the non-characters U+FFFE
# and U+FFFF have no place in a record: they break YAML front matter and XML feeds, and hide
# text. They are refused whether written raw or as an escape ("\x7f").
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
