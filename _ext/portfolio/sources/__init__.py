"""The network tools: ``make add`` (one paper from its identifier) and ``make sync`` (the papers nobody added
yet, preprints that were published, citation counts).

A pure core like :mod:`portfolio.bib` (no Sphinx): :mod:`.http` is the one HTTP layer (User-Agent with a
contact, rate limits, retries honouring ``Retry-After``, time-outs, a size cap, base URLs from environment
variables); :mod:`.ids` reads identifiers; one module per source turns its answer into a
:class:`.record.Record`, which :mod:`.record` cleans as the bib checks would; :mod:`.add` and
:mod:`.sync` write ``refs.bib`` through the tidier. Nothing here runs in a build, nor in a test against
the real internet.
"""
