"""Parallax: turn one-sided source material into balanced, sourced records and a static site.

The pipeline, one module per stage: seeds -> ``ingest`` -> records (``load``, ``models``)
-> ``check`` -> ``render`` -> ``publish`` -> site (``site``, the only module that imports
MkDocs).
``cli`` is the thin command-line shell around it. Rules more than one stage applies are written
once: ``urls`` (which URLs a record may hold), ``text`` (safe text: forbidden characters, bidi
controls, Markdown fields as HTML or plain text) and ``textfile`` (reading a record or a seed).
"""

__version__ = "0.1.0"
