"""YAML in and out: the one home of PyYAML.

Reading is safe and exact. The document is built from the parser's event stream, so that
anchors, aliases and tags that construct objects are refused before they can do anything,
duplicate keys are errors, nesting and size are bounded, and YAML 1.1's implicit coercions
(``NO`` -> false, ``2011-04-18`` -> a date, ``1.10`` -> 1.1) never change a value: a plain
scalar becomes a bool, an int or null only for the YAML 1.2 core spellings, and otherwise stays
the exact string that was written. Every value's line can be found, so problems can name it.

Two readers share those rules. The quick one (C parser events, no bookkeeping) reads a clean
file; anything it does not accept, the exact one reads again and explains with a line. Lines
are found by the exact reader too, the first time a problem asks for one: most files never do.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
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

    Both are read from ``text``: the data when the file is parsed, the lines when first asked for.
    """

    path: str
    text: str = field(repr=False)

    @cached_property
    def data(self) -> Any:
        """The file's plain data: dicts, lists, strings, ints, bools and None."""
        return parse(self.text, self.path).data

    @cached_property
    def lines(self) -> dict:
        """The 1-based line of every value, keyed by its location (a tuple of keys and indexes)."""
        return _build(_events(self.text), self.path).lines

    def release(self) -> None:
        """Forget the parsed data (it is read again if asked for): validated records keep a
        digest's memory small."""
        self.__dict__.pop("data", None)

    def line(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest located parent."""
        loc = tuple(loc)
        if "lines" not in self.__dict__ and self.__dict__.get("_early", 0) < 2:
            # The first questions read only as far as the answer (a draft's `status` is near the
            # top); the whole file is read once the answer is not found or questions go on.
            self.__dict__["_early"] = self.__dict__.get("_early", 0) + 1
            try:
                self.__dict__["lines"] = _build(_events(self.text), self.path, until=loc).lines
            except _Found as found:
                return found.line
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


class YamlProblem(Exception):
    def __init__(self, line: int, code: str, message: str):
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


def _scalar(event) -> Any:
    if event.tag not in _PLAIN_TAGS:
        raise YamlProblem(event.start_mark.line + 1, "yaml-tag",
                          f"the tag {event.tag!r} is not allowed; write plain values")
    value = event.value
    plain = event.style in (None, "") and event.implicit[0]
    if not plain:
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        return int(value)
    return value


class _Found(Exception):
    def __init__(self, line: int):
        self.line = line


def parsed(path: str, text: str, data: Any) -> Document:
    """The Document of ``text``, whose ``data`` another process already read with ``parse``."""
    return _document(path, text, data)


def _document(path: str, text: str, data: Any, lines: dict | None = None) -> Document:
    doc = Document(path, text)
    doc.__dict__["data"] = data  # fill the cached properties: this reading found them
    if lines is not None:
        doc.__dict__["lines"] = lines
    return doc


def _build(events, path: str, until: Loc | None = None, text: str = "") -> Document:
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
            if here == until:
                raise _Found(line)
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
        if here == until:
            raise _Found(lines[here])
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
    return _document(path, text, root[0] if root else None, lines)


class _NoKey:
    pass


_NO_KEY = _NoKey()


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(path: Path, display: str, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file or raise YamlProblem saying why it cannot be read."""
    try:
        if path.stat().st_size > max_bytes:
            raise YamlProblem(1, "file-too-large",
                              f"file is larger than {max_bytes:,} bytes; split it")
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(1, "file-unreadable", f"cannot read the file ({exc.strerror})") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise YamlProblem(_line_of(raw, nul), "file-binary",
                          "file contains NUL bytes; it is not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(_line_of(raw, exc.start), "file-encoding",
                          f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8") from None


def _events(text: str):
    parser = _Loader(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


class _Unusual(Exception):
    """The quick reader met something it leaves to the exact one."""


def _quick_scalar(event) -> Any:
    if event.anchor is not None or event.tag not in _PLAIN_TAGS:
        raise _Unusual
    value = event.value
    if event.style or not event.implicit[0]:
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        return int(value)
    return value


def _quick_node(get, event, depth: int) -> Any:
    cls = event.__class__
    if cls is yaml.ScalarEvent:
        return _quick_scalar(event)
    if depth > MAX_DEPTH or event.anchor is not None or event.tag not in _PLAIN_TAGS:
        raise _Unusual
    if cls is yaml.SequenceStartEvent:
        seq = []
        while (event := get()).__class__ is not yaml.SequenceEndEvent:
            seq.append(_quick_node(get, event, depth + 1))
        return seq
    if cls is yaml.MappingStartEvent:
        mapping = {}
        while (event := get()).__class__ is not yaml.MappingEndEvent:
            if event.__class__ is not yaml.ScalarEvent:
                raise _Unusual
            key = _quick_scalar(event)
            if key is None:
                raise _Unusual
            key = str(key)
            if key in mapping:
                raise _Unusual
            mapping[key] = _quick_node(get, get(), depth + 1)
        return mapping
    raise _Unusual  # an alias, or an event out of place


def _quick(text: str) -> Any:
    """The data of a clean one-document file, by the rules above; _Unusual for anything else."""
    parser = _Loader(text)
    try:
        get = parser.get_event
        get()  # stream start
        event = get()
        if event.__class__ is yaml.StreamEndEvent:
            return None
        data = _quick_node(get, get(), 1)
        get()  # document end
        if get().__class__ is not yaml.StreamEndEvent:
            raise _Unusual  # a second document
        return data
    finally:
        parser.dispose()


def parse(text: str, path: str) -> Document:
    """Parse YAML text into a Document, raising YamlProblem for anything unsafe or malformed."""
    try:
        return _document(path, text, _quick(text))
    except (_Unusual, yaml.YAMLError, RecursionError):
        pass
    try:
        return _build(_events(text), path, text=text)
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
        return parse(read_text(path, display), display), []
    except YamlProblem as exc:
        return None, [Problem(display, exc.line, exc.code, exc.message)]


# --- writing -------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    pass


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


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so that the file is either the old one or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
