"""The record models: the one home of pydantic, and the precise form of ``RECORD.md``.

Field names are a public interface. Every field carries its description; the JSON Schema
(``parallax schema``) and the reference docs are generated from these classes. The types of
the loaded digest (``Digest``, ``Located``, ``SeedText``) are in ``models.digest``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter,
                      ValidationError, field_validator, model_validator)

from ..urls import MAX_LENGTH as URL_MAX_LENGTH

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ISO_DATE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
ISO_DATE_OR_EMPTY = r"^([0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)?$"


def _ascii_digits(value):
    """The one date rule, first half: the digits 0-9 only (before the pattern, for a clear
    message: other scripts' digits would pass a pattern's \\d, sort after every date and be
    drawn off the chart)."""
    if isinstance(value, str) and not value.isascii():
        raise ValueError(f"{value[:40]!r}: write dates with the digits 0-9 (YYYY, YYYY-MM or "
                         "YYYY-MM-DD)")
    return value


def _calendar(value: str) -> str:
    """The one date rule, second half: a full date is a real day of the calendar."""
    if len(value) == 10:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
    return value

def precision_of(value: str) -> str:
    """The one precision rule: how precise an ISO date is (``day``, ``month`` or ``year``)."""
    return {10: "day", 7: "month"}.get(len(value), "year")


Slug = Annotated[str, Field(pattern=SLUG, max_length=120)]
# Every date field of every record and registry is one of these two types (one rule).
Date = Annotated[str, BeforeValidator(_ascii_digits), AfterValidator(_calendar),
                 Field(pattern=ISO_DATE, description="ISO date: YYYY, YYYY-MM or YYYY-MM-DD")]
MaybeDate = Annotated[str, BeforeValidator(_ascii_digits), AfterValidator(_calendar),
                      Field(pattern=ISO_DATE_OR_EMPTY,
                            description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD), or empty when unknown")]
_DATE = TypeAdapter(Date)


def valid_date(value: str) -> bool:
    """Whether ``value`` passes the date rule above (for readers of seeds, which propose dates
    and keep only those a record may hold)."""
    try:
        _DATE.validate_python(value)
        return True
    except ValidationError:
        return False


Text = Annotated[str, Field(max_length=20_000)]
# Lists in one record are bounded, so that one record cannot grow a page (and the build) without
# end: a page shows every entry of its record.
MAX_PERSPECTIVES = 100  # perspectives of one item (one per party)
MAX_SOURCES = 50  # sources of one statement
MAX_LINKS = 50  # links of one provenance chain
MAX_QUESTIONS = 50  # discussion questions of one item
MAX_LIST = 200  # any other list of one record
MAX_EXCERPT = 100_000
Markdown = Annotated[str, Field(max_length=50_000, description="Markdown: emphasis, lists, http(s) links; never raw HTML")]
Url = Annotated[str, Field(max_length=URL_MAX_LENGTH, description="An http or https URL, or empty when not located")]


# Each model instance keeps the set of the fields its data gave (``model_fields_set``): a set of
# 728 bytes for one of five fields or more, a third of a loaded digest's memory, although a
# digest holds only a few dozen different ones. Instances that gave the same fields share one
# set. The models are frozen, so pydantic never adds to an instance's set (``model_copy`` copies
# it before it changes it).
_FIELDS_SETS: dict[frozenset, set] = {}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @model_validator(mode="after")
    def _share_fields_set(self):
        given = self.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)
        return self


class Source(Model):
    """A document that backs a statement: who published it, where, when, and when we read it."""

    title: Text = Field(description="The document's title as published")
    publisher: Text = Field(description="Who published it (outlet or organisation name)")
    url: Url = Field(description="Where it was found (http or https)")
    date: MaybeDate = Field("", description="Publication date")
    accessed: MaybeDate = Field("", description="The day it was read for this record")
    note: Text = Field("", description="What the source is, where it differs from the original, "
                                       "or which copy was read")


class ItemDate(Model):
    """When the reported statement or event happened, and how that was established."""

    value: Date = Field(description="The date, as precise as is known")
    precision: Literal["day", "month", "year"] = Field(description="How precise `value` is")
    basis: Text = Field("", description="How the date was established")


class Seed(Model):
    """Where in a seed file this item's excerpt stands."""

    file: Text = Field(description="The seed file, relative to the project root (seeds/...)")
    format: Literal["", "text", "html", "feed", "markdown"] = Field(
        "", description="How the seed was read: text, html, feed or markdown (empty: judged "
                        "from the file's content, as ingest does)")
    position: int = Field(ge=1, description="1-based position of the item in the seed")
    excerpt: str = Field(max_length=MAX_EXCERPT, description="The excerpt: verbatim from a text seed; for html, feed and "
                                      "markdown seeds, the item's text as ingest reads it")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the UTF-8 excerpt")
    link: Url = Field("", description="The item's own link in the seed, where it had one")


class ProvenanceLink(Model):
    """One link of the chain from the seed back toward the original speaker."""

    role: Literal["seed-page", "republication", "original-report", "primary-statement"] = Field(
        description="What this link is in the chain")
    outlet: str = Field("", description="Id of the publisher in outlets.yaml")
    url: Url = Field("", description="Where this link was found")
    title: Text = Field("", description="The page's title")
    date: MaybeDate = Field("", description="Publication date of this link")
    accessed: MaybeDate = Field("", description="The day it was located")
    status: Literal["located", "not-located", "unverified"] = Field(
        description="located: found and read; not-located: searched for and not found; "
                    "unverified: proposed (e.g. by ingest) and not yet checked")
    note: Text = Field("", description="For readers: what this link is, or how its text differs "
                                       "from the next one (short and plain; no working notes)")
    excerpt: Text = Field("", description="The passage as this source printed it, where located, so "
                                          "the site can show what changed from one link to the next")
    search_log: list[Text] = Field(default_factory=list, max_length=200,
                                   description="What was searched and where, in plain words; shown "
                                               "where the site explains what could not be verified")


class Speaker(Model):
    """A person quoted or reported in the item."""

    actor: str = Field(description="Id in actors.yaml")
    role_at_time: Text = Field("", description="The person's role when they spoke")
    status: Literal["confirmed", "unverified"] = Field(
        "confirmed", description="unverified: proposed by ingest from a name in the text, not yet checked")


class Framing(Model):
    """A loaded or contested word in the original, and what it signals."""

    term: Text = Field(description="The word or phrase as it appears in the excerpt")
    note: Text = Field("", description="What it signals, who uses it, a neutral equivalent")


class Perspective(Model):
    """One named party's position on the item, in its own terms, sourced."""

    stakeholder: str = Field(description="Id in stakeholders.yaml")
    gist: Text = Field("", description="The position in one neutral, attributed sentence of at most "
                                       "30 words, for the at-a-glance row and the handout")
    position: Markdown = Field("", description="Neutral, attributed paraphrase of the party's position")
    status: Literal["stated", "general-position", "no-statement-found"] = Field(
        description="stated: on this matter at the time; general-position: documented general "
                    "stance; no-statement-found: searched, nothing found")
    date: MaybeDate = Field("", description="When the party took this position")
    sources: list[Source] = Field(default_factory=list, max_length=MAX_SOURCES,
                                  description="Where the position is documented")


class Question(Model):
    """A discussion question with the teacher's note on what a good answer notices."""

    question: Text = Field(description="The question, as students read it")
    guidance: Text = Field("", description="For the teacher: what a good answer notices, "
                                           "drawn from the record")


class Correction(Model):
    """A change of substance made after publication."""

    date: Date = Field(description="When the correction was made")
    note: Text = Field(description="What changed and why")


class Item(Model):
    """One seed item: where it came from, what it says, and who says what about it."""

    id: Slug = Field(description="Slug, unique, equal to the file name")
    title: Text = Field(description="The headline exactly as it appeared in the seed")
    neutral_title: Text = Field("", description="The digest's own headline, neutral wording")
    status: Literal["draft", "reviewed", "published", "set-aside"] = Field(
        description="draft (from ingest, not yet researched), reviewed, published, or set-aside "
                    "(the editors chose not to cover it; ingest never brings it back)")
    date: ItemDate | None = Field(None, description="When the reported statement or event happened")
    seed: Seed = Field(description="Which seed file and item this record points into")
    provenance: list[ProvenanceLink] = Field(default_factory=list, max_length=MAX_LINKS,
                                             description="The chain from the seed to the original, nearest first")
    speakers: list[Speaker] = Field(default_factory=list, max_length=MAX_LIST,
                                    description="People quoted or reported")
    about: list[str] = Field(default_factory=list, max_length=MAX_LIST,
                             description="Stakeholder ids the item is about or criticises")
    summary: Markdown = Field("", description="The neutral summary, in the digest's own voice")
    framing: list[Framing] = Field(default_factory=list, max_length=MAX_LIST,
                                   description="Loaded wording in the original")
    perspectives: list[Perspective] = Field(default_factory=list, max_length=MAX_PERSPECTIVES,
                                            description="The named parties' positions")
    context: Markdown = Field("", description="Background a reader needs, sourced")
    questions: list[Text | Question] = Field(
        default_factory=list, max_length=MAX_QUESTIONS,
        description="Discussion questions for a class: a string, or {question, guidance}")
    related: list[str] = Field(default_factory=list, max_length=MAX_LIST,
                               description="Item ids sharing an origin or event")
    corrections: list[Correction] = Field(default_factory=list, max_length=MAX_LIST,
                                          description="Every change of substance after publication")
    prepared_by: Text = Field("", description="Who wrote the record (person, or tool and version)")
    reviewed_by: Text = Field("", description="Who checked the record (person, or tool and version)")

    @property
    def discussion(self) -> list[Question]:
        """The questions, each as a ``Question`` (a plain string has no guidance)."""
        return [q if isinstance(q, Question) else Question(question=q) for q in self.questions]


class Outlet(Model):
    """A publisher, outlet or organisation named in a provenance chain."""

    id: Slug = Field(description="Unique id, referenced from provenance links")
    name: Text = Field(description="The outlet's name")
    spellings: list[Text] = Field(default_factory=list, max_length=MAX_LIST,
                                  description="Other names and spellings, for ingest and search")
    kind: Text = Field(description="e.g. state-media, semi-official-agency, advocacy-group, ngo, "
                                   "independent-media, intergovernmental, government, unknown")
    country: Text = Field("", description="Where it is based")
    affiliation: Text = Field("", description="Who owns, funds or controls it, in a neutral sentence")
    evidence: list[Source] = Field(default_factory=list, max_length=MAX_SOURCES, description="Sources for the affiliation")
    contested: bool = Field(False, description="True when the affiliation is disputed")
    names_used: Text = Field("", description="How the outlet names the parties")


class Role(Model):
    """A position a person held."""

    title: Text = Field(description="The role, e.g. Foreign Minister")
    organisation: Text = Field("", description="Where they held it")
    from_: MaybeDate = Field("", alias="from", description="Start of the role")
    to: MaybeDate = Field("", description="End of the role (empty: ongoing or unknown)")
    source: Source | None = Field(None, description="Where the role is documented")

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class Actor(Model):
    """A person named in the items."""

    id: Slug = Field(description="Unique id, referenced from speakers")
    name: Text = Field(description="The one spelling the digest uses")
    spellings: list[Text] = Field(default_factory=list, max_length=MAX_LIST, description="Other spellings, for ingest and search")
    roles: list[Role] = Field(default_factory=list, max_length=MAX_LIST, description="Roles held, sourced")


class Stakeholder(Model):
    """A party whose perspective the digest sets beside the others."""

    id: Slug = Field(description="Unique id, referenced from perspectives and `about`")
    name: Text = Field(description="The party's name")
    kind: Text = Field(description="e.g. government, armed-or-opposition-group, intergovernmental, "
                                   "human-rights-organisation, independent-research, former-members")
    description: Text = Field("", description="Who the party is")
    names_used: Text = Field("", description="How this party names the others")
    order: int = Field(ge=0, description="Display position under the documented neutral rule")


class GlossaryEntry(Model):
    """A name or label, its variants, and who uses which."""

    term: Text = Field(description="The term")
    variants: list[Text] = Field(default_factory=list, max_length=MAX_LIST, description="Other spellings and forms")
    used_by: Text = Field("", description="Who uses it")
    connotation: Text = Field("", description="e.g. neutral, self-designation, pejorative")
    note: Text = Field("", description="Explanation")
    sources: list[Source] = Field(default_factory=list, max_length=MAX_SOURCES, description="Where the usage is documented")


class TimelineEvent(Model):
    """A dated event the items refer to."""

    date: Date = Field(description="When it happened")
    event: Text = Field(description="What happened, neutrally worded")
    sources: list[Source] = Field(default_factory=list, max_length=MAX_SOURCES, description="Where it is documented")


# The lexicon's size is bounded, so that the neutrality check's work is too.
MAX_LEXICON = 1_000  # entries in lexicon.yaml
MAX_FORMS = 30  # word forms in one pattern
MAX_EXCEPTIONS = 50  # exception phrases of one entry
MAX_PHRASE = 300  # characters of one exception phrase


class LexiconEntry(Model):
    """A loaded word that the neutrality check looks for in the digest's own voice."""

    term: Annotated[str, Field(max_length=200)] = Field(description="The word")
    pattern: Annotated[str, Field(max_length=300)] = Field("",
                          description="Word forms to match, separated by '|'; '*' stands for any "
                                      "letters (e.g. 'terroris*|terror group*'). Empty: the term "
                                      "and its common English inflections")
    language: Text = Field("en", description="Language code of the term (en, ar, fa, ...)")
    exceptions: list[Annotated[str, Field(max_length=MAX_PHRASE)]] = Field(
        default_factory=list, max_length=MAX_EXCEPTIONS,
        description="Fixed phrases in which the term names a designation or a title rather than "
                    "labelling anyone, e.g. 'Foreign Terrorist Organization'; matched "
                    "case-insensitively, '*' for any letters")
    used_by: Text = Field("", description="Which side uses it")
    note: Text = Field("", description="Why it is loaded")

    @field_validator("pattern")
    @classmethod
    def _few_forms(cls, value: str) -> str:
        if sum(1 for form in value.split("|") if form.strip()) > MAX_FORMS:
            raise ValueError(f"at most {MAX_FORMS} word forms separated by '|'; split the entry")
        return value


class SeedInfo(Model):
    """A seed file of the digest: who published the page and what it is."""

    file: Text = Field(description="The seed file, relative to the digest project (seeds/...)")
    title: Text = Field("", description="The seed page's own title")
    publisher: str = Field("", description="Id of the publisher in outlets.yaml")
    url: Url = Field("", description="Where the seed page was (its canonical address, where known)")
    accessed: MaybeDate = Field("", description="The day the page was saved or read")
    note: Text = Field("", description="For readers: what the seed page is")


class DigestInfo(Model):
    """The digest as a whole (content/digest.yaml): its topic, readers, editors and seeds."""

    title: Text = Field(description="The digest's title")
    topic: Text = Field("", description="The topic in a few words, for headings")
    about: Markdown = Field("", description="For a newcomer, at most about 150 words: what the "
                                            "topic is and why it is contested")
    audience: Text = Field("", description="Who the digest is written for")
    language: Text = Field("en", description="Language code of the digest's own text")
    editors: list[Text] = Field(default_factory=list, description="Who edits the digest")
    contact: Text = Field("", description="Where corrections go (an address or a page)")
    edit_url: Url = Field("", description="Base address for 'suggest a correction' links")
    seeds: list[SeedInfo] = Field(default_factory=list, description="The seed files and what they are")


# The most entries a registry may hold (the others are bounded by the file size).
REGISTRY_LIMITS = {"lexicon": MAX_LEXICON}

REGISTRIES: dict[str, type[Model]] = {
    "outlets": Outlet,
    "actors": Actor,
    "stakeholders": Stakeholder,
    "glossary": GlossaryEntry,
    "timeline": TimelineEvent,
    "lexicon": LexiconEntry,
}


# The loaded digest: what the load stage gives every later stage.
from .digest import Digest, Located, SeedText  # noqa: E402
