"""The pure core: BibTeX as data, without Sphinx or docutils (unit-tested on its own).

==================  ===============================================================================
``vocabulary``      entry types, venue / required / presentation / link fields, marks, months, keys,
                    URLs, paper-page file names: the one vocabulary every other module reads
``text``            LaTeX decoded once per string, names compared on plain text, years and months
``parse``           lenient reading (a broken entry is skipped and reported), macros across files,
                    re-reading only entries whose text changed
``scan``            where things are: each entry's and field's line, as written
``check``           one checker: syntax errors and the lint, as one :class:`~.check.Problem` type
``model``           the typed :class:`~.model.Paper`, made once per entry, and the facts it is made of
``cache``           entry fingerprints and the formatting caches the Sphinx layer keeps between builds
``style``           the pybtex plugins (formatting, labels, sorting, preview)
``meta``            Google Scholar's Highwire tags and schema.org JSON-LD of a paper
``export``          clean BibTeX and CSL-JSON
``tidy``            the canonical ``refs.bib`` and the normalisation of pasted entries
``cli``             ``python -m portfolio.bib check|tidy``
==================  ===============================================================================
"""
