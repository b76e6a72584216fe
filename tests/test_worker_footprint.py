"""What a production web worker loads (``bot.wsgi``, issue 9: under 200 MB a worker): the
router and the webhook, not the libraries only other roles or the router's build need — openpyxl
(sheets: CLI commands), numpy (the examples' table is plain ints), pypinyin (the homophones read
handlers/nlu/readings.txt), pkg_resources (jieba opens its files by path)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import CONFIG_FILE

NOT_LOADED = ("openpyxl", "numpy", "pypinyin", "pkg_resources")


def test_a_web_worker_loads_none_of_the_heavy_libraries_it_does_not_use(tmp_path):
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE),
           "KITELINE_DATABASE__URL": f"sqlite:///{tmp_path}/kiteline.db", "KITELINE_WECHAT__SANDBOX": "false",
           "KITELINE_WECHAT__APP_ID": "wx0000000000000001", "KITELINE_WECHAT__APP_SECRET": "fictional-secret"}
    code = ("import json, sys, bot.wsgi; "
            f"print(json.dumps([m for m in {NOT_LOADED!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
