"""One module per capability: what a member or liaison can say, and the replies.

Start at ``handlers.registry`` for the routing order; each intent module keeps its jieba
keywords, its usage line and ``handle(msg, ctx) -> Reply`` side by side.
"""
