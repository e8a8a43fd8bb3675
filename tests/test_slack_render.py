"""The Slack adapter's pure translations: payload in, value out; no server."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from coachbot.domain.records import Delivery
from coachbot.domain.reports import Leaderboard, Period
from coachbot.platforms.slack.blocks import (
    action_name,
    fallback_text,
    render_blocks,
    render_messages,
    render_surface,
    with_share,
)
from coachbot.platforms.slack.chat import SlackChat
from coachbot.platforms.slack.client import make_client
from coachbot.platforms.slack.escape import escape, slack_text_to_plain, split_text
from coachbot.platforms.slack.incoming import message_key, slack_command_to_incoming, slack_event_to_incoming
from coachbot.platforms.slack.limits import MESSAGE_BLOCKS, SECTION_LIMIT
from coachbot.platforms.slack.modal import answer_modal, modal_answer
from coachbot.present import views
from coachbot.present.messages import Button, Message, Section, text

REVEAL = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def units(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def texts(blocks: list[dict]) -> list[str]:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            out.append(e["text"]["text"] if e.get("type") == "button" else e.get("text", ""))
    return out


def envelope(event: dict, event_id: str = "Ev1") -> dict:
    return {"type": "event_callback", "event_id": event_id, "team_id": "T1", "event": event}


# ---------------------------------------------------------------- cards


def test_lesson_card_has_header_sections_footer_and_a_marker(library):
    tip = next(iter(library.tips.values()))
    blocks = render_blocks(views.lesson(tip))
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == f"今日一课｜{tip.title}"
    assert blocks[0]["block_id"] == f"coachbot:lesson:{tip.id}"
    assert any(t.startswith("*今天试试*\n") for t in texts(blocks))
    assert blocks[-1]["type"] == "context"
    assert all(b["text"].get("verbatim") for b in blocks if b["type"] == "section")


def test_challenge_card_has_situation_customer_line_deadline_and_answer_button(library):
    ch = library.challenges["broken-promise"]
    blocks = render_blocks(views.challenge(ch, reveal_at=REVEAL, tz="Asia/Shanghai", reason=None))
    body = "\n".join(texts(blocks))
    assert "*情境*" in body and "*客户说*\n>" in body
    assert "16:00 公布参考答案" in body
    actions = [b for b in blocks if b["type"] == "actions"]
    assert actions[0]["elements"] == [{
        "type": "button", "text": {"type": "plain_text", "text": "回答 / Answer", "emoji": True},
        "action_id": "answer", "value": "broken-promise", "style": "primary"}]


def test_feedback_lists_criteria_and_quotes_violations(library):
    from coachbot.grading import grade_reply

    ch = library.challenges["broken-promise"]
    grade = grade_reply(ch, "你再不还钱我们就去你单位找你", library.shared)
    body = "\n".join(texts(render_blocks(views.feedback(grade, reason="violation", points=0, attempt=1))))
    assert "*合规问题*" in body and "「你再不还钱我们就去你单位找你」" in body
    assert "*逐项点评*" in body and "✗" in body


# ---------------------------------------------------------------- escaping


def test_user_text_cannot_ping_the_channel_or_mention_anyone():
    msg = Message(title="t", sections=(Section("<!channel> <!here|here> <@U123> & @here @Everyone", quote=True),))
    blocks = render_blocks(msg)
    out = json.dumps(blocks, ensure_ascii=False) + fallback_text(msg)
    assert "<!" not in out and "<@" not in out
    assert "&lt;!channel&gt;" in blocks[1]["text"]["text"]
    assert "@\u2060here" in blocks[1]["text"]["text"] and "@\u2060Everyone" in blocks[1]["text"]["text"]
    assert blocks[1]["text"]["text"].startswith(">&lt;")   # our quote marker, the member's text inert


def test_escape_handles_ampersands_first():
    assert escape("a&lt;b") == "a&amp;lt;b"


def test_slack_markup_becomes_what_the_member_typed():
    wire = "&lt;好&gt; &amp; <@U1|小王> <#C1|general> <https://x.cn|链接> <mailto:a@b.cn> <!here> <!subteam^S1|@组长>"
    assert slack_text_to_plain(wire) == "<好> & @小王 #general 链接 mailto:a@b.cn @here @组长"


# ---------------------------------------------------------------- limits


def test_long_section_is_split_at_lines_within_3000():
    lines = [f"第{i}行：" + "请先确认客户身份再谈欠款。" * 8 for i in range(80)]
    blocks = render_blocks(Message(sections=(Section("\n".join(lines), heading="很长"),)))
    chunks = [b["text"]["text"] for b in blocks]
    assert len(chunks) > 1 and all(units(c) <= SECTION_LIMIT for c in chunks)
    assert chunks[0].startswith("*很长*\n")
    assert "\n".join(chunks).replace("*很长*\n", "").split("\n") == lines


def test_one_huge_line_with_entities_and_emoji_is_cut_without_breaking_an_entity():
    raw = ("&<>" * 700) + ("😀" * 1600) + ("@here" * 300)
    chunks = split_text(raw)
    assert all(units(c) <= SECTION_LIMIT for c in chunks)
    assert "".join(chunks).replace("\u2060", "") == escape(raw).replace("\u2060", "")
    assert all(not c.endswith(("&", "&a", "&am", "&amp", "&l", "&lt", "&g", "&gt")) for c in chunks)


def test_many_sections_become_several_messages_of_at_most_50_blocks():
    msg = Message(title="小结", sections=tuple(Section(f"第 {i} 段") for i in range(120)))
    batches = render_messages(msg)
    assert [len(b) for b in batches] == [50, 50, 21]
    assert all(len(b) <= MESSAGE_BLOCKS for b in batches)


def test_many_buttons_spread_over_actions_blocks_with_unique_ids():
    msg = Message(buttons=tuple(Button(f"话术 {i}", "script", f"s{i}") for i in range(30)))
    actions = [b for b in render_blocks(msg) if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    ids = [e["action_id"] for a in actions for e in a["elements"]]
    assert len(set(ids)) == 30 and ids[3] == "script:3" and action_name(ids[3]) == "script"


def test_long_title_and_button_label_are_kept_within_limits():
    msg = Message(title="标题" * 100, buttons=(Button("很长的按钮" * 30, "script", "x"),))
    blocks = render_blocks(msg)
    assert blocks[0]["type"] == "section"
    label = blocks[-1]["elements"][0]["text"]["text"]
    assert units(label) <= 75 and label.endswith("…")


def test_home_surface_is_capped_at_100_blocks():
    blocks = render_surface([Message(sections=tuple(Section(str(i)) for i in range(60)))] * 3)
    assert len(blocks) == 100 and blocks[-1]["type"] == "context"
    assert not any("block_id" in b for b in blocks)


def test_fallback_text_is_short_and_escaped():
    msg = Message(title="<!here>", sections=(Section("字" * 10000),))
    fallback = fallback_text(msg)
    assert units(fallback) <= 3000 and fallback.startswith("【&lt;!here&gt;】")


# ---------------------------------------------------------------- incoming


def test_thread_reply_becomes_an_incoming_reply_keyed_by_message():
    event = {"type": "message", "channel": "C1", "user": "U1", "text": "我理解您 &amp; 的难处",
             "ts": "1700000002.000200", "thread_ts": "1700000001.000100", "channel_type": "channel"}
    incoming = slack_event_to_incoming(envelope(event))
    assert incoming.platform == "slack" and incoming.channel == "C1" and incoming.user == "U1"
    assert incoming.text == "我理解您 & 的难处"
    assert incoming.thread == "1700000001.000100"
    assert incoming.event_id == message_key("C1", "1700000002.000200")


def test_top_level_message_has_no_thread():
    event = {"type": "message", "channel": "C1", "user": "U1", "text": "好的", "ts": "1.1", "thread_ts": "1.1"}
    assert slack_event_to_incoming(envelope(event)).thread is None


def test_mention_and_its_message_copy_share_one_key_and_lose_the_mention():
    base = {"channel": "C1", "user": "U1", "text": "<@UBOT> 我的回答", "ts": "5.5", "thread_ts": "4.4"}
    mention = slack_event_to_incoming(envelope({**base, "type": "app_mention"}, "Ev1"), bot_user_id="UBOT")
    message = slack_event_to_incoming(envelope({**base, "type": "message"}, "Ev2"), bot_user_id="UBOT")
    assert mention == message and mention.text == "我的回答"


def test_bots_edits_and_joins_are_not_replies():
    base = {"type": "message", "channel": "C1", "user": "U1", "text": "x", "ts": "1.1"}
    assert slack_event_to_incoming(envelope({**base, "bot_id": "B2"})) is None
    assert slack_event_to_incoming(envelope({**base, "subtype": "bot_message"})) is None
    assert slack_event_to_incoming(envelope({**base, "subtype": "message_changed"})) is None
    assert slack_event_to_incoming(envelope({**base, "subtype": "channel_join"})) is None
    assert slack_event_to_incoming(envelope({**base, "user": "UBOT"}), bot_user_id="UBOT") is None
    assert slack_event_to_incoming(envelope({**base, "text": "<@UBOT>"}), bot_user_id="UBOT") is None
    broadcast = slack_event_to_incoming(envelope({**base, "subtype": "thread_broadcast", "thread_ts": "0.1"}))
    assert broadcast.thread == "0.1"


def test_slash_command_becomes_a_command_line():
    incoming = slack_command_to_incoming({"command": "/script", "text": " 爽约 ", "user_id": "U1", "channel_id": "C1"})
    assert (incoming.text, incoming.user, incoming.channel, incoming.event_id) == ("/script 爽约", "U1", "C1", None)


# ---------------------------------------------------------------- modal, share, pacing


def test_answer_modal_round_trips_channel_thread_and_text(library):
    view = answer_modal(library.challenges["broken-promise"], channel="C1", thread="1.1")
    assert view["callback_id"] == "answer" and units(view["title"]["text"]) <= 24
    assert view["blocks"][-1]["block_id"] == "answer"
    view["state"] = {"values": {"answer": {"text": {"type": "plain_text_input", "value": "您好"}}}}
    assert modal_answer(view) == ("C1", "1.1", "您好")


def test_only_lookups_without_buttons_get_a_share_button():
    board = views.leaderboard(Leaderboard(Period("week", None, None, "Asia/Shanghai"), "team", "t1", 0, (), None),
                              title="本周")
    assert with_share(board, "/leaderboard week").buttons == (Button("分享到频道", "share", "/leaderboard week"),)
    assert with_share(text("hi"), "/coach help").buttons == ()


def test_posts_are_paced_per_channel_and_private_messages_are_not():
    chat = SlackChat(make_client("xoxb-test", base_url="http://127.0.0.1:9/api/"))
    post = Delivery(key="k", platform="slack", route="post", payload={}, channel="C1")
    assert chat.pace(post) == ("channel:C1", 1.0)
    assert chat.pace(replace(post, route="dm", user="U1")) == ("dm:U1", 1.0)
    assert chat.pace(replace(post, route="tell", user="U1"))[1] == 0.0
