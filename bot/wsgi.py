"""WSGI entry point for multi-process deployments: ``gunicorn 'bot.wsgi:app'``.

The web role only: run ``kiteline scheduler`` and ``kiteline dispatcher`` as their own processes.
Settings come from ``config.yaml`` / ``KITELINE_CONFIG`` and ``KITELINE_*`` variables; migrate
first with ``kiteline db upgrade``.
"""
from bot.app import create_app
from models.settings import load_settings

app = create_app(load_settings())
