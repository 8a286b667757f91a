"""Parallax: turn one-sided source material into balanced, sourced records and a static site.

The pipeline, one module per stage: seeds -> ``ingest`` -> records (``load``, ``models``)
-> ``check`` -> ``render`` -> site (``site``, the only module that imports MkDocs).
``cli`` is the thin command-line shell around it.
"""

__version__ = "0.1.0"
