"""Serve a built book (``_build/html``) as a JupyterHub service, read-only, on 127.0.0.1.

    python serve_site.py SITE PORT

JupyterHub's proxy forwards ``/services/book/...`` with its prefix
(``JUPYTERHUB_SERVICE_PREFIX``), which is taken off before the file is looked up;
a request outside the prefix, or for a folder without ``index.html``, gets 404.
"""

import functools
import os
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files of the book below the service's prefix; no directory listings."""

    prefix = "/services/book/"

    def translate_path(self, path):
        return super().translate_path("/" + path[len(self.prefix):])

    def list_directory(self, path):
        self.send_error(404, "no such page")
        return None

    def do_GET(self):
        if not self.path.startswith(self.prefix) and self.path.rstrip("/") + "/" != self.prefix:
            self.send_error(404, "outside the book")
            return
        if self.path.rstrip("/") + "/" == self.prefix and self.path != self.prefix:
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


def serve(site, port, prefix=None):
    """A threading HTTP server of ``site`` on 127.0.0.1:``port`` (0: any free port), not yet started."""
    if not os.path.isfile(os.path.join(site, "index.html")):
        raise FileNotFoundError(f"{site} holds no built book (index.html); run jupyter-book build . first")
    handler = type("Handler", (SiteHandler,), {"prefix": prefix or os.environ.get("JUPYTERHUB_SERVICE_PREFIX",
                                                                                   SiteHandler.prefix)})
    return ThreadingHTTPServer(("127.0.0.1", int(port)), functools.partial(handler, directory=site))


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2]).serve_forever()
