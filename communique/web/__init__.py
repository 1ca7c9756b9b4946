"""The web page served by `communique serve`: static files (HTML, CSS, vanilla JS), no CDN.

Everything the page shows from documents goes through `textContent`, never `innerHTML`.
"""
import os

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")

__all__ = ["STATIC_DIR"]
