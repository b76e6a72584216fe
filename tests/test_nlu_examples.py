"""The router's second opinion (``handlers.nlu.bayes``): what the labelled examples teach it, how a
deployment adds its own, and that what they teach carries over to the sealed rounds they do not
hold."""
import json

import pytest

from handlers.nlu import clauses, decision
from handlers.nlu.bayes import SEALED_FILES, TRAINING_FILES, ExampleModel, load, ngrams
from handlers.nlu.evaluate import evaluate
from handlers.nlu.policy import Policies
from handlers.nlu.route import Route
from handlers.nlu.router import Router
from handlers.registry import INTENTS
from handlers.settings_check import check_settings
from models.settings import ConfigError, NluSettings, load_settings


@pytest.fixture(scope="module")
def router():
    return Router(INTENTS, NluSettings())


def test_ngrams_stay_inside_clauses():
    assert ngrams("交党费 积分") == {"交", "党", "费", "交党", "党费", "交党费", "积", "分", "积分"}


def test_the_model_favours_the_intent_whose_examples_share_the_characters():
    model = ExampleModel.train([("交党费", "dues"), ("党费交到几月", "dues"), ("积分多少", "points"),
                                ("查积分", "points"), ("今天天气", "unknown")])
    opinion = model.posteriors("党费怎么交")
    assert max(opinion, key=opinion.get) == "dues"
    assert sum(opinion.values()) == pytest.approx(1.0)
    assert model.telling("党费怎么交", "dues")[0] in {"党费", "党", "费"}
    # nothing the examples hold: no opinion at all (not the priors, which would favour dues)
    assert model.posteriors("🙂") == {} and model.posteriors("Москва") == {}


def test_no_examples_is_an_error_not_an_empty_model():
    with pytest.raises(ValueError, match="no labelled examples"):
        ExampleModel.train([])


def test_a_broken_examples_file_names_the_line(tmp_path):
    path = tmp_path / "ours.jsonl"
    path.write_text('{"text": "交党费", "intent": "dues"}\n\n{"text": "没有标注"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"ours.jsonl:3: needs"):
        load(path)
    path.write_text('{"text": "交党费", "intent": "dues"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"ours.jsonl:2: not JSON"):
        load(path)


@pytest.mark.parametrize("text, intent, slots", [
    # no keyword names these; the examples recognise the kind of message
    ("站点扣了我八百块罚款 说超时 这钱能要回来不", "help_request", {"help_topic": "wages"}),
    ("合伙的买卖 那人把钱都拿走了", "help_request", {"help_topic": "legal"}),
    # what is negated is not judged: the member is not asking about points
    ("我不是问积分 我娘一个人在家摔了一跤没人管", "help_request", {"help_topic": "elderly"}),
    # only the first request is judged; the second is offered
    ("我爹住院了 另外积分咋查", "help_request", {"help_topic": "medical"}),
])
def test_examples_route_what_keywords_miss(router, text, intent, slots):
    route = router.route(text)
    assert (route.intent, route.slots) == (intent, slots)


def test_a_deployment_teaches_its_own_words_from_config(tmp_path):
    """A district calls its online branch meeting 集结号: a few labelled lines in a file named by
    ``nlu.example_files`` teach the router, with no code."""
    before = Router(INTENTS, NluSettings()).route("云端集结号")
    assert before.intent == "unknown"
    ours = tmp_path / "ours.jsonl"
    lines = ["今晚集结号几点开始", "集结号在哪进", "这周的集结号我参加不了", "集结号开完了吗",
             "下次集结号啥时候", "集结号的链接发我一下", "集结号要签到吗", "我错过了昨天的集结号"]
    ours.write_text("".join(json.dumps({"text": t, "intent": "org_life"}, ensure_ascii=False) + "\n"
                            for t in lines), encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"nlu:\n  example_files: [{ours}]\n", encoding="utf-8")
    after = Router(INTENTS, load_settings(config).nlu).route("云端集结号")
    assert after.intent == "org_life"


def test_a_missing_or_broken_examples_file_stops_the_config(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(f"nlu:\n  example_files: [{tmp_path / 'nowhere.jsonl'}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nlu.example_files"):
        load_settings(config)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{oops\n", encoding="utf-8")
    config.write_text(f"nlu:\n  example_files: [{broken}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.jsonl:1"):
        check_settings(load_settings(config))  # what the lines hold: checked as a process starts


def test_the_sealed_rounds_are_never_learnt_from():
    learnt = {row["id"] for path in TRAINING_FILES for row in load(path)}
    sealed = [row["id"] for path in SEALED_FILES for row in load(path)]
    assert len(sealed) >= 1000 and not learnt & set(sealed)


def test_what_the_examples_teach_carries_over_to_the_sealed_rounds(router):
    """The last two rounds (T–Y, handlers/nlu/sealed/), written by helpers who had not seen the
    router and never learnt from: held-out 99.6% intent (1315 of 1320) and 97.8% slots (494 of
    505) when they were sealed. Each round alone stays at the floors it was first held to."""
    rows = {path.name: load(path) for path in SEALED_FILES}
    report = evaluate(router, [row for round_ in rows.values() for row in round_], min_seconds=0)
    assert report.accuracy >= 0.99, report.misses
    assert report.slot_accuracy >= 0.97, report.slot_misses
    for name, round_ in rows.items():
        alone = evaluate(router, round_, min_seconds=0)
        assert alone.accuracy >= 0.95 and alone.slot_accuracy >= 0.93, name


def test_a_close_call_between_a_resemblance_and_a_named_request_is_asked():
    """The examples alone favour one intent and a keyword names another, nearly as strong: the
    member is asked, the resembled intent first (it has no place in the text to order it by)."""
    hits = [decision.Hit("activity_report", decision.EXAMPLES, 3.0, 0),
            decision.Hit("help_request", "买药", 2.8, 8, 10)]
    route = decision.decide({"activity_report": 3.0, "help_request": 2.8}, hits,
                            clauses.analyse("帮楼下的独居老人买药送药", Policies.of(INTENTS)), {"help_request"},
                            alone=lambda start, end: Route("unknown"))
    assert route.clarify and [route.intent, *route.alternatives] == ["activity_report", "help_request"]
