"""The CV as data and the PDFs' content: the pure core of ``portfolio.cvbuild`` (no Sphinx, no docutils).

``data`` reads ``cv.yaml`` (RenderCV's layout) into a model with every problem's line; ``inline`` reads its
text (Markdown, ``[@key]`` citations); ``page`` writes the CV page's MyST; ``typeset`` and ``mathtext``
make the PDFs' documents and run Typst over ``templates/``.
"""
