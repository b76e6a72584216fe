"""A notice listing people to a liaison or secretary stays within one message and says how
many it left out."""
from models.delivery.payloads import LIST_MAX_BYTES, numbered_list


def more(left: int) -> str:
    return f"\n另有{left}人未列出，请找支部查看核查报表。"


def test_a_short_list_is_numbered_in_full():
    text = numbered_list("【信息核对未确认】", ["张某明（138****1234），宁波", "李某华（139****5678），无锡"], 2, more)
    assert text == "【信息核对未确认】\n1. 张某明（138****1234），宁波\n2. 李某华（139****5678），无锡"


def test_a_long_list_stops_within_one_message_and_counts_the_rest():
    lines = [f"张某{n:03d}（138****{n:04d}），浙江省宁波市北仑区，14天没有联系" for n in range(200)]
    built = []

    def lazily():
        for line in lines:
            built.append(line)
            yield line

    text = numbered_list("【信息核对未确认】以下200名党员没有确认：", lazily(), len(lines), more)

    listed = text.count("\n") - 1
    assert len(text.encode("utf-8")) <= LIST_MAX_BYTES
    assert text.endswith(f"\n另有{200 - listed}人未列出，请找支部查看核查报表。")
    assert f"\n{listed}. 张某{listed - 1:03d}" in text
    assert len(built) == listed + 1  # the line that did not fit was the last one built
