"""Sphinx tweaks that keep the book's website clean in a browser, offline included.

- Jupyter Book 1 registers the scripts of sphinx-thebe and sphinx-togglebutton
  twice on a page, so the browser reports "Identifier 'THEBE_JS_URL' has already
  been declared"; a script with the same source and body is emitted only once.
- pydata-sphinx-theme logs "Got invalid theme mode" on a first visit unless its
  template variable ``default_mode`` is set; it is set to "auto" (follow the
  reader's system setting).

tests/test_book.py opens every page in headless Chromium and fails on any
console error, so a change here that brings the errors back is caught.
"""


def _page_context(app, pagename, templatename, context, doctree):
    context.setdefault("default_mode", "auto")
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # the same script, whatever its priority, and an inline script's filename None or ""
        key = (getattr(script, "filename", str(script)) or "",
               tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
