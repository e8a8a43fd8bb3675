"""Written Cantonese and Hakka, Shanghainese (Wu), Hokkien (闽南), Henan, Shaanxi, Jin (晋语) and southwestern (川渝) words read as Mandarin, so rules and rubric evidence
written in Mandarin apply to them.

Agents in Guangdong and Hong Kong type replies the way they speak ("我唔建議你借網貸", "唔使再轉多一次").
Without this, a negation the rules know (不, 不要, 不用) is invisible in 唔/唔好/唔使, and a lawful reply that
rules borrowing out reads as pushing it. Every replacement keeps the length, so a span of the prepared text
still maps back to the characters the agent typed. Only a reply with a Cantonese marker is rewritten: 係 and
咁 also occur in Traditional Mandarin (關係).
"""

from __future__ import annotations

import re

_MARKERS = re.compile(r"[唔冇嘅喺佢咗嚟哋嗰啲𠊎]")

# Words first (longest wins), then single characters.
WORDS: dict[str, str] = {
    "唔好意思": "不好意思", "好唔好": "好不好", "唔係嘅話": "不然的话", "唔系嘅话": "不然的话", "唔係就": "不然就", "唔系就": "不然就", "唔該": "麻烦", "唔该": "麻烦", "唔使": "不用", "唔洗": "不用", "唔好": "不要", "唔會": "不会", "唔会": "不会",
    "屋企": "家里", "點樣": "怎样", "点样": "怎样", "邊度": "哪里", "边度": "哪里",
    "幾多": "多少", "几多": "多少", "所以先": "所以才", "覆返": "回复", "出糧": "发薪", "出粮": "发薪",
    "搞掂": "搞定", "得閒": "有空", "得闲": "有空", "返工": "上班", "聽日": "明天", "听日": "明天",
    "上晝": "上午", "上昼": "上午", "下晝": "下午", "下昼": "下午", "夜晚": "晚上", "琴日": "昨天",
    "尋日": "昨天", "寻日": "昨天", "咩嘢": "什么", "乜嘢": "什么", "點解": "为何", "点解": "为何",
    "係咪": "是否", "系咪": "是否", "傾計": "谈谈", "倾计": "谈谈",
    # 點會 "how would" is rhetorical: 我哋點會要你再還 = we would not; 個鐘 is an hour (每半個鐘打一次)
    "點會": "不會", "点会": "不会", "個鐘": "小時", "个钟": "小时",
    # Hakka (客家) shares most of these markers: 屋下 "home", 知得 "know", 等住 "wait and see"
    "屋下": "家里", "知得": "知道", "等住": "等着",
}
CHARS: dict[str, str] = {
    "唔": "不", "冇": "没", "𠊎": "我", "嘅": "的", "喺": "在", "佢": "他", "咗": "了", "嚟": "来", "啲": "些",
    "哋": "们", "嗰": "那", "睇": "看", "畀": "给", "俾": "给", "攞": "拿", "搵": "找", "揾": "找",
    "諗": "想", "谂": "想", "噉": "这", "啱": "对", "乜": "啥", "嘢": "事", "嬲": "气", "攰": "累",
    "咁": "这",
}
_WORD = re.compile("|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)))
_CHAR = re.compile("[" + "".join(CHARS) + "]")
# 係 is "is" in Cantonese but part of 關係/聯係 in Traditional Mandarin; typed in Simplified it is 系,
# read as 是 only after a pronoun (我系法院嘅) and not in 系统/系列.
_HAI = re.compile(r"(?<![關关聯联維维])係|(?<=[我你他佢们哋])系(?![统統列数數])")
_ERJIA = re.compile(r"(?<!然)而家")   # 而家 "now", not 然而 + 家人


# Southwestern and Xiang/Hubei Mandarin (Chengdu, Chongqing, Changsha, Wuhan): distinctive enough to read
# in any reply. 我也不得劝您去借网贷
# ("I won't urge you to borrow") must read as a refusal, 莫慌 as 别慌.
SOUTHWEST: dict[str, str] = {"啥子": "什么", "咋个": "怎么", "晓得": "知道", "莫得": "没有", "冇得": "没有", "么子": "什么"}
_SOUTHWEST = re.compile(
    "|".join(map(re.escape, SOUTHWEST)) + r"|不得(?=劝|叫|让|逼)|莫(?=慌|急|怕|担心|去|借|找|打|说|着急|赌气|想|为|哭|再|让|跟|拖|客气|怪|开|碰|沾)"
    # 屋里 "home" after a pronoun (到你屋里门口, 你屋里人); elsewhere it is also Mandarin "in the room"
    r"|(?<=[你您他她们們])屋[里裡]"
)
_SOUTHWEST_AS = {"不得": "不会", "莫": "别", "屋里": "家里", "屋裡": "家裡"}


# Shanghainese (Wu) as agents in Shanghai type it: 侬 "you", 阿拉 "we", 覅 "don't", 搿 "this", a closing 伐 "?".
# Only a reply with one of those markers is rewritten (明朝 and 屋里 are Mandarin words too).
_WU_MARKERS = re.compile(r"[侬儂覅搿]|阿拉(?!伯)")
WU: dict[str, str] = {
    "阿拉": "我们", "是伐": "是吗", "好伐": "好吗", "对伐": "对吗", "有伐": "有吗", "事体": "事情", "屋里": "家里",
    "今朝": "今天", "明朝": "明天", "昨日": "昨天", "爷娘": "父母", "哪能": "怎么", "辰光": "时候", "用场": "用处",
    "交关": "非常", "啥人": "哪个", "侬": "你", "儂": "你", "覅": "别", "搿": "这", "伊": "他",
}
_WU = re.compile("|".join(sorted(map(re.escape, WU), key=len, reverse=True)) + r"|(?<![采讨步征砍杀])伐(?=[，。？！,.?!…~～\s]|$)")


# Hokkien-flavoured Mandarin (Xiamen, Taiwan): 免 "don't / no need" before a verb (免急着去借网贷, 就免一直打给您),
# 厝 "home" (打去您厝里, 去你们厝找他, 厝内人 "the household"). Read in any reply: 免 only before these verbs
# (never 免费, 减免, 免去利息), 厝 only after a pronoun or before a word of place.
_HOKKIEN = re.compile(
    r"免(?=急|着急|著急|担心|擔心|紧张|緊張|烦恼|煩惱|客气|客氣|一直|为了|為了|去借|去找|借|怕|惊|驚|再打|再借|再去|操心)"
    r"|厝[内內]人|(?<=[你您们們他她咱阮])厝|厝(?=里|裡|內|内|边|邊)"
    # Teochew 无 "not" before a verb of will (我无想叫你再还一遍, 无要吓你, 约定日前就无再打), and 胶己 "oneself"
    r"|[无無](?=想|要|再|需要|敢)|[胶膠]己"
    # Hainanese 毋 "not" likewise (我毋是要您再还一遍, 千万毋要去借); 毋庸 and 毋须 are left as they are
    r"|毋(?=是|要|用|使|会|會|敢|想|建|好|能)"
)
_HOKKIEN_AS = {"免": "别", "厝": "家", "厝内人": "家里人", "厝內人": "家裡人", "无": "不", "無": "不", "毋": "不", "胶己": "自己",
               "膠己": "自己"}

# Henan (中原官话) as agents in Zhengzhou type it: 恁 "you", 俺 "I/we", 木有 "have not", 白 "don't" before a verb,
# 哩 for 的. Only a reply with one of those markers is rewritten (白 and 哩 are ordinary characters elsewhere).
_HENAN_MARKERS = re.compile(r"[恁俺]|木有|中不中|弄啥")
_HENAN = re.compile(
    r"木有|恁|俺|哩|白(?=急|恼|惱|担心|擔心|着急|著急|怕|去|借|再|慌|自责|自責|为了|為了|想|打|跑|生气|生氣)"
)
_HENAN_AS = {"木有": "没有", "恁": "您", "俺": "我", "哩": "的", "白": "别"}

# Shaanxi (关中话): 嫑 "don't" is 别 (it has no other use), 额们 "we" is 我们, and 额 "I" is 我 where a verb
# follows it as a subject (额就给你单位打电话), never the second character of an amount (金额, 余额/餘額, 总额,
# 名额, 款额, 小额 …) nor 额度, 额外. Typed before Traditional is folded, so both scripts are listed.
_AMOUNT_BEFORE_E = "金余餘差份定超面总總数數全限配税稅名款缺欠巨高低小大减減增票销銷易费費业業"
_SHAANXI = re.compile(
    rf"嫑|额们|額們|(?<![{_AMOUNT_BEFORE_E}])[额額](?=[就给給跟看这這说說也不是知能帮幫把先再会會要让讓直])"
)
_SHAANXI_AS = {"嫑": "别", "额们": "我们", "額們": "我們", "额": "我", "額": "我"}


# Jin (晋语) as agents in Taiyuan and Hohhot type it: 寻 "look for" before whom or what is sought (寻你们单位人事,
# 寻着), 婆姨 "wife", 解下 "understand" after 我/能. Read in any reply (寻找, 寻求 and 解下领带 are left alone).
_JIN = re.compile(r"寻(?=你|您|他|她|人|着|著|到|亲戚|朋友|工友|同事|单位)|尋(?=你|您|他|她|人|着|著|到|親戚|朋友|工友|同事|單位)"
                  r"|婆姨|(?<=[我能])解下|解不下")
_JIN_AS = {"寻": "找", "尋": "找", "婆姨": "老婆", "解下": "明白", "解不下": "不明白"}


def as_mandarin(text: str) -> str:
    """``text`` with written Cantonese and Hakka, Wu, Hokkien, Henan, Shaanxi, Jin and southwestern words replaced
    by Mandarin ones of the same length."""
    text = _SOUTHWEST.sub(lambda m: SOUTHWEST.get(m.group()) or _SOUTHWEST_AS[m.group()], text)
    text = _HOKKIEN.sub(lambda m: _HOKKIEN_AS[m.group()], text)
    text = _JIN.sub(lambda m: _JIN_AS[m.group()], text)
    text = _SHAANXI.sub(lambda m: _SHAANXI_AS[m.group()], text)
    if _HENAN_MARKERS.search(text):
        text = _HENAN.sub(lambda m: _HENAN_AS[m.group()], text)
    if _WU_MARKERS.search(text):
        text = _WU.sub(lambda m: WU.get(m.group(), "吗"), text)
    if not _MARKERS.search(text):
        return text
    out = _WORD.sub(lambda m: WORDS[m.group()], text)
    out = _ERJIA.sub("现在", _CHAR.sub(lambda m: CHARS[m.group()], out))
    return _HAI.sub("是", out)
