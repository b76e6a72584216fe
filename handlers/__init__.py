"""One module per capability: what a member or liaison can say, and the replies.

Start at ``handlers.engine`` for the order a message is answered in; each intent module keeps
its jieba keywords, its usage line and ``handle(msg, ctx) -> Reply`` side by side.
"""
