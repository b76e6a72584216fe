"""``kiteline nlu eval`` and ``kiteline nlu explain`` as an operator runs them."""
import json

from click.testing import CliRunner

from bot.cli import main
import bot.nlu_cli  # noqa: F401  (registers ``nlu``)


def test_eval_prints_accuracy_per_intent_confusions_slots_and_speed(tmp_path):
    labelled = tmp_path / "few.jsonl"
    rows = [
        {"id": "x1", "text": "党费怎么交", "intent": "dues", "slots": {}, "style": "plain"},
        {"id": "x2", "text": "我现在在苏州", "intent": "update_info", "slots": {"city": "苏州"}, "style": "plain"},
        {"id": "x3", "text": "积分多少", "intent": "dues", "slots": {}, "style": "short"},
    ]
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["nlu", "eval", str(labelled), "--seconds", "0.05"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "intent accuracy  66.7%  (2/3)"
    assert lines[1] == "slot accuracy    100.0%  (1/1)"
    assert lines[2].startswith("speed ") and lines[2].endswith("messages/s (normalise + route + slots, one core)")
    assert "dues                  100.0%   50.0%    2" in lines
    assert "  dues → points: 1" in lines
    assert "  x3 [dues → points] 积分多少" in lines


def test_explain_shows_normalised_text_tokens_matches_and_scores():
    result = CliRunner().invoke(main, ["nlu", "explain", "我不想學習了，想問下黨費"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        "normalised  '我不想学习了 想问下党费'",
        "tokens      我 / 不想 / 学习 / 了 / 想 / 问 / 下 / 党费",
        "matched",
        "  dues                5.0  党费  @10",
        "  dues                3.0  ≈例句",
    ]
    # the labelled examples' opinion, and the characters that most made it
    assert lines[5].startswith("examples    dues 1.00, ") and "telling: 党费 / " in lines[5]
    assert lines[6:] == ["scores      dues 8.0", "intent      dues  (score 8.0)", "slots       {}"]
