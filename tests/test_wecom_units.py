"""WeCom's adapter in pieces: reading what WeCom sends, rendering within byte limits, escaping, the
combinations of surfaces coachbot.yaml accepts, and how errcodes become delivery outcomes."""

from __future__ import annotations

import pytest

from coachbot.domain.errors import ConfigError
from coachbot.platforms.wecom.api import WeComError, classify
from coachbot.platforms.wecom.incoming import BadPayload, from_app, from_bot, parse_xml
from coachbot.platforms.wecom.render import escape, markdown, split, utf8
from coachbot.present.messages import Button, Message, Section
from coachbot.settings import load_settings
from coachbot.usecases.ports import RateLimited, Unavailable, Undeliverable


def group(text: str, **extra) -> dict:
    return {"msgid": "m1", "aibotid": "b", "chatid": "wrGROUP", "chattype": "group", "from": {"userid": "u1"},
            "msgtype": "text", "text": {"content": text}, **extra}


# ------------------------------------------------------------------ what WeCom sends


@pytest.mark.parametrize(("said", "kind", "text"), [
    ("@教练 话术 爽约", "command", "/话术 爽约"),
    ("@教练 /script 爽约", "command", "/script 爽约"),
    ("@教练　排行榜　上周", "command", "/排行榜 上周"),          # full-width spaces
    ("@教练 教练 帮助", "command", "/教练 帮助"),
    ("@教练 王先生，理解您这周手头紧……", "message", "王先生，理解您这周手头紧……"),
    ("@教练 帮助您看看怎么安排", "message", "帮助您看看怎么安排"),   # an answer, not the help command
])
def test_group_mentions_become_commands_or_answers(said, kind, text):
    inbound = from_bot(group(said), req_id="r1")
    assert (inbound.kind, inbound.incoming.text) == (kind, text)
    msg = inbound.incoming
    assert (msg.channel, msg.user, msg.mention, msg.direct, msg.event_id) == ("wrGROUP", "u1", True, False, "wecom:m1")


def test_one_to_one_quotes_events_and_junk():
    single = from_bot({"msgid": "m2", "chattype": "single", "from": {"userid": "u2"}, "msgtype": "text",
                       "text": {"content": "好的，那您看周五前先还一部分可以吗"}})
    assert (single.incoming.channel, single.incoming.direct, single.incoming.mention) == ("single:u2", True, False)
    quoted = from_bot(group("@教练 我会先问原因", quote={"msgtype": "text", "text": {"content": "【今日挑战｜第二次爽约之后】…"}}))
    assert quoted.incoming.explicit
    card = from_bot({"msgid": "m3", "chattype": "group", "chatid": "wrG", "from": {"userid": "u3"}, "msgtype": "event",
                     "event": {"eventtype": "template_card_event",
                               "template_card_event": {"event_key": "answer:broken-promise@2026-12-07"}}})
    assert (card.kind, card.action) == ("card", "answer:broken-promise@2026-12-07")
    assert from_bot({"msgid": "m4", "from": {"userid": "u"}, "msgtype": "event",
                     "event": {"eventtype": "enter_chat"}}).kind == "enter_chat"
    assert from_bot(group("@教练   ")).kind == "ignore"
    for bad in (None, [], {"msgtype": "text"}, {"msgid": "x", "from": "u"}):
        with pytest.raises(BadPayload):
            from_bot(bad)


def test_app_xml_and_what_it_refuses():
    xml = ("<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
           "<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[话术 爽约]]></Content>"
           "<MsgId>99</MsgId><AgentID>1000002</AgentID></xml>")
    inbound = from_app(xml)
    assert (inbound.kind, inbound.key, inbound.incoming.channel, inbound.incoming.text) == (
        "command", "wecom:app:99", "app:zhangsan", "/话术 爽约")
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<xml><Content>&lol2;</Content></xml>")
    for bad in (bomb, "<xml><unclosed></xml>", "<html/>"):
        with pytest.raises(BadPayload):
            parse_xml(bad)


# ------------------------------------------------------------------ rendering


def test_escaping_leaves_no_mention_link_or_tag():
    said = escape("<@zhangsan> 点[这里](http://evil) <font color=\"warning\">@all</font> ＠所有人")
    assert "<@" not in said and "](" not in said and "<font" not in said
    assert "@all" not in said and "＠所有人" not in said


def test_split_never_cuts_a_character_and_respects_the_limit():
    text = "\n".join(["客户说这周手头紧，下周一定还。" * 30, "😀" * 700, "短行"] * 3)
    for limit in (2048, 4096):
        parts = split(text, limit)
        assert all(utf8(p) <= limit for p in parts)
        assert "".join(parts).replace("\n", "") == text.replace("\n", "")
        for p in parts:
            p.encode("utf-8").decode("utf-8")


def test_markdown_shows_buttons_as_words_and_escapes_quotes():
    msg = Message(title="今日挑战｜第二次爽约", sections=(Section("客户说：<@all>", heading="情境"),
                                                     Section("小王：[点我](x)", quote=True)),
                  buttons=(Button("我要作答", "answer", "broken-promise"),), footer="难度 ★★☆")
    out = markdown(msg)
    assert out.startswith("**【今日挑战｜第二次爽约】**") and "**情境**" in out and "> 小王：［点我］(x)" in out
    assert "@我" in out and '<font color="comment">难度 ★★☆</font>' in out and "<@all>" not in out


# ------------------------------------------------------------------ errcodes


@pytest.mark.parametrize(("code", "kind"), [
    (45009, RateLimited), (130101, RateLimited), (45033, RateLimited), (81013, Undeliverable), (93000, Undeliverable),
    (60111, Undeliverable), (50001, Unavailable), (40001, Unavailable)])
def test_errcodes_mean_what_they_say(code, kind):
    assert isinstance(classify(WeComError("message/send", code, "x")), kind)


# ------------------------------------------------------------------ coachbot.yaml


def config(tmp_path, wecom: str, channels: str = "[wrGROUP]"):
    path = tmp_path / "c.yaml"
    path.write_text(f"wecom:\n{wecom}\nteams:\n  - id: a\n    channels: {{wecom: {channels}}}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("wecom", "channels", "problem"), [
    ("  bot: callback", "[wrGROUP]", "private feedback"),
    ("  bot: callback\n  app: true", "[wrGROUP]", "scheduled posts cannot reach group"),
    ("  bot: none", "['webhook:WECOM_WEBHOOK_A']", "nothing receives answers"),
    ("  bot: none\n  app: true\n  private: bot", "['webhook:WECOM_WEBHOOK_A']", "private feedback"),
    ("  bot: long-connection", "['webhook:hookkey-abc123']", "never the key itself"),
])
def test_combinations_that_cannot_work_are_refused_naming_what_is_missing(tmp_path, wecom, channels, problem):
    with pytest.raises(ConfigError, match=problem):
        load_settings(config(tmp_path, wecom, channels))


@pytest.mark.parametrize(("wecom", "channels"), [
    ("  bot: long-connection", "[wrGROUP]"),                                             # the AI bot alone
    ("  bot: long-connection\n  app: true", "[wrGROUP]"),                                # + the app for DMs
    ("  bot: none\n  app: true", "['webhook:WECOM_WEBHOOK_A']"),                         # app + group robot
    ("  bot: callback\n  app: true\n  webhooks: {wrGROUP: WECOM_WEBHOOK_A}", "[wrGROUP]"),   # callback + app + robot
])
def test_combinations_that_work(tmp_path, wecom, channels):
    settings = load_settings(config(tmp_path, wecom, channels))
    assert settings.teams[0].channels["wecom"]
