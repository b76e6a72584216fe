"""The bare Flask app ``bench.webhook`` measures kiteline against: every POST to ``/wechat`` gets
one fixed passive-reply XML — no signature, no parsing, no database. The cost of Flask, the WSGI
server and HTTP alone: the ceiling for any webhook on the machine.

    gunicorn -w 2 bench.bare:app
"""
from __future__ import annotations

from flask import Flask, Response

ACCOUNT = "gh_3f9a2c1d7e88"
FIXED_REPLY = (
    f"<xml><ToUserName><![CDATA[oBench]]></ToUserName><FromUserName><![CDATA[{ACCOUNT}]]></FromUserName>"
    "<CreateTime>1764380000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[收到，这是一条固定的回复。]]></Content></xml>"
)

app = Flask("bare")
app.add_url_rule("/wechat", "wechat", lambda: Response(FIXED_REPLY, mimetype="application/xml"),
                 methods=["POST"])
