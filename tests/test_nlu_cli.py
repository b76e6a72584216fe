"""``kiteline nlu eval`` and ``kiteline nlu explain`` as an operator runs them."""
import json

from click.testing import CliRunner

from bot.cli import main
from handlers.nlu.bayes import TRAINING_FILES


def test_eval_prints_accuracy_per_intent_confusions_slots_and_speed(tmp_path):
    labelled = tmp_path / "few.jsonl"
    rows = [
        {"id": "x1", "text": "党费咋个交法", "intent": "dues", "slots": {}, "style": "plain"},
        {"id": "x2", "text": "我现在人在苏州了", "intent": "update_info", "slots": {"city": "苏州"}, "style": "plain"},
        {"id": "x3", "text": "积分有多少来着", "intent": "dues", "slots": {}, "style": "short"},
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
    assert "  x3 [dues → points] 积分有多少来着" in lines


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


def test_eval_of_a_broken_or_empty_file_says_what_is_wrong(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "交党费", "intent": "dues"}\n{"text": "积分", "intent": "studdy"}\n',
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["nlu", "eval", str(broken)])
    assert result.exit_code == 2
    assert "broken.jsonl:2: unknown intent 'studdy'" in result.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["nlu", "eval", str(empty)])
    assert result.exit_code == 2 and "里没有标注好的消息" in result.output


def test_a_misspelt_intent_in_the_configured_examples_stops_with_the_key_and_line(tmp_path):
    ours = tmp_path / "ours.jsonl"
    ours.write_text('{"text": "红课", "intent": "studdy"}\n', encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"nlu:\n  example_files: [{ours}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "nlu", "explain", "红课"])
    assert result.exit_code == 2
    assert "nlu.example_files: " in result.output and "ours.jsonl:1: unknown intent 'studdy'" in result.output


def test_explain_of_what_the_examples_never_saw_says_so():
    result = CliRunner().invoke(main, ["nlu", "explain", "🙂🙂"])
    assert result.exit_code == 0, result.output
    assert "examples    no opinion" in result.output and "intent      unknown" in result.output


def test_every_command_that_builds_the_bot_stops_on_such_a_file(tmp_path):
    ours = tmp_path / "ours.jsonl"
    ours.write_text('{"text": "红课", "intent": "studdy"}\n', encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: sqlite:///{tmp_path / 'k.db'}\nnlu:\n  example_files: [{ours}]\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "db", "upgrade"])
    assert result.exit_code == 2
    assert result.output.startswith("配置错误 (configuration error): nlu.example_files: ")


def test_eval_of_messages_the_router_learnt_from_says_so_and_unseen_leaves_them_out():
    learnt = [str(path) for path in TRAINING_FILES]
    result = CliRunner().invoke(main, ["nlu", "eval", *learnt, "--round", "dev", "--seconds", "0.05",
                                       "--no-misses"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("note: 220 of 220 messages are among the labelled examples the "
                                    "router learns from: a regression score")
    dev = ["--round", "dev", "--unseen", "--seconds", "0.05", "--no-misses"]
    unseen = CliRunner().invoke(main, ["nlu", "eval", *learnt, *dev])
    assert unseen.exit_code == 0, unseen.output
    assert unseen.output.startswith("intent accuracy ")
