"""WSGI entry point for multi-process deployments: ``gunicorn --preload 'bot.wsgi:app'``.

The web role only: run ``kiteline scheduler`` and ``kiteline dispatcher`` as their own processes.
Settings come from ``config.yaml`` / ``KITELINE_CONFIG`` and ``KITELINE_*`` variables; migrate
first with ``kiteline db upgrade``.

With ``--preload`` the master builds the app — the router's jieba dictionary, typo variants and
example table, most of a worker's memory — once, and every worker shares those pages with it:
- the libraries only other roles or the router's build need are not loaded at all: pypinyin
  (the homophones read ``handlers/nlu/readings.txt``), numpy (the examples' table is packed
  ints, ``handlers.nlu.bayes``), openpyxl (sheets are for CLI commands), jieba's pkg_resources
  (``tests/test_worker_footprint.py`` holds it);
- the build's garbage is collected and its freed memory returned to the system before the fork;
- what is left is frozen (``gc.freeze``): a worker's collections never walk — and so never write
  to, and copy — the master's objects.
"""
import ctypes
import ctypes.util
import gc

from bot.app import create_app
from models.settings import load_settings

app = create_app(load_settings())

gc.collect()
_libc = ctypes.util.find_library("c")
if _libc and hasattr(ctypes.CDLL(_libc), "malloc_trim"):  # glibc only
    ctypes.CDLL(_libc).malloc_trim(0)
gc.freeze()
