"""Stage: render (helpers). The record's codes and dates in the words a reader sees.

Input: a code from a record (a status, a role, an outlet's or a party's kind) or an ISO date.
Output: plain English words ("General position", "18 April 2011"). Pages show these words; the
codes stay in data attributes and in the dataset. Nothing here is topic-specific.
"""

from __future__ import annotations

STATUS = {
    # an item's publication status
    "draft": "Draft", "reviewed": "Reviewed", "published": "Published", "set-aside": "Set aside",
    # a perspective's status
    "stated": "Stated on this matter", "general-position": "General position",
    "no-statement-found": "No statement found", "gap": "Not covered",
    # a provenance link's status
    "located": "Located", "not-located": "Not located", "unverified": "Not yet checked",
    # a speaker's status
    "confirmed": "Confirmed",
}

ROLE = {
    "seed-page": "Seed page",
    "republication": "Republication",
    "original-report": "Original report",
    "primary-statement": "Original statement",
}

KIND = {
    "state-media": "State media",
    "semi-official-agency": "Semi-official news agency",
    "state-funded-international-broadcaster": "State-funded international broadcaster",
    "advocacy-group": "Advocacy group",
    "ngo": "Non-governmental organisation",
    "independent-media": "Independent media",
    "intergovernmental": "Intergovernmental body",
    "government": "Government",
    "unknown": "Kind not established",
    "armed-or-opposition-group": "Armed or opposition group",
    "human-rights-organisation": "Human rights organisation",
    "independent-research": "Independent research",
    "former-members": "Former members",
}

# What an outlet label means, for the legend beside the chips (only for the kinds named above).
KIND_NOTE = {
    "state-media": "owned or controlled by a government",
    "semi-official-agency": "close to a government without being formally part of it",
    "state-funded-international-broadcaster": "funded by a government, broadcasting to "
                                              "audiences abroad",
    "advocacy-group": "campaigns for or against a cause or a party",
    "ngo": "a non-governmental organisation",
    "independent-media": "not known to be owned or controlled by a government or a party",
    "intergovernmental": "a body of several states, such as a UN agency",
    "government": "a government or one of its ministries",
    "unknown": "who runs it could not be established",
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def _sentence_case(code: str) -> str:
    text = code.replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def status_words(code: str) -> str:
    return STATUS.get(code, _sentence_case(code))


def role_words(code: str) -> str:
    return ROLE.get(code, _sentence_case(code))


def kind_words(code: str) -> str:
    return KIND.get(code, _sentence_case(code) or "Kind not established")


def kind_note(code: str) -> str:
    return KIND_NOTE.get(code, "")


def date_words(value: str) -> str:
    """``2011-04-18`` as ``18 April 2011``, ``2011-04`` as ``April 2011``; anything else as is."""
    parts = (value or "").split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value or ""


def accessed_words(dates) -> str:
    """One phrase for the days a list of sources was read: "Accessed 1 April 2024." or
    "Accessed between 1 and 20 April 2024." (empty when none is recorded)."""
    days = sorted({d for d in dates if d})
    if not days:
        return ""
    if len(days) == 1:
        return f"Accessed {date_words(days[0])}."
    return f"Accessed between {date_words(days[0])} and {date_words(days[-1])}."


def short_title(text: str, limit: int = 60) -> str:
    """A title cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def sentence(text: str) -> str:
    """``text`` ending in a full stop (unless it already ends a sentence)."""
    text = (text or "").rstrip()
    return text if not text or text[-1] in ".!?…" else text + "."
