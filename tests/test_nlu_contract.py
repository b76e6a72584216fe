"""What every declared intent owes the router (handlers/nlu/README.md, "Adding an intent"): its
menu line and offer word reach it, it has labelled examples to learn from, and none of its words
ties with another intent's; and the declarations refuse what would be silently ignored."""
import functools
import re

import pytest

from handlers.capability import Intent, Offer, check_offers
from handlers.nlu.bayes import TRAINING_FILES, load
from handlers.nlu.policy import Policies, Routing
from handlers.nlu.route import Route
from handlers.nlu.router import Router
from handlers.nlu.vocabulary import Vocabulary
from handlers.registry import INTENTS, build_router
from models.settings import NluSettings

# Fewer and the examples' opinion of the intent is mostly its prior.
MIN_EXAMPLES = 20
TRAINING = {path.stem: path for path in TRAINING_FILES}


@functools.cache
def _router() -> Router:
    return build_router(NluSettings())


@pytest.mark.parametrize("intent", [i for i in INTENTS if i.usage], ids=lambda i: i.name)
def test_the_menu_line_and_its_command_route_to_the_intent(intent):
    command = intent.usage.split(" —— ")[0]
    assert _router().route(intent.usage).intent == intent.name
    assert _router().route(command).intent == intent.name


@pytest.mark.parametrize("intent", [i for i in INTENTS if i.offer], ids=lambda i: i.name)
def test_the_offer_word_routes_to_the_intent(intent):
    assert _router().route(intent.offer.word).intent == intent.name


@pytest.mark.parametrize("intent", INTENTS, ids=lambda i: i.name)
def test_each_intent_learns_from_its_own_file_of_examples(intent):
    rows = load(TRAINING[intent.name])
    assert len(rows) >= MIN_EXAMPLES
    assert {row["intent"] for row in rows} == {intent.name}
    assert all(row.get("set") for row in rows), "each row names the round it was written in"


def test_every_examples_file_is_a_declared_intent():
    assert set(TRAINING) == {intent.name for intent in INTENTS}


@pytest.mark.parametrize("intent", INTENTS, ids=lambda i: i.name)
def test_no_word_of_the_intent_ties_with_another_intents(intent):
    """A word two intents declare at the same weight is a coin toss; one of them should weigh more,
    or the word belongs to neither."""
    lexicon = _router().lexicon
    ties = [word for table in (lexicon.index, lexicon.single) for word, entries in table.items()
            if any(name == intent.name and weight > 0 and any(
                other != name and w == weight for other, w in entries) for name, weight in entries)]
    assert ties == []


def _vocabulary(**changes) -> Vocabulary:
    return Vocabulary("handlers.toy.vocabulary", **{"keywords": {"玩具": 3}, **changes})


@pytest.mark.parametrize("changes, message", [
    ({"keywords": {"": 3}}, "empty keyword"),
    ({"keywords": {"玩具": 0}}, "list it in disowns"),
    ({"patterns": {"玩(具": 2}}, "does not compile"),
    ({"slot_patterns": {"toy_kind": {"car": "车"}}}, "unknown slot 'toy_kind'"),
    ({"slot_words": {"toy_kind": {"car": ("小车",)}}, "slot_patterns": {"toy_kind": {"cat": "猫"}}},
     "unknown value 'cat'"),
    ({"slot_defaults": {"toy_kind": "car"}}, "unknown slot 'toy_kind'"),
])
def test_a_vocabulary_refuses_what_the_router_would_ignore(changes, message):
    with pytest.raises(ValueError, match=rf"^handlers\.toy\.vocabulary: .*{re.escape(message)}"):
        _vocabulary(**changes)


def _toy(**changes) -> Intent:
    fields = {"name": "toy", "usage": "玩具 —— 看看玩具", "offer": Offer("看看玩具", "玩具"),
              "public": True, "vocabulary": _vocabulary(), "routing": Routing(),
              "handle": _test_handle, **changes}
    return Intent(**fields)


def _test_handle(msg, ctx):
    raise AssertionError("never called")


@pytest.mark.parametrize("changes, message", [
    ({"usage": " "}, "empty usage line"),
    ({"offer": Offer("看看玩具", "")}, "needs a wish and a word"),
    ({"offer": None}, "exactly when it declares an offer"),
    ({"routing": Routing(has_slots=False),
      "vocabulary": _vocabulary(slot_words={"toy_kind": {"car": ("小车",)}})}, "has_slots=False"),
])
def test_an_intent_refuses_a_declaration_that_contradicts_itself(changes, message):
    with pytest.raises(ValueError, match=rf"^tests\.test_nlu_contract: intent toy: .*{re.escape(message)}"):
        _toy(**changes)


def test_an_offer_word_that_routes_elsewhere_stops_start_up_naming_the_module():
    with pytest.raises(ValueError, match=r"^tests\.test_nlu_contract: offer word '玩具' routes to unknown"):
        check_offers([_toy()], lambda text: Route("unknown"))


def test_routing_policies_that_contradict_each_other_are_refused():
    def declared(name, routing):
        return _toy(name=name, routing=routing, offer=None if not routing.offered else Offer("玩", "玩具"))

    fallback = declared("fallback", Routing(offered=False, has_slots=False, fallback=True))
    with pytest.raises(ValueError, match="exactly one intent must be the fallback"):
        Policies.of([declared("toy", Routing())])
    with pytest.raises(ValueError, match="^toy: Routing.outranks names nobody"):
        Policies.of([fallback, declared("toy", Routing(outranks=("nobody",)))])
    with pytest.raises(ValueError, match="both answered first; say which outranks the other"):
        Policies.of([fallback, declared("a", Routing(answered_first=True)),
                     declared("b", Routing(answered_first=True))])
