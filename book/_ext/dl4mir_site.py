"""Sphinx tweaks that keep the book's website clean in a browser, offline included.

- Jupyter Book 1 registers the scripts of sphinx-thebe and sphinx-togglebutton
  twice on a page, so the browser reports "Identifier 'THEBE_JS_URL' has already
  been declared"; a script with the same source and body is emitted only once.
- pydata-sphinx-theme logs "Got invalid theme mode" on a first visit unless its
  template variable ``default_mode`` is set; it is set to "auto" (follow the
  reader's system setting).

- The launch buttons' hub is set in one place at build time: the environment
  variable ``DL4MIR_JUPYTERHUB_URL`` (default: ``jupyterhub_url`` of ``_config.yml``),
  so a course that hosts its own copy builds with its own hub's address.
- With ``DL4MIR_VERSIONS=1`` (the publish workflow), every page gets a version
  switcher that reads ``versions.json`` one level above the book
  (``tools/assemble_site.py``); without it nothing is fetched, so the offline
  site requests nothing it does not have.

- The page "Try it on your own recording" (``book/try.md``) gets its files at the end
  of the build, in ``_static/try/``: its script (``book/_ext/try/try.js``), the
  models and settings (:func:`mirlib.web.write_try_assets`) and ONNX Runtime
  Web, from the npm package pinned in ``tools/web`` (``tools/install.sh``
  installs it). They load only when the reader starts the tool.

tests/test_book.py opens every page in headless Chromium and fails on any
console error, so a change here that brings the errors back is caught.
"""

import os
import shutil
from pathlib import Path

#: The repository's root (this file is book/_ext/dl4mir_site.py).
ROOT = Path(__file__).resolve().parents[2]

#: The variable that sets the launch buttons' JupyterHub at build time.
HUB_VARIABLE = "DL4MIR_JUPYTERHUB_URL"

#: The version switcher, one script for every page: the book's root relative to the page is the
#: ``data-content_root`` Sphinx writes on ``<html>``; the release folder is the one above it.
SWITCHER = r"""
document.addEventListener("DOMContentLoaded", () => {
  const root = document.documentElement.dataset.content_root || "./";
  fetch(root + "../versions.json").then(r => r.ok ? r.json() : []).then(versions => {
    if (!versions.length) return;
    const depth = (root.match(/\.\.\//g) || []).length;   // folders between the book's root and the page
    const parts = location.pathname.split("/");
    const page = parts.slice(parts.length - depth - 1).join("/");
    const current = parts[parts.length - depth - 2];        // the release folder above the book's root
    const select = document.createElement("select");
    select.className = "dl4mir-version-switcher";
    select.setAttribute("aria-label", "version of the book");
    for (const v of versions) {
      const option = new Option(v.version, root + "../" + v.url + page, false, v.url === current + "/");
      select.add(option);
    }
    select.addEventListener("change", () => { location.href = select.value; });
    (document.querySelector(".bd-header-article .header-article-items__end") || document.body).prepend(select);
  });
});
"""


def hub_url(config_url):
    """The launch buttons' hub: ``$DL4MIR_JUPYTERHUB_URL`` if set, else the address in ``_config.yml``."""
    return os.environ.get(HUB_VARIABLE) or config_url


def _config_inited(app, config):
    options = config.html_theme_options
    launch = options.get("launch_buttons") if isinstance(options, dict) else None
    if isinstance(launch, dict) and "jupyterhub_url" in launch:
        launch["jupyterhub_url"] = hub_url(launch["jupyterhub_url"])


def _builder_inited(app):
    if os.environ.get("DL4MIR_VERSIONS") == "1":
        app.add_js_file(None, body=SWITCHER)


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


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from mirlib.web import write_try_assets

    folder = Path(app.outdir) / "_static" / "try"
    write_try_assets(folder, ROOT / "tools" / "web" / "node_modules" / "onnxruntime-web" / "dist")
    shutil.copyfile(Path(__file__).parent / "try" / "try.js", folder / "try.js")


def setup(app):
    app.connect("build-finished", _build_finished)
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
