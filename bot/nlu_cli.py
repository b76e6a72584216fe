"""``kiteline nlu eval FILE.jsonl …`` and ``kiteline nlu explain "文本"``: measure and explain the
intent router with the keywords and synonyms of the configuration in use.
``kiteline nlu eval handlers/nlu/sealed/*.jsonl`` is the held-out score: those messages are never
learnt from."""
from __future__ import annotations

import sys

import click

from bot.startup import load_or_exit
from handlers.nlu.bayes import load
from handlers.nlu.decision import EXAMPLES
from handlers.nlu.evaluate import Report, evaluate
from handlers.nlu.router import Router
from handlers.registry import BY_NAME, build_router


def _router(ctx: click.Context, unseen: list[str] | None = None) -> Router:
    try:
        return build_router(load_or_exit(ctx.obj["config"]).nlu, unseen or ())
    except (ValueError, OSError) as exc:
        click.echo(f"配置错误 (configuration error): {exc}", err=True)
        sys.exit(2)


@click.group()
def nlu() -> None:
    """Intent router: evaluate on labelled messages, explain one decision."""


@nlu.command("eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--seconds", default=1.0, show_default=True, help="CPU time spent measuring speed.")
@click.option("--misses/--no-misses", default=True, show_default=True,
              help="List the messages routed wrongly.")
@click.option("--round", "round_", metavar="NAME",
              help="Only the messages of this round (their \"set\": dev, holdout, blind7 …).")
@click.option("--unseen", is_flag=True,
              help="Leave FILE's messages out of the labelled examples the router learns from, "
                   "so the score is on messages it has not seen.")
@click.pass_context
def nlu_eval(ctx: click.Context, files: tuple[str, ...], seconds: float, misses: bool,
             round_: str | None, unseen: bool) -> None:
    """Accuracy, per-intent precision/recall, confusions, slot accuracy and messages/second on
    FILES pooled (JSONL: id, text, intent, slots, style). When the router's labelled examples
    hold their messages (handlers/nlu/train/ does) the score is a regression figure, and says
    so; ``--unseen`` leaves them out first; handlers/nlu/sealed/ holds none. A malformed or
    empty file: a message naming the line, exit status 2."""
    rows = []
    for file in files:
        try:
            rows += load(file, BY_NAME)
        except (ValueError, OSError) as exc:
            click.echo(f"无法读取标注文件：{exc}", err=True)
            sys.exit(2)
    if round_:
        rows = [row for row in rows if row.get("set") == round_]
    if not rows:
        click.echo(f"{', '.join(files)} 里没有标注好的消息（每行一个 JSON：text, intent, slots）。", err=True)
        sys.exit(2)
    router = _router(ctx, [row["text"] for row in rows] if unseen else None)
    known = sum(row["text"] in router.example_texts for row in rows)
    if known:
        click.echo(f"note: {known} of {len(rows)} messages are among the labelled examples the router "
                   "learns from: a regression score, not accuracy on unseen messages "
                   "(add --unseen to leave them out).\n")
    report = evaluate(router, rows, min_seconds=seconds)
    for line in _report_lines(report, misses):
        click.echo(line)


def _report_lines(report: Report, misses: bool) -> list[str]:
    lines = [f"intent accuracy  {report.accuracy:.1%}  ({report.correct}/{report.total})",
             f"slot accuracy    {report.slot_accuracy:.1%}  ({report.slot_correct}/{report.slot_total})",
             f"speed            {report.messages_per_second:,.0f} messages/s (normalise + route + "
             "slots, one core)", "", f"{'intent':<18}{'precision':>10}{'recall':>8}{'n':>5}"]
    for intent in sorted(report.gold | report.predicted):
        lines.append(f"{intent:<18}{report.precision(intent):>10.1%}{report.recall(intent):>8.1%}"
                     f"{report.gold[intent]:>5}")
    lines += ["", "by style:"]
    lines += [f"  {style:<12}{report.per_style_correct[style] / n:>7.1%}  ({n})"
              for style, n in sorted(report.per_style.items())]
    lines += ["", "confusions (labelled → routed):"]
    lines += [f"  {gold} → {got}: {n}" for (gold, got), n in report.confusions.most_common()] or ["  none"]
    if misses:
        lines += ["", "misses:"] + [f"  {i} [{gold} → {got}] {text}" for i, text, gold, got in report.misses]
        lines += [f"  {i} slots {want} ≠ {got}: {text}" for i, text, want, got in report.slot_misses]
    return lines


@nlu.command("explain")
@click.argument("text")
@click.pass_context
def nlu_explain(ctx: click.Context, text: str) -> None:
    """How the router reads TEXT: normalised text, tokens, matched words, scores, decision."""
    router = _router(ctx)
    seen = router.explain(text)
    route = seen.route
    click.echo(f"normalised  {seen.normalised!r}")
    click.echo(f"tokens      {' / '.join(seen.tokens)}")
    click.echo("matched")
    for hit in sorted(seen.hits, key=lambda h: (h.intent, h.word == EXAMPLES, h.position)):
        where = "" if hit.word == EXAMPLES else f"  @{hit.position}"
        click.echo(f"  {hit.intent:<18}{hit.weight:>5.1f}  {hit.word}{where}")
    likely = sorted(seen.opinion.items(), key=lambda kv: -kv[1])[:3]
    click.echo("examples    " + (", ".join(f"{i} {p:.2f}" for i, p in likely) or "no opinion")
               + f"  (of {router.examples.size:,} labelled messages; telling: "
               + (" / ".join(seen.telling) or "-") + ")")
    click.echo("scores      " + ", ".join(f"{i} {s:.1f}" for i, s in
                                          sorted(seen.scores.items(), key=lambda kv: -kv[1])))
    click.echo(f"intent      {route.intent}  (score {route.score:.1f})")
    if route.clarify:
        click.echo(f"ask         too close to call: {', '.join([route.intent, *route.alternatives])}")
    if route.offer:
        click.echo(f"offer       {route.offer} (second request)")
    click.echo(f"slots       {route.slots}")
