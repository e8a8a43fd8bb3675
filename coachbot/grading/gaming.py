"""Replies that try to game the rubric: too short, or keywords without sentences."""

from __future__ import annotations

import re

from coachbot.grading.prepared import Prepared

MIN_CHARS = 10
_SEGMENT_SPLIT = re.compile(r"[\s,.!?;:、，。！？；：/|+\-]+")
# Numbers are written "1,580 元", "晚上 8 点", "138-1234-5678": join them before splitting.
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3})")
_NUMBER_GAP = re.compile(r"(?<=\d)[ \-]+(?=\d)|(?<=\d) +(?=\S)|(?<=\S) +(?=\d)")
_CLOCK = re.compile(r"(?<=\d)[:：](?=\d)")
MAX_SPAN_CREDIT = 6
# Words that make a string of keywords into something said to a person.
_SENTENCE_MARKERS = re.compile(r"您|你|我|咱|吗|呢|吧|请|的|了|是|能|会|可以|好|要|在|有|就|这|那")


def too_short(reply: Prepared) -> bool:
    return len(reply.flat) < MIN_CHARS


def keyword_list(reply: Prepared, covered: int) -> bool:
    """True when the reply reads as a list of terms rather than sentences.

    ``covered`` is how many characters of ``reply.flat`` rubric phrases matched
    (each match credited at most ``MAX_SPAN_CREDIT`` characters, so a long
    regular-expression match does not make a sentence look like a keyword).
    Short friendly clauses (好的，20号1500元，谢谢您，再见) are sentences: a
    segment counts as a bare term only when it is short and has no word that
    addresses a person or carries the sentence.
    """
    joined = _NUMBER_GAP.sub("", _THOUSANDS.sub("", _CLOCK.sub("", reply.display)))
    segments = [s for s in _SEGMENT_SPLIT.split(joined) if s]
    if not segments:
        return True
    bare = [s for s in segments if len(s) <= 5 and not _SENTENCE_MARKERS.search(s)]
    if len(segments) >= 4 and len(bare) / len(segments) >= 0.6:
        return True
    markers = len(_SENTENCE_MARKERS.findall(reply.flat))
    if markers < max(2, len(reply.flat) // 25):
        return True
    return len(reply.flat) > 0 and covered / len(reply.flat) > 0.75
