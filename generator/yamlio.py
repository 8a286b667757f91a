"""YAML in and out: the one home of PyYAML.

Reading is safe and exact. The document is built from the parser's event stream, so that
anchors, aliases and tags that construct objects are refused before they can do anything,
duplicate keys are errors, nesting and size are bounded, and YAML 1.1's implicit coercions
(``NO`` -> false, ``2011-04-18`` -> a date, ``1.10`` -> 1.1) never change a value: a plain
scalar becomes a bool, an int or null only for the YAML 1.2 core spellings, and otherwise stays
the exact string that was written. Every value's line is kept, so problems can name it.
"""

from __future__ import annotations

import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import textfile
from .problems import Problem, ProblemError
from .text import FORBIDDEN  # also refused in escapes, below

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
# A whole number in a record is a position or an order: more digits than a double holds exactly
# is a mistake (and a 5,000-digit one would stop the conversion itself).
MAX_INT_DIGITS = 15
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_PLAIN_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
               "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
               "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Loc = tuple


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its plain data and the 1-based line of every value in it.

    The quick reader does not note lines; it keeps the text instead (compressed: a quarter of a
    loaded digest's memory otherwise), and the lines are worked out the first time a problem
    asks for one (most files never have a problem)."""

    path: str
    data: Any
    lines: dict | None = field(default_factory=dict)
    packed_text: bytes | str | None = None  # given as the text (``str``), held compressed
    # unless ``compress`` is false (a check that lets the digest go once it has judged it)
    compress: bool = field(default=True, compare=False, repr=False)

    def __post_init__(self):
        text = self.packed_text
        if isinstance(text, str) and self.compress:
            object.__setattr__(self, "packed_text", zlib.compress(text.encode("utf-8"), 1))

    @property
    def text(self) -> str | None:
        """The file's text, as it was read."""
        packed = self.packed_text
        if packed is None or isinstance(packed, str):
            return packed
        return zlib.decompress(packed).decode("utf-8")

    def line(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest located parent."""
        lines = self.lines
        if lines is None:
            try:
                lines = _careful(self.text or "", self.path).lines
            except YamlProblem:
                lines = {}
            object.__setattr__(self, "lines", lines)
        loc = tuple(loc)
        while loc:
            if loc in lines:
                return lines[loc]
            loc = loc[:-1]
        return lines.get((), 1)

    def without_data(self) -> "Document":
        """The same document, its data let go (once validated, only the lines are needed)."""
        return Document(self.path, None, self.lines, self.packed_text, compress=self.compress)

    def without_text(self) -> "Document":
        """The same document without the text its lines are worked out from: for a build, once
        its problems have been reported (a line asked for afterwards is the file's first)."""
        return Document(self.path, None, self.lines or {}, None)


YamlProblem = ProblemError  # the one error type of reading, under the name this module uses


# Short values recur from record to record (dates, roles, names, the addresses of sources cited
# again): each is held once (``sys.intern``), not once for every time it is written.
SHARED_LENGTH = 200


def shared(value: Any) -> Any:
    """``value``, held once if it is a short string."""
    return sys.intern(value) if value.__class__ is str and len(value) <= SHARED_LENGTH else value


def share(data: Any) -> Any:
    """``data`` (plain data, changed in place) with its short strings held once."""
    if isinstance(data, dict):
        pairs = data.items()
    elif isinstance(data, list):
        pairs = enumerate(data)
    else:
        return data
    for key, value in pairs:
        if isinstance(value, (dict, list)):
            share(value)
        else:
            data[key] = shared(value)
    return data


def _forbidden(char: str) -> str:
    return (f"the control character U+{ord(char):04X} is not allowed in a record; remove it "
            "(records are text)")


def _refuse_forbidden(text: str) -> None:
    if (bad := FORBIDDEN.search(text)) is not None:
        raise YamlProblem(text.count("\n", 0, bad.start()) + 1, "text-control",
                          _forbidden(bad.group()))


def _scalar(event) -> Any:
    if event.tag not in _PLAIN_TAGS:
        raise YamlProblem(event.start_mark.line + 1, "yaml-tag",
                          f"the tag {event.tag!r} is not allowed; write plain values")
    value = event.value
    if (bad := FORBIDDEN.search(value)) is not None:
        raise YamlProblem(event.start_mark.line + 1, "text-control", _forbidden(bad.group()))
    plain = event.style in (None, "") and event.implicit[0]
    if plain:
        value = _resolve(value, event.start_mark.line + 1)
    return shared(value)


def _resolve(value: str, line: int = 1) -> Any:
    """A plain scalar's value, for both readers: null, a bool or an int only for the YAML 1.2
    core spellings; otherwise the exact string that was written."""
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        if len(value.lstrip("+-")) > MAX_INT_DIGITS:
            raise YamlProblem(line, "yaml-number",
                              f"a number of {len(value.lstrip('+-')):,} digits (at most "
                              f"{MAX_INT_DIGITS}); quote it if it is text")
        return int(value)
    return value


def _build(events, path: str) -> Document:
    lines: dict = {}
    stack: list = []  # frames: [container, loc, pending_key, seen_keys]
    root: list = []
    depth = 0
    docs = 0

    def attach(value, line):
        if not stack:
            root.append(value)
            lines[()] = line
            return ()
        frame = stack[-1]
        container, loc = frame[0], frame[1]
        if isinstance(container, list):
            here = loc + (len(container),)
            container.append(value)
            lines[here] = line
            return here
        if frame[2] is _NO_KEY:
            if isinstance(value, (dict, list)) or value is None:
                raise YamlProblem(line, "yaml-key", "mapping keys must be plain text")
            key = str(value)
            if key in frame[3]:
                raise YamlProblem(line, "yaml-duplicate-key",
                                  f"the key {key!r} appears twice (first on line {frame[3][key]}); "
                                  "keep one")
            frame[3][key] = line
            frame[2] = key
            return None
        key = frame[2]
        frame[2] = _NO_KEY
        here = loc + (key,)
        container[key] = value
        lines[here] = frame[3][key]
        return here

    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(line, "yaml-alias", "aliases (*name) are not allowed; "
                              "write the value out in full")
        if getattr(event, "anchor", None):
            raise YamlProblem(line, "yaml-anchor", "anchors (&name) are not allowed; "
                              "write the value out in full")
        if isinstance(event, yaml.DocumentStartEvent):
            docs += 1
            if docs > 1:
                raise YamlProblem(line, "yaml-documents", "a file holds one YAML document; "
                                  "remove the extra '---'")
        elif isinstance(event, yaml.ScalarEvent):
            attach(_scalar(event), line)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.tag not in _PLAIN_TAGS:
                raise YamlProblem(line, "yaml-tag", f"the tag {event.tag!r} is not allowed")
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(line, "yaml-depth",
                                  f"nesting deeper than {MAX_DEPTH} levels; flatten the data")
            container = {} if isinstance(event, yaml.MappingStartEvent) else []
            is_key = stack and isinstance(stack[-1][0], dict) and stack[-1][2] is _NO_KEY
            if is_key:
                raise YamlProblem(line, "yaml-key", "mapping keys must be plain text")
            here = attach(container, line)
            stack.append([container, here, _NO_KEY, {}])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            depth -= 1
    return Document(path, root[0] if root else None, lines)


class _NoKey:
    pass


_NO_KEY = _NoKey()


class _Unusual(Exception):
    """The quick reader met something only the careful reader may judge."""


_EVENT_KIND = {yaml.ScalarEvent: 0, yaml.MappingStartEvent: 1, yaml.SequenceStartEvent: 2,
               yaml.MappingEndEvent: 3, yaml.SequenceEndEvent: 3, yaml.StreamStartEvent: 4,
               yaml.DocumentStartEvent: 5, yaml.DocumentEndEvent: 4, yaml.StreamEndEvent: 6}


def _quick(text: str) -> Any:
    """The data of a clean document, read straight from libyaml's events with no line notes.

    It accepts a strict subset of what ``_build`` accepts and gives the same data for it; for
    anything else (an anchor, an alias, a tag, a second document, deep nesting, a key that is not
    plain text, a duplicate key, a syntax error) it raises ``_Unusual`` and the careful reader
    takes the file, to refuse it with its line."""
    loader = _Loader(text)
    try:
        get = loader.get_event
        kinds = _EVENT_KIND
        stack: list = []  # frames: [container, pending key or _NO_KEY]
        root = _NO_KEY
        docs = 0
        while True:
            event = get()
            kind = kinds.get(type(event))
            if kind == 0:  # a scalar
                if event.anchor is not None or event.tag not in _PLAIN_TAGS:
                    raise _Unusual
                value = event.value
                if event.style == '"' and FORBIDDEN.search(value):
                    raise _Unusual  # an escape ("\x07") wrote a character the text may not hold
                if event.style in (None, "") and event.implicit[0]:
                    try:
                        value = _resolve(value)
                    except YamlProblem:
                        raise _Unusual  # the careful reader refuses it with its line
                value = shared(value)
            elif kind == 1 or kind == 2:
                if event.anchor is not None or event.tag not in _PLAIN_TAGS \
                        or len(stack) >= MAX_DEPTH:
                    raise _Unusual
                value = {} if kind == 1 else []
            elif kind == 3:
                stack.pop()
                continue
            elif kind == 4:
                continue
            elif kind == 5:
                docs += 1
                if docs > 1:
                    raise _Unusual
                continue
            elif kind == 6:
                return None if root is _NO_KEY else root
            else:  # an alias, or an event this reader does not know
                raise _Unusual
            if stack:
                frame = stack[-1]
                container = frame[0]
                if type(container) is list:
                    container.append(value)
                elif frame[1] is _NO_KEY:
                    if kind != 0 or value is None or value.__class__ is not str \
                            or value in container:
                        raise _Unusual  # a key that is not plain text, or a duplicate
                    frame[1] = value
                    continue
                else:
                    container[frame[1]] = value
                    frame[1] = _NO_KEY
            else:
                root = value
            if kind != 0:
                stack.append([value, _NO_KEY])
    except yaml.YAMLError:
        raise _Unusual from None
    finally:
        loader.dispose()


def parse(text: str, path: str, compress: bool = True) -> Document:
    """Parse YAML text into a Document, raising YamlProblem for anything unsafe or malformed.

    Clean files take the quick reader; any file it declines takes the careful one, which
    decides, and explains every refusal with its line. ``compress``: the quick reader's
    document holds its text compressed (``Document``)."""
    _refuse_forbidden(text)
    try:
        return Document(path, _quick(text), None, text, compress=compress)
    except (_Unusual, RecursionError):
        pass
    return _careful(text, path)


def _careful(text: str, path: str) -> Document:
    """The careful reader: every value's line noted, every refusal explained."""
    _refuse_forbidden(text)
    try:
        return _build(yaml.parse(text, Loader=_Loader), path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, "yaml-syntax", f"{exc.problem or exc}; fix the YAML syntax") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, "yaml-syntax", f"{exc}; fix the YAML syntax") from None
    except RecursionError:
        raise YamlProblem(1, "yaml-depth", "nesting too deep; flatten the data") from None


def load(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse one file; problems instead of exceptions."""
    try:
        return parse(textfile.read_text(path, "file", MAX_BYTES), display), []
    except YamlProblem as exc:
        return None, [exc.problem(display)]


# --- writing -------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # we refuse anchors on reading, so never write one
        return True


_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _str(dumper, value: str):
    if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _BARE.match(value) and value.lower() not in _YAML11_WORDS:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_Dumper.add_representer(str, _str)


def dump(data: Any, schema_ref: str | None = None) -> str:
    """YAML text for ``data``: strings quoted (or literal blocks), keys in the given order."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000,
                     default_flow_style=False)
    head = f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else ""
    return head + body


def write_new(path: Path, data: str | bytes) -> bool:
    """Create ``path`` with ``data``, whole or not at all, and never over an existing file
    (nor through a link planted anywhere): ``sitedir.write_file`` without replacing. Returns
    False when the file already exists."""
    from .sitedir import write_file

    return write_file(path, data, replace=False)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so that the file is either the old one or the new one, never half."""
    from .sitedir import write_file

    write_file(path, text)
