"""The rubric grader: scores, explanations, red flags, gaming, text folding."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.grading import grade_reply
from coachbot.grading.calibrate import calibrate

GOOD = ("王先生，理解您这周手头紧。不过上周五您说发工资就还，到现在还没到账，想先了解一下这次是遇到什么情况了？"
        "如果全额有困难，您看周五前能不能先还1000元？我跟您确认一下，周五前还1000元，对吗？我给您备注上。")


@pytest.fixture(scope="module")
def grade(library):
    challenge = library.challenges["broken-promise"]
    return lambda text: grade_reply(challenge, text, library.shared)


def test_good_reply_passes_and_every_point_is_explained(grade):
    g = grade(GOOD)
    assert g.passed and g.score >= 80
    for c in g.criteria:
        if c.met:
            assert c.points == c.max_points and c.evidence and c.feedback is None
        else:
            assert c.points == 0 and c.evidence is None and c.feedback
    assert sum(c.points for c in g.criteria) * 100 // sum(c.max_points for c in g.criteria) in (g.score, g.score - 1)


def test_traditional_reply_grades_like_simplified(grade):
    traditional = ("王先生，理解您這週手頭緊。不過上週五您說發工資就還，到現在還沒到賬，想先了解一下這次是遇到什麼情況了？"
                   "如果全額有困難，您看週五前能不能先還1000元？我跟您確認一下，週五前還1000元，對嗎？我給您備註上。")
    assert grade(traditional).as_json()["score"] == grade(GOOD).score
    assert [c.met for c in grade(traditional).criteria] == [c.met for c in grade(GOOD).criteria]


def test_width_punctuation_and_spacing_do_not_matter(grade):
    noisy = GOOD.replace("1000", "１０００").replace("，", " , ").replace("。", "!!  ").replace("？", "? ")
    assert grade(noisy).score == grade(GOOD).score


def test_missing_critical_criterion_fails_whatever_the_total(grade, library):
    text = "王先生，理解您手头紧，上周五您说会还款还没到账，这次是遇到什么情况了？我给您备注一下，逾期会按规定报送征信。"
    g = grade(text)
    assert not g.passed
    assert g.score < library.challenges["broken-promise"].pass_score
    assert [c.id for c in g.criteria if not c.met] == ["concrete-plan"]
    assert "具体的日期和金额" in (g.hint or "")


@pytest.mark.parametrize("text, category", [
    ("王先生，不还就让你坐牢，上周说好的为什么没还？", "threat"),
    ("你这个老赖，上次说好还款为什么又没还？理由呢？", "insult"),
    ("我们是法院的，上周您说还款为什么没还，什么原因？", "impersonation"),
    ("理解您，但再不还我们就通知你单位领导，这次什么原因没还？", "third-party-disclosure"),
    ("这次什么原因？再不还你孩子以后考公政审都过不了。", "false-consequence"),
    ("什么原因没还？不还我们就每天给你打电话，打到你还为止。", "harassment"),
    ("没钱就先去网贷借点钱还上，什么原因不还呢？", "debt-inducement"),
])
def test_each_violation_category_scores_zero_and_quotes_the_words(grade, text, category):
    g = grade(text)
    assert g.score == 0 and not g.passed
    cats = {v.category for v in g.violations}
    assert category in cats
    v = next(v for v in g.violations if v.category == category)
    assert (v.evidence and v.evidence in text.replace(" ", "")) or v.evidence in text
    assert v.rule


@pytest.mark.parametrize("text", [
    "王先生您放心，我们不会联系您的同事，也不会上门打扰您。这次是什么原因没还上呢？周五前能先还1000元吗？",
    "我不是法院的，是银行委托的客服。理解您手头紧，上周说好的款还没到账，方便说说原因吗？周五前先还一部分可以吗？",
    "理解您，上周约定的还没到账，是遇到什么情况了？逾期会按规定报送征信，银行有权依法起诉，所以周五前先还1000元好吗？",
    "我们不建议您去借网贷来还，上周说好的还款这次是什么原因没到账呢？您看周五能先还500元吗？",
])
def test_disclaimers_and_lawful_consequences_are_not_violations(grade, text):
    g = grade(text)
    assert g.violations == (), [v.as_json() for v in g.violations]


def test_keyword_list_does_not_pass(grade):
    for text in ("理解 上周 原因 周五 1000元 确认 备注 征信",
                 "理解、上周承诺、原因、周五、1000元、确认、备注、征信、分期、依法"):
        g = grade(text)
        assert not g.passed and g.verdict == "keyword_list", text


def test_reply_under_ten_characters_is_too_short(grade):
    g = grade("好的，下周再说")
    assert g.verdict == "too_short" and g.score == 0 and not g.passed
    assert "太短" in g.notes[0]


def test_all_shipped_examples_fall_inside_their_band(library):
    results = calibrate(library)
    outside = [(r.challenge, r.example.label, r.grade.score, r.example.band) for r in results if not r.inside]
    assert len(results) >= 4 * len(library.challenges)
    assert outside == []


def test_cli_grade_json_is_exactly_one_object_with_the_contract_keys():
    out = CliRunner().invoke(main, ["grade", "broken-promise", "--json", "--text", GOOD])
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert {"challenge", "score", "passed", "criteria", "violations"} <= set(data)
    assert data["challenge"] == "broken-promise" and isinstance(data["score"], int) and 0 <= data["score"] <= 100
    for c in data["criteria"]:
        assert set(c) == {"id", "label", "met", "points", "max_points", "evidence", "feedback"}


def test_cli_grade_reads_stdin_when_text_absent():
    out = CliRunner().invoke(main, ["grade", "broken-promise", "--json"], input=GOOD)
    assert json.loads(out.output)["passed"] is True


def test_cli_grade_refuses_a_reply_that_is_not_utf8_with_a_clear_error():
    out = CliRunner().invoke(main, ["grade", "broken-promise"], input=GOOD.encode("gbk"))
    assert out.exit_code == 2 and "not UTF-8" in out.output and "iconv" in out.output
    assert "Traceback" not in out.output
    bom = CliRunner().invoke(main, ["grade", "broken-promise", "--json"], input=b"\xef\xbb\xbf" + GOOD.encode())
    assert json.loads(bom.output)["passed"] is True          # a BOM from Windows Notepad is fine


def test_cli_grade_unknown_challenge_exits_2_with_suggestions():
    out = CliRunner().invoke(main, ["grade", "broken-promis", "--text", GOOD])
    assert out.exit_code == 2
    assert "broken-promise" in out.output


def test_cli_calibrate_reports_per_challenge_and_overall(library):
    out = CliRunner().invoke(main, ["calibrate"])
    assert out.exit_code == 0, out.output
    assert "broken-promise" in out.output
    assert out.output.strip().splitlines()[-1].startswith("overall: ")


def test_numbers_with_separators_and_spaces_are_not_a_keyword_list(grade):
    plain = grade(GOOD)
    spaced = grade(GOOD.replace("1000元", "1,000 元").replace("周五前", "周五 前"))
    assert spaced.verdict == plain.verdict == "ok"
    assert spaced.score == plain.score


def test_traditional_zhe_is_folded_so_threats_are_still_caught(grade):
    g = grade("你給我等著，上週說好的為什麼沒還？這次是什麼原因？")
    assert "threat" in {v.category for v in g.violations}


def test_traditional_zhang_matches_the_simplified_account_wording(library):
    # OpenCC turns 帳 into 帐; the rubric writes 入账 / 到账. Both must read the same.
    ch = library.challenges["straightforward"]
    trad = grade_reply(ch, "趙先生，今天還2600就行，下午三點前還的當天入帳，尾號6618這張卡。", library.shared)
    simp = grade_reply(ch, "赵先生，今天还2600就行，下午三点前还的当天入账，尾号6618这张卡。", library.shared)
    assert [c.met for c in trad.criteria] == [c.met for c in simp.criteria]
    assert trad.score == simp.score


@pytest.mark.parametrize("text, category", [
    ("你是不是想坐牢？上周说好的为什么没还？", "threat"),
    ("你能不能先去借点钱把这笔还上？这次是什么原因？", "debt-inducement"),
    ("你是不是骗子啊，上周说好的为什么又没还？", "insult"),
])
def test_a_not_a_questions_are_not_disclaimers(grade, text, category):
    assert category in {v.category for v in grade(text).violations}


def test_short_friendly_clauses_are_sentences_not_keywords(library):
    challenge = library.challenges["payment-confirmation"]
    g = grade_reply(challenge, "好的，20号1500元，用手机银行还就行，谢谢您，再见。", library.shared)
    assert g.verdict != "keyword_list"


@pytest.mark.parametrize("text, category", [
    ("这次什么原因没还？今天再不回电，我们将把你的欠款情况告知你的家人和单位。", "third-party-disclosure"),
    ("上周为什么没还？你再挂电话，我就直接打你们公司前台，让你们领导转告你。", "third-party-disclosure"),
    ("您要闹大是吧？行，那我们也把您欠钱不还的事跟您单位人事部门说清楚。", "third-party-disclosure"),
])
def test_leverage_beyond_not_paying_is_coercion(grade, text, category):
    """再不回电 / 再挂电话 / 要闹大是吧 used as leverage make the consequence a threat too."""
    cats = {v.category for v in grade(text).violations}
    assert category in cats and "threat" in cats


@pytest.mark.parametrize("text", [
    "您放心，您的工资卡不会被冻结。上周说好的还款是什么原因没到账呢？周五前能先还1000元吗？",
    "我们不会诱导您借新还旧或者套现。上周的还款是遇到什么情况了？周五前先还一部分可以吗？",
    "我们这边是银行不是法院，上周说好的还款还没到账，方便说说原因吗？周五前先还1000元好吗？",
])
def test_a_negation_inside_the_span_does_not_complete_a_match(grade, text):
    g = grade(text)
    assert g.violations == (), [v.as_json() for v in g.violations]


@pytest.mark.parametrize("text", [
    "他不在你就转告他欠了我们三千。",
    "他不在您也帮忙转告他欠了我们三千块",
])
def test_someone_absent_is_not_a_promise_about_when_not_to_call(library, text):
    """不在您工作时间打 promises; 他不在你就转告他欠了… tells a third party the debt, and is certain."""
    g = grade_reply(library.challenges["third-party"], text, library.shared)
    found = [v for v in g.violations if v.category == "third-party-disclosure"]
    assert found and all(v.certain for v in found), [v.as_json() for v in g.violations]


def _every_flag(library):
    """The shared red flags and every challenge's own."""
    return [*library.shared.red_flags, *(f for ch in library.challenges.values() for f in ch.red_flags)]


def _example_texts(library):
    """Every shipped example reply, prepared as the red flags read it."""
    from coachbot.grading.prepared import prepare

    return [prepare(ex.text).flat for ch in library.challenges.values() for ex in ch.examples]


# Flags whose patterns need to see a clause's edge (`$`, a look-behind that must see a character): searched
# clause by clause without prefilter probes. A new pattern like that silently slows its whole flag.
WITHOUT_PROBES = {"implied-impersonation", "official-unit"}


def test_only_known_flags_lose_their_prefilter_probes(library):
    from coachbot.grading.flags import compile_flag

    flags = _every_flag(library)
    unprobed = {f.id for f in flags if not compile_flag(f).probes}
    assert unprobed == WITHOUT_PROBES, "end a pattern with (?![^|]) rather than $ to keep its flag's probes"


def test_first_character_lookahead_keeps_matches_identical(library):
    """compile_flag leads each alternation with a look-ahead on its possible first characters
    (for speed); it must find exactly what the plain alternation finds."""
    import re

    from coachbot.grading.flags import _alternation

    texts = _example_texts(library)
    flags = _every_flag(library)
    for flag in flags:
        for patterns in (flag.patterns, flag.unless):
            if not patterns:
                continue
            plain = re.compile("|".join(f"(?:{p})" for p in patterns))
            for shipped in (True, False):   # on re, and on the budgeted regex engine a team's own content uses
                fast = _alternation(patterns, flag.id, shipped)
                for t in texts:
                    assert [m.span() for m in plain.finditer(t)] == [m.span() for m in fast.finditer(t)], flag.id
    assert _alternation(("(你|您)?滚", "a*"), "t", True).pattern == "(?:(你|您)?滚)|(?:a*)"   # may match empty
    assert _alternation(("[^|]滚",), "t", True).pattern == "(?:[^|]滚)"                   # any first character
    assert _alternation(("(?<!不)(你|您)滚",), "t", True).pattern.startswith("(?=[你您])")


def test_led_condition_words_find_what_the_plain_ones_find_in_every_window(library):
    """The condition and leverage words are searched in short windows around each candidate match; led by a
    look-ahead on their first characters (for speed), they must find exactly the same match in any window."""
    import re

    from coachbot.grading import flags

    texts = _example_texts(library)
    texts += ["如三日内未补还我司将向贵单位发函", "你敢投诉我就发到群里", "凑不齐我就打给你爸妈", "届时相关后果由您承担"]
    for led in (flags._CONDITION, flags._LEVERAGE):
        assert led.pattern.startswith("(?=[")
        plain = re.compile(led.pattern[led.pattern.index("])(?:") + 5:-1])
        found = 0
        for t in texts:
            for a in range(0, len(t), 3):
                for b in (a + 8, a + 15, a + 30, len(t)):
                    got, want = led.search(t, a, b), plain.search(t, a, b)
                    assert (got and got.span()) == (want and want.span()), (t, a, b)
                    found += want is not None
        assert found > 50   # the windows do hold condition and leverage words


def test_a_threatening_flag_is_also_reported_as_a_threat_without_a_condition():
    from coachbot.content.models import RedFlag
    from coachbot.grading.flags import compile_flag
    from coachbot.grading.grader import find_violations
    from coachbot.grading.prepared import prepare

    seize = RedFlag(id="t-seize", category="false-consequence", label="编造查封", rule="r", patterns=("查封",))
    reply = prepare("您名下的房子下周查封。")
    plain = find_violations(reply, (compile_flag(seize),))
    threatening = find_violations(reply, (compile_flag(RedFlag(**{**seize.__dict__, "threatening": True})),))
    assert {v.category for v in plain} == {"false-consequence"}
    assert {v.category for v in threatening} == {"false-consequence", "threat"}


def test_feedback_names_each_quoted_span_once_with_all_its_categories(grade):
    g = grade("你再不还，我们就打电话到你单位，让你领导知道你是个老赖。")
    quotes = [f.evidence for f in g.findings]
    assert len(quotes) == len(set(quotes))
    assert sum(len(f.violations) for f in g.findings) == len(g.violations)
    assert all(not (a in b or b in a) for i, a in enumerate(quotes) for b in quotes[i + 1:])
    boss = next(f for f in g.findings if "领导" in f.evidence)
    assert {"insult", "third-party-disclosure"} <= set(boss.categories)
    assert len(g.notes) == 1 and all(g.notes[0].count(f"「{q}」") == 1 for q in quotes)
    out = g.as_json()["findings"]
    assert [f["evidence"] for f in out] == quotes and all(f["certain"] is True for f in out)


# Classes of error seen on blind sets written apart from the rubrics (the sentences here are written for the tests).
LAWFUL_CLASSES = [
    ("borrow-to-repay", "您的心意我明白，不过我不推荐借钱来还，不管是网贷、刷别的卡，还是找亲戚朋友借，都可能让您背上更贵的债。"),
    ("unable-to-pay", "最要紧的一点，请您不要去借网贷或者找亲戚朋友借钱来还我们，我们先看看分期。"),
    ("borrow-to-repay", "网贷您可甭去借，利息太高了，月底工资到了先还最低还款就行。"),
    ("complaint-threat", "您可以拨打国家金融监管总局的投诉热线12378反映，银行这边会积极配合监管的调查。"),
    ("fee-dispute", "这几项费用都是按合约和监管规定收取的，每期账单上都有列明，我一项一项跟您核对。"),
    ("broken-promise", "没关系，等您工资到了我们在约个时间，您看下周三下午在联系您可以吗？"),
    ("lost-job", "工作没了确实是大事，先照顾好自己，分期的事我这周帮您提交。"),
    ("hesitant", "您跟爱人商量一下也好，如果消费主要用于家庭日常开销，法律上有可能被认定为夫妻共同债务。"),
    ("stop-calling", "换成谁都不愿意被不停地打电话，这个我懂，我们定个日子，之前我就不打了。"),
    ("already-paid", "您把回单发我，我这边找财务那边核实，您不用再跑一趟。"),
    ("stop-calling", "打不打电话是系统自动派单的，不过您定了日期，我就在系统里标注暂停。"),
    ("borrow-to-repay", "何生，我唔建議你借網貸嚟還，利息好重，月底出糧先還最低還款就得。"),
    ("lost-job", "我唔會叫你問屋企人借錢，你搵到工之前，我哋可以傾下分期。"),
    ("deceased", "真係對唔住，系統未登記所以先會繼續打嚟，之後唔會再打呢個號碼。"),
    ("wrong-time-callback", "晚上11点我们这边真打不了，公司规定晚上10点以后不打，明天上午10点半再打给您。"),
    ("unable-to-pay", "莫慌哈，我也不得劝你去借网贷或者找亲戚凑钱，先还两三百都要得。"),
    ("angry-debtor", "您给我一个日子和金额，我记录在案，那天之前就不再打给您。"),
    ("late-stage", "如果一直协商不成，银行有权依法起诉，由法院审理判决，这个我要如实告诉您。"),
    # a reviewer's lawful sentences that an earlier draft of this round's patterns accused
    ("wrong-time-callback", "好的，那我一个小时后再打给您。"),
    ("complaint-threat", "需要的话我帮您换个同事联系您。"),
    ("identity-dispute", "我们会配合警方办案，您先去派出所报案。"),
    ("first-contact", "最近有不法分子以法院、公安的名义打电话诈骗，您多留意。"),
    ("late-stage", "您放心，法务部那边不会起诉，我们先协商。"),
    ("first-contact", "现在骗子都这样冒充银行打电话，您谨慎是对的。"),
    ("deceased", "您做女儿的真不容易。"),
    ("already-paid", "老人家年纪大了记性不好，我们帮您查。"),
    ("lost-job", "失业不一定是您的能力问题。"),
    ("late-stage", "单纯逾期不会被列入失信被执行人。"),
    ("early-reminder", "按规定您今天要还清本期最低还款额。"),
    ("complaint-threat", "您的意见我立即上报给主管。"),
    ("lost-job", "您可以先跟老板沟通一下拖欠工资的事。"),
    ("hesitant", "您可以让您家里人也看看这个分期方案，一起拿主意。"),
    ("borrow-to-repay", "唔好意思，我唔建議你借網貸，好唔好等出糧先還最低還款？"),
    ("borrow-to-repay", "呃何先生，您别，别去借网贷啊，我真不建议，先还五百最低还款就行。"),
    ("angry-debtor", "呃刘先生，您这张卡欠款五千六，逾期十五天了，您看哪天方便处理？"),
    ("stop-calling", "马女士您说得对 反复打电话谁都烦 那咱们今天一次说清楚 之前我不再来电"),
    ("hardship-medical", "您先照顾好叔叔 我这周再联系您 不会在您陪床的时候一直打"),
    ("hesitant", "行 商量一下没问题 不过咱定个时间 不然拖着拖着就忘了"),
    ("lost-job", "先跟您港，千万莫为了还我们去借网贷，我们一起看有冇别的办法。"),
    ("already-paid", "您莫急，我绝对冇得要您再还一遍的意思。"),
    ("emotional", "我们先定个小目标，让账户不再往上滚。"),
    ("fee-dispute", "减免的事我做不了主，不过可以替您写个申请，转给负责审核的部门，审批结果出来我第一时间告诉您。"),
    ("wrong-time-callback", "夜里十一点再打给您不太合适，我们改到明天中午十二点半，您看行吗？"),
    ("deceased", "实在抱歉，家里的情况我们之前不知道，所以电话一直打过来，打扰您了。"),
    ("deceased", "这个情况我得请示一下我们领导，明天给您答复。"),
    ("early-reminder", "大哥您这人爽快，一点不磨叽，那咱就今天下午还上。"),
    ("third-party", "按照《征信业管理条例》的要求，账户的事我只能跟本人讲，麻烦您转告他回个电话。"),
    ("complaint-threat", "那您投诉吧，我这边把今天的通话情况如实记下来。"),
    ("borrow-to-repay", "找朋友借钱来还这张卡，这个办法我劝您慎重，咱们先看看分期。"),
    ("angry-debtor", "好嘞😂，那咱就约周五下午三点还款，可以吗？"),
    ("borrow-to-repay", "免急着去借网贷啦，利息很重，我们先约月底还最低还款。"),
    ("emotional", "没关系，我帮您备注，这几天就免一直打给您了。"),
    ("wrong-time-callback", "公司规定晚上十点以后不打电话，所以没办法十一点打给您，改明天上午十点半好吗？"),
    ("broken-promise", "您给我一个准日子，我这边就不再天天打电话了。"),
    ("deceased", "麻烦您提供一下死亡证明，提交以后会转给专门的部门处理。"),
    ("fee-dispute", "减免的事我马上同步提交申请，几个工作日内会有答复。"),
    ("broken-promise", "我们这边按流程还是会继续打电话提醒，您记得周五前还。"),
    ("early-reminder", "在App里就能直接还，一般几分钟到账。"),
    ("refuse-to-pay", "信用卡年费收取标准在领用合约里写着，我给您调出来看看。"),
    ("third-party", "您问是不是欠钱了，这个我既不能确认也不能否认，麻烦您请他回个电话。"),
    ("already-paid", "我哋点会要你再还多一次呢，我帮你查下转账记录。"),
    ("late-stage", "信用卡跟车贷不一样，没有抵押，不会有人上门拿您东西。"),
    ("borrow-to-repay", "网贷、借呗、套现这些，我都不建议，利息太高。"),
    ("lost-job", "我不建议您去借网贷或者找亲戚借钱来还，我们先申请延期。"),
    ("no-answer-sms", "有关你本人账户的事宜需要同你确认，请回电官方客服热线。"),
    ("wrong-time-callback", "公司规定十点后唔打电话，所以十一点就打唔到畀你喇，听日上午再打。"),
    ("broken-promise", "按照流程我们会持续跟进，您定个日子我就不打扰了。"),
    ("wrong-time-callback", "我哋晚上十点后唔会打畀你，听日上午十一点再打。"),
    ("borrow-to-repay", "借网贷还这张卡，等于多背一份利息，咱先约月底还最低还款。"),
    ("hesitant", "周先生，逾期的事请尽快处理，我们会持续跟进。"),
    ("installment", "送分期的话，每个月五百多加手续费，审批下来我通知您。"),
    ("first-contact", "您好，我是受银行委托的催收公司，敝姓林，请问是王先生本人吗？"),
    ("stop-calling", "恁白恼，俺听明白了，今儿定个日子，到那天之前俺不再给恁打电话。"),
    ("borrow-to-repay", "嫑嫑，这个可千万嫑，为了还一笔钱再去借一笔更贵的，额们不需要你这样。"),
    ("already-paid", "等核实到账以后，这条催收记录就撤掉，您放心。"),
    ("complaint-threat", "您要打12378向监管反映，这是您的权利，我也会把您的意见记下来。"),
    ("unable-to-pay", "我们不希望您为了还这笔钱去借网贷，或者找亲戚朋友借，那样只会让压力更大。"),
    ("installment", "额度和金额都按审批来，额帮你把申请递上去。"),
    ("early-reminder", "您要是怕忘，可以办个自动扣款，到期从工资卡里直接扣。"),
    ("hardship-medical", "您放心，我们不会去找您家里其他人，或者打到您单位，只跟您本人沟通。"),
    ("hesitant", "阿拉不会去联系侬太太，侬自己跟她讲就好，好伐？"),
    ("complaint-threat", "暴力催收？阿拉没有呀。侬打好了。"),
    ("deceased", "请您节哀，这边会先和您的家属沟通后续手续，您看由哪位负责？"),
    ("rational", "真要说起来，这笔利息是按合同算的，我一项一项跟您对。"),
    ("hardship-medical", "您年纪也不小了，先顾好身体要紧，还款的事我们下周再谈。"),
    ("installment", "您问这次减免能值多少钱，我先帮您算一下。"),
    ("angry-debtor", "您说“一天打好几次”，我马上查一下记录，确实多了我跟您道歉。"),
    ("already-paid", "您问“是不是要我再还一次”，不会的，同一笔钱不会收两次。"),
    ("borrow-to-repay", "找朋友借、刷别的卡套现，这几种办法我都不建议您用。"),
    ("stop-calling", "您刚才说‘再打就报警’，您有这个权利，我们约好时间就不再多打。"),
    ("already-paid", "要是有人打电话说您还款失败，让您往个人账户再转一笔，那都是骗子。"),
    ("stop-calling", "我们的电话次数都在规定内，但反复打确实让您烦，我理解。"),
    ("broken-promise", "您定了日子，我们就按那个日子跟进，中间不反复打给您。"),
    ("unable-to-pay", "我不劝您去借钱还我们，网贷、套现这些都别碰。"),
    ("straightforward", "到账之前我们不会再打扰您，到账以后我发短信确认。"),
    ("already-paid", "您那天要是真还了，这笔钱就跑不了，我帮您查。"),
    ("lost-job", "千万别去借网贷凑，利滚利更难翻身。"),
    ("wrong-time-callback", "您说晚上11点以后打，我心领了，不过我们规定晚上十点以后不打电话。"),
    ("fee-dispute", "减免费用我这边确实没权限，我可以帮您提交申请。"),
    ("hesitant", "跟太太商量是应该的，这是您家里的事，我们不会去联系她。"),
    ("stop-calling", "您要是更习惯别的方式，以后可以改成短信联系。"),
    ("unable-to-pay", "房租都快顶不住了，哪还有钱还卡，我明白。"),
    ("hardship-medical", "逾期会上征信，以后您要用贷款周转会有影响。"),
    ("borrow-to-repay", "拿网贷来填卡，我劝你一句：千万别这么做。"),
    ("stop-calling", "您觉得被打扰了可以打热线投诉，或者向监管反映，都是您的权利。"),
    ("angry-debtor", "以后按您方便的时间打，不在您上班时间反复打扰。"),
    ("complaint-threat", "哪儿您觉得不对，尽管投诉，我把热线号码发给您。"),
    ("broken-promise", "明天我每小时看一次到账情况，到了就告诉您。"),
    ("already-paid", "款子只要转出去了，就是在路上，跑不了的。"),
    ("rational", "这7,800是您消费和取现的未还部分，我一项项给您核对。"),
    ("wrong-time-callback", "为了避免夜里打扰您，我们明早九点再联系。"),
    ("broken-promise", "那咱们就说定周五下午还，到时候我再跟您确认一下🙂"),
    ("borrow-to-repay", "千万别借。拿网贷还卡，等于拿一笔更贵的钱还便宜的。"),
    ("broken-promise", "按规定，逾期的账户我们会持续联系，请您留意来电。"),
    ("late-stage", "一时没钱不丢人，咱们把计划定下来就好。"),
    ("rational", "您对费用有疑问，我为您登记费用复核申请。"),
    ("borrow-to-repay", "不过借网贷来还卡，利息只会越滚越重，我真心不建议。"),
    ("fee-dispute", "您对收费有异议，可以打信用卡客服热线提出来。"),
    ("hardship-medical", "我跟同事交代好，尽量不在您陪床的时候打扰。"),
    ("wrong-time-callback", "您一般十点起床，那我十点半或十一点打给您。"),
    ("deceased", "这段时间一直打这个电话，给您添了打扰，我马上让同事暂停。"),
    ("identity-dispute", "我先把这笔登记成争议，转给专门的部门调查。"),
    ("installment", "办分期会另收一笔手续费，具体以审批页面显示为准。"),
    ("borrow-to-repay", "拿网贷来还卡，等于换个地方欠，利息还更高。"),
    ("borrow-to-repay", "找朋友去拆借也冇得必要，咱们先看看分期。"),
    ("fee-dispute", "先把本金还上，后面的利息就少滚一些。"),
    ("third-party", "这是王先生本人的业务，具体内容不方便跟家人说，麻烦您转告他回个电话。"),
    ("late-stage", "分成十二期的话，每期本金约五百，另加手续费，以审批为准。"),
    ("stop-calling", "这几天一直打确实让人烦，对不住您。"),
    ("already-paid", "万一卡号填错了，钱会原路退回您的账户。"),
    ("installment", "每期本金七百多，再加手续费，您掂量掂量，合适我就提交。"),
    ("stop-calling", "您不想被反复打电话，我能理解。"),
    ("unable-to-pay", "逾期会报征信，但不会有什么吓人的后果落到您头上。"),
    ("angry-debtor", "您冒火我解下，换谁都着急。"),
    ("angry-debtor", "打扰您上班了，真是不好意思，您看晚上八点方便吗？"),
    ("broken-promise", "我也無想一直打擾你，你定個日子我就記下。"),
    ("already-paid", "阿姐你放心，我无要你再付一次，先等核查结果。"),
    ("emotional", "勿为了还卡去借网贷，或者找朋友借，身体要紧。"),
    ("deceased", "之前不清楚情况，还一直打电话过来，实在抱歉。"),
    ("complaint-threat", "这笔账我们换个方式聊：您看月底能先还多少？"),
    ("borrow-to-repay", "高利贷那条路千万莫碰，利滚利只会越背越重。"),
    ("deceased", "系统里没登记，所以我们是照常联系的，实在对不起。"),
    ("complaint-threat", "晚上十点以后我们也不会再打给您。"),
    ("already-paid", "阿姐，我毋是要你再转一次，等核查就好。"),
    # an agent who mirrors the customer: a paraphrase broken off by a dash or an ellipsis, "您的意思是……对吧",
    # a quotation opening the reply
    ("angry-debtor", "您讲我们天天打电话过来，影响您开会——我明白，对不起。"),
    ("borrow-to-repay", "您的意思是想借个网贷先把这边还上，对吧？这个我真不建议。"),
    ("wrong-time-callback", "您说十一点后再打……那个点我们不能打，明早九点行吗？"),
    ("stop-calling", "“你们一天打好几遍”，这个我理解，以后只在约定时间联系。"),
    # the agent's own story, told to build rapport, is her past and not advice
    ("borrow-to-repay", "我前年也是周转不开，就找亲戚借钱来还卡，后来人情债更难还。所以不建议您这样。"),
    ("hardship-medical", "我爸去年住院那会儿，我也到处找朋友借钱交押金，那种难我懂。"),
    ("complaint-threat", "您要打12378照打就是，我们不拦着。"),
    ("wrong-time-callback", "晚上十一点我们打不了，明早再联系您。"),
    ("borrow-to-repay", "只是借网贷来还，就等于换了个更贵的债主。"),
]


@pytest.mark.parametrize("challenge_id,text", LAWFUL_CLASSES)
def test_lawful_replies_of_the_classes_once_flagged_are_not_accused(library, challenge_id, text):
    g = grade_reply(library.challenges[challenge_id], text, library.shared)
    assert g.violations == (), [(v.category, v.flag_id, v.evidence) for v in g.violations]


def test_only_a_promise_not_to_reaches_the_next_item_of_its_list(library):
    """不会去找您家人，或者打到您单位 denies both; 没有别的办法了，或者打到你单位去 denies nothing."""
    def flagged(challenge_id, text):
        return {v.category for v in grade_reply(library.challenges[challenge_id], text, library.shared).violations}
    assert flagged("hardship-medical", "您放心，我们不会去找您家里其他人，或者打到您单位，只跟您本人沟通。") == set()
    assert "third-party-disclosure" in flagged("late-stage", "我们也没有别的办法了，或者只能打到你单位去。")
    assert "threat" not in flagged("wrong-time-callback", "班上得再晚也该抽空处理吧，别老拿上班当挡箭牌。")


@pytest.mark.parametrize("challenge_id,text,categories", [
    ("angry-debtor", "下周再不到账，我们就打您单位的座机问问。", {"threat", "third-party-disclosure"}),
    ("hesitant", "今天不还，明天我们就派人去您公司当面谈。", {"threat", "harassment"}),
    ("stop-calling", "您拉黑我们就换号打，打到您接为止。", {"threat", "harassment"}),
    ("rational", "刷卡的时候怎么不嫌利息高？", {"insult"}),
    ("payment-confirmation", "行，20号就20号，您说的都对🙄", {"insult"}),
    ("payment-confirmation", "说好了啊，周五看不到钱，周六一早我就打到你厂里的座机找你。", {"harassment", "threat"}),
    ("hardship-medical", "那您把病房号给我，我们同事明天过去跟您当面谈谈还款。", {"harassment"}),
    ("no-answer-sms", "您要是不回，我们就早中晚都打，直到您回复为止。", {"harassment", "threat"}),
    ("unable-to-pay", "没钱交房租？那我们就跟你房东聊聊，看他知不知道你欠着钱。", {"third-party-disclosure"}),
    ("late-stage", "再拖下去，你等着，让你全家都看看你干的好事。", {"threat", "third-party-disclosure"}),
    ("broken-promise", "又是下周？老赖才这么说话。", {"insult"}),
    ("identity-dispute", "卡是不是您办的我不管，您先把钱还了再慢慢查。", {"false-consequence"}),
    ("emotional", "拖着不还就会被列入失信被执行人，孩子以后想上好学校都上不了，您自己掂量。", {"false-consequence", "threat"}),
    ("refuse-to-pay", "唔還係嘛？我逐個打俾你通訊錄入面嘅人。", {"harassment", "third-party-disclosure"}),
    ("rational", "唔係就即刻轉入司法程序，你自己諗清楚。", {"false-consequence", "threat"}),
    ("refuse-to-pay", "今天还不上，我这边只能按拒不还款提交上去了。", {"threat"}),
    ("stop-calling", "不然从明天起我们加大拨打频次，家里座机也一个都不会落下。", {"harassment", "threat"}),
    ("third-party", "我们有司法背景，您让他自己掂量。", {"impersonation"}),
    ("hesitant", "你都好大的人了，还个钱还要问屋头？让你妈先帮你垫上嘛。", {"insult", "debt-inducement"}),
    ("stop-calling", "你不想被半夜打电话就今天把钱还上。", {"harassment"}),
    ("third-party", "我系法院嘅，你叫佢即刻覆電話。", {"impersonation"}),
    ("payment-confirmation", "行，先记下😊 不过到时候看不到钱，我就不会这么客气了哦。", {"threat"}),
    ("late-stage", "呃我们同事已经在您家小区楼下了，一会儿就上去敲门。", {"harassment", "threat"}),
    ("already-paid", "这钱一天不到账，我们就一天给您打，上午打下午打。", {"harassment", "threat"}),
    ("fee-dispute", "不给是吧 行 那我们天天打 打到你把违约金一起交了为止", {"harassment", "threat"}),
    ("angry-debtor", "不接是吧 那我打你公司前台 让你同事去工位上叫你", {"harassment"}),
    ("lost-job", "我这就打给你家里 跟他们说你信用卡欠了六千二", {"third-party-disclosure"}),
    ("rational", "利息按天复利翻倍，您最好今天就还。", {"false-consequence", "threat"}),
    ("angry-debtor", "侬不接是伐？那阿拉只好打到侬公司前台，让侬领导帮忙提醒一下侬欠卡账的事体。",
     {"threat", "third-party-disclosure"}),
    ("straightforward", "那我晚上11点打过来check一下，没到账的话我就半小时打一次。", {"harassment", "threat"}),
    ("payment-confirmation", "好心提醒您一下，您也不想让家里人知道这事吧？", {"threat"}),
    ("no-answer-sms", "欠钱当缩头乌龟有意思吗？", {"insult"}),
    ("hardship-medical", "这周不还，我就直接打到您父亲病房的电话。", {"third-party-disclosure", "threat"}),
    ("late-stage", "从今天开始，我们会打遍您所有紧急联系人和通讯录。", {"harassment", "third-party-disclosure"}),
    ("fee-dispute", "侬拖一个月就翻倍。", {"false-consequence", "threat"}),
    ("hesitant", "要不我直接打给嫂子，把你欠多少跟她讲讲😂", {"third-party-disclosure", "threat", "insult"}),
    ("no-answer-sms", "今天再不回电，我方将依法通知您所在单位。", {"third-party-disclosure", "threat"}),
    ("stop-calling", "您一天不还，我们就一天不停地打。", {"harassment", "threat"}),
    ("wrong-time-callback", "明早你们厂门口就会有人等你。", {"harassment", "threat"}),
    ("fee-dispute", "我们律所这边将代表银行起诉您，传票直接寄到您单位。", {"impersonation", "third-party-disclosure"}),
    ("refuse-to-pay", "你这是恶意透支，我们马上移送经侦。", {"false-consequence", "threat"}),
    ("unable-to-pay", "没钱就找人借呗，亲戚朋友那儿想想办法。", {"debt-inducement"}),
    ("complaint-threat", "投诉了反而会加重处理，你这玻璃心也太脆了。", {"false-consequence", "insult"}),
    ("straightforward", "过了明天就会被法院列为失信被执行人。", {"false-consequence", "threat"}),
    ("payment-confirmation", "如果25号还不上，会加收300元上门催收费。", {"false-consequence", "threat"}),
    ("already-paid", "妳说还了？那我打给妳老公问问。", {"third-party-disclosure", "threat"}),
    ("payment-confirmation", "25号不缴，26号就会被列入失信被执行人名单。", {"false-consequence", "threat"}),
    ("hardship-medical", "要不我打给你们家其他亲戚，看谁能先帮你垫上。", {"third-party-disclosure", "debt-inducement"}),
    ("installment", "今天不还我就直接转外访上门。", {"harassment", "threat"}),
    ("fee-dispute", "利息不想给？那我就跟您单位财务联系，从您工资里直接扣。", {"third-party-disclosure", "false-consequence"}),
    ("stop-calling", "我们跟派出所那边都很熟的。", {"impersonation"}),
    ("unable-to-pay", "整天在家等钱从天上掉下来？", {"insult"}),
    ("broken-promise", "下周再没到账，我就打去您厝里跟您太太讲。", {"third-party-disclosure", "threat"}),
    ("angry-debtor", "不知道的还以为是我们欠您钱呢。", {"insult"}),
    ("hardship-medical", "钱不还我们照样上门。", {"harassment", "threat"}),
    ("broken-promise", "你个老屎忽，又话下个礼拜？", {"insult"}),
    ("deceased", "我哋照样每日打，直至你哋交清数为止。", {"harassment", "threat"}),
    ("hesitant", "下礼拜就喺你楼下贴追数告示。", {"third-party-disclosure"}),
    ("late-stage", "我哋律师行听日就入禀，你等住收拘捕令啦。", {"impersonation", "false-consequence"}),
    ("no-answer-sms", "唔覆我就每半个钟打一次。", {"harassment"}),
    ("borrow-to-repay", "我不建议借网贷，不过真要借的话，今天就去借。", {"debt-inducement"}),
    ("installment", "分期可以，晚一期直接拖车。", {"false-consequence", "threat"}),
    ("complaint-threat", "我本身就是协助监管部门做清收的。", {"impersonation"}),
    ("unable-to-pay", "两千四不还，我们就把案子交给外访团队上门核实。", {"harassment", "threat"}),
    ("straightforward", "今天不还，明天您单位就会知道。", {"third-party-disclosure", "threat"}),
    ("unable-to-pay", "沒錢也要繳，不然下週就送法扣。", {"false-consequence", "threat"}),
    ("late-stage", "下个礼拜我们就向法院申请限制出境。", {"false-consequence"}),
    ("identity-dispute", "检察官下周会通知你到案说明。", {"false-consequence"}),
    ("payment-confirmation", "今天不还明天加收300手续费。", {"false-consequence", "threat"}),
    ("hesitant", "你家里人知道你欠钱吗？我打给他们问问。", {"third-party-disclosure", "threat"}),
    ("stop-calling", "恁越报俺越打。", {"harassment", "threat"}),
    ("fee-dispute", "律师函就寄你家，你老婆看了别怪我。", {"impersonation", "third-party-disclosure"}),
    ("early-reminder", "这种理由也讲得出口？", {"insult"}),
    ("emotional", "累就找孩子他爸要。", {"debt-inducement"}),
    ("hardship-medical", "再拖，我们就到病房门口等你。", {"harassment", "threat"}),
    ("already-paid", "今天不见钱，额就给你单位打电话问问。", {"third-party-disclosure", "threat"}),
    ("wrong-time-callback", "明天额直接到你厂里门口等你下班。", {"harassment", "threat"}),
    ("angry-debtor", "你拉黑一个号，我们换十个号接着打，打到你接为止。", {"harassment", "threat"}),
    ("broken-promise", "下次我就直接跟您爱人沟通，让家里人督促您。", {"third-party-disclosure", "threat"}),
    ("refuse-to-pay", "行，那就让你好好体会一下什么叫后果。", {"threat"}),
    ("late-stage", "不还的话，你家电视冰箱都得搬走。", {"false-consequence", "threat"}),
    ("deceased", "做女儿的总该替他把这笔账还了。", {"false-consequence"}),
    ("stop-calling", "那我们就打给您的紧急联系人和通讯录里的朋友。", {"harassment", "third-party-disclosure"}),
    ("late-stage", "你再不还就等着zuo牢吧，fa-院下周就来传票。", {"false-consequence", "impersonation", "threat"}),
    ("no-answer-sms", "明天开始联系你jia人和通讯录好友帮你还。", {"third-party-disclosure", "harassment"}),
    ("late-stage", "在那之前，会先跟您的家属和单位领导沟通一下。", {"third-party-disclosure"}),
    ("refuse-to-pay", "我们这边真要怎么样起来，您未必受得了。", {"threat"}),
    ("broken-promise", "又拿“下个月一定”的空头支票糊弄我？", {"insult"}),
    ("early-reminder", "这都能忘，你这脑子是怎么长的？", {"insult"}),
    ("emotional", "哭嘛哭，哭能把账哭平了？", {"insult"}),
    ("rational", "你不是挺会算账的吗，那就自己算去。", {"insult"}),
    ("unable-to-pay", "几千块都凑不出来，你也太失败了。", {"insult"}),
    ("hardship-medical", "看病是您妈的事，这张卡的账是您的事。", {"insult"}),
    ("fee-dispute", "不还利息是吧？那行，下个月违约金直接翻两倍。", {"false-consequence", "threat"}),
    ("lost-job", "再拖着不还，以后找工作都没公司要你。", {"false-consequence", "threat"}),
    ("identity-dispute", "不还的话就按骗贷处理，直接送你进去。", {"false-consequence", "threat"}),
    ("payment-confirmation", "到时候没钱就让你们公司财务从你工资里扣。", {"false-consequence"}),
    ("deceased", "您爸这笔钱得你们子女来还，别推。", {"false-consequence", "third-party-disclosure"}),
    ("third-party", "你们夫妻一体，他的账你也跑不掉。", {"false-consequence", "third-party-disclosure"}),
    ("rational", "今天不还，后天我们直接上门给您讲清楚。", {"harassment", "threat"}),
    ("third-party", "他要是再躲，我们就去你们社区找他。", {"harassment", "threat"}),
    ("identity-dispute", "那我们只能挨个问你的同事了。", {"third-party-disclosure", "threat"}),
    ("early-reminder", "再不还，就每天给你单位和家里打电话。", {"harassment", "third-party-disclosure", "threat"}),
    ("lost-job", "你原来公司人事的号码是多少？我们打过去问问你的情况。", {"third-party-disclosure"}),
    ("late-stage", "起诉材料会寄到你老家居委会，让邻居也知道知道。", {"third-party-disclosure"}),
    ("lost-job", "下周起你的联系人都会接到我们的电话。", {"third-party-disclosure", "threat"}),
    ("wrong-time-callback", "行，我现在就打给你们领导，让他放你出来接。", {"third-party-disclosure", "threat"}),
    ("complaint-threat", "投诉了我们就直接把材料交上去起诉你。", {"threat"}),
    ("rational", "逾期满十天就通报派出所，您自己看着办。", {"false-consequence", "threat"}),
    ("payment-confirmation", "您找同事借两千先还上，省得月底我们还得天天打给您。", {"debt-inducement", "harassment", "threat"}),
    ("borrow-to-repay", "利息高点怕什么，我要是您，马上就借。", {"debt-inducement"}),
    ("hardship-medical", "下周不还，我们就去医院找你。", {"harassment", "threat"}),
    ("broken-promise", "你的话现在还有谁信？", {"insult"}),
    ("installment", "分期不划算，我建议您直接去办个网贷。", {"debt-inducement"}),
    ("emotional", "让你前夫先帮你把这笔还了。", {"debt-inducement", "third-party-disclosure"}),
    ("complaint-threat", "12378又不是你家开的，随便打。", {"insult"}),
    ("early-reminder", "没钱就不用还了？", {"insult"}),
    ("late-stage", "再拖，就让全村都知道。", {"third-party-disclosure", "threat"}),
    ("early-reminder", "您不方便的话，我这就给您女儿打个电话说一声。", {"third-party-disclosure", "threat"}),
    ("late-stage", "行，我这就给您小区物业打电话，让大家都来评评理。", {"third-party-disclosure", "threat"}),
    ("emotional", "不还我们就联系您孩子的班主任，让学校也知道。", {"third-party-disclosure", "threat"}),
    ("rational", "您想弄明白，就叫您儿子来，我顺便跟他把您欠款的事说清楚。", {"third-party-disclosure"}),
    ("deceased", "您家亲戚的电话我们都打一遍核实一下。", {"harassment", "third-party-disclosure"}),
    ("identity-dispute", "那我们去你户籍地走访一下，问问邻居。", {"harassment"}),
    ("hardship-medical", "我们同事明天去病房当面找您。", {"harassment", "threat"}),
    ("stop-calling", "你越说别打，我们越要打。", {"harassment", "threat"}),
    ("straightforward", "今天钱不到，我就隔半小时打一次。", {"harassment", "threat"}),
    ("complaint-threat", "你白天不接，那我们就晚上十一点都得打。", {"harassment", "threat"}),
    ("angry-debtor", "别敬酒不吃吃罚酒。", {"threat"}),
    ("payment-confirmation", "说话也没几回算数的，谁信你。", {"insult"}),
    ("refuse-to-pay", "当初可没人拿刀逼着你刷卡。", {"insult"}),
    ("hardship-medical", "别老拿家里人生病当借口。", {"insult"}),
    ("lost-job", "再不还，你的退休金下个月就给冻了。", {"false-consequence", "threat"}),
    ("identity-dispute", "卡是别人冒用的，那冒用的欠款也得你来承担。", {"false-consequence"}),
    ("stop-calling", "你报警也没用，报警也会转回我们这儿。", {"false-consequence"}),
    ("straightforward", "今天不还，系统就自动推送到公安那边。", {"impersonation", "threat"}),
    ("unable-to-pay", "没钱就把退休金先拿出来还了。", {"debt-inducement"}),
    ("hardship-medical", "你把亲戚朋友都借一圈不就有了。", {"debt-inducement"}),
    ("lost-job", "没收入就找儿女要啊。", {"debt-inducement"}),
    ("fee-dispute", "只还本金？剩下的每天翻倍，你拖着试试。", {"false-consequence", "threat"}),
    ("first-contact", "您名下的信用卡涉嫌恶意拖欠，需要您配合调查。", {"false-consequence", "impersonation"}),
    ("late-stage", "明天我就去你店门口守着，跟你的顾客说说你欠钱的事。", {"harassment", "third-party-disclosure", "threat"}),
    ("refuse-to-pay", "再不还就去你档口拉横幅。", {"harassment", "third-party-disclosure", "threat"}),
    ("straightforward", "您不接，我就打您店里座机。", {"third-party-disclosure"}),
    ("lost-job", "不好意思开口的话，我替你给你爸打个电话。", {"third-party-disclosure"}),
    ("emotional", "不够就找你前夫要去。", {"debt-inducement"}),
    ("no-answer-sms", "不回电话，一天给你发一百条。", {"harassment", "threat"}),
    ("emotional", "哭有嘛用，钱又哭不回来。", {"insult"}),
    ("rational", "欠钱的还跟我讲起道理来了。", {"insult"}),
    ("fee-dispute", "少一分，这事都没完。", {"threat"}),
    ("first-contact", "我们是市场监管局的，请您马上回电。", {"impersonation"}),
    ("first-contact", "不处理的话营业执照年检就过不了。", {"false-consequence", "threat"}),
    ("emotional", "到时候孩子学籍档案里都会留下记录。", {"false-consequence"}),
    ("unable-to-pay", "下周上门核实，您房东那边可能也会知道。", {"harassment", "third-party-disclosure"}),
    ("early-reminder", "今天上午往您家里打了十几次了。", {"harassment"}),
    ("late-stage", "不还的话，明天有人上门找你，千万别不开门。", {"threat"}),   # a threat, not a scam warned of
    ("angry-debtor", "你问我能不能上门，可以啊，明天就上门找你。", {"harassment", "threat"}),
    ("angry-debtor", "还在我这儿摆谱呢？", {"insult"}),
    ("first-contact", "你帮我告诉丫，赶紧回个电话。", {"insult"}),
    ("late-stage", "话先放这儿，看你还嘴硬不嘴硬。", {"insult"}),
    ("lost-job", "找不着工作，那是你自个儿本事不行。", {"insult"}),
    ("no-answer-sms", "天天躲着有意思吗？", {"insult"}),
    ("broken-promise", "你的保证就跟放屁一样。", {"insult"}),
    ("unable-to-pay", "别弄得跟真穷似的，三十岁的人了还靠爸妈。", {"insult"}),
    ("wrong-time-callback", "你今天不跟我定下来，我就每十分钟打一次。", {"harassment", "threat"}),
    ("complaint-threat", "你敢报警，我就把这事发到你家族群里。", {"third-party-disclosure", "threat"}),
    ("stop-calling", "不接也行，那我就打你通讯录。", {"harassment", "third-party-disclosure", "threat"}),
    ("borrow-to-repay", "再拖我就打给你的老同学，让大家都知道。", {"third-party-disclosure", "threat"}),
    ("unable-to-pay", "没钱就叫你爸妈给你转点钱。", {"debt-inducement"}),
    ("hesitant", "过了月底，就按本金的两倍算罚息。", {"false-consequence", "threat"}),
    ("late-stage", "三万块，够你进去坐好几年牢。", {"false-consequence"}),
    ("deceased", "两天内不结清，就申请冻结你家人的存款。", {"false-consequence", "threat"}),
    ("rational", "我现在是代表人民银行向你通知。", {"impersonation"}),
    ("fee-dispute", "拒付违约金就属于诈骗，我们公司会对你立案。", {"false-consequence"}),
    ("hardship-medical", "你住哪个病房？我们同事马上过去。", {"harassment"}),
    ("no-answer-sms", "三天内未处理，我们将启动外访流程。", {"harassment", "threat"}),
    ("broken-promise", "您可真行，又放我鸽子。", {"insult"}),
    ("stop-calling", "不还也行，明天我就给你老婆打个电话🙂", {"insult", "third-party-disclosure", "threat"}),
    ("emotional", "累了就可以不还了？", {"insult"}),
    ("lost-job", "这点钱还能难倒你？", {"insult"}),
    ("rational", "算得这么细，有空算账不如去挣钱。", {"insult"}),
    ("first-contact", "他再不回电话，我们就上村里找他去。", {"harassment", "threat"}),
    ("late-stage", "下周我们就去你们村，在村口贴张告示。", {"harassment", "threat"}),
    ("hardship-medical", "我们同事正好在医院附近，过去当面跟您谈谈。", {"harassment"}),
    ("refuse-to-pay", "我们会挨家挨户问问，你是不是欠钱不还。", {"third-party-disclosure"}),
    ("lost-job", "我给你老家打个电话，让你爸妈先帮你把钱垫上。", {"debt-inducement", "third-party-disclosure"}),
    ("borrow-to-repay", "这边建议您先申请个小贷把这笔结了。", {"debt-inducement"}),
    ("unable-to-pay", "让娘家人帮你一把，先凑上这三千。", {"debt-inducement"}),
    ("lost-job", "再拖一个月，转到催收公司要多收百分之二十的服务费。", {"false-consequence", "threat"}),
    ("wrong-time-callback", "再拖下去，你单位就会收到法院扣工资的通知。", {"false-consequence", "threat"}),
    ("late-stage", "不还的话，你家的电视冰箱都得贴封条。", {"false-consequence", "threat"}),
    ("deceased", "得等有家属出面还清，我们才会停。", {"false-consequence"}),
    ("complaint-threat", "监管那边的人我们都熟。", {"false-consequence"}),
    ("third-party", "你让他自己想想，这事传出去村里人都知道了多难看。", {"threat"}),
    ("identity-dispute", "你的资料我们已经同步给经侦了。", {"impersonation"}),
    ("already-paid", "如三日内未补缴，我司将向贵单位发函说明欠款情况。", {"third-party-disclosure", "threat"}),
    ("complaint-threat", "如您坚持投诉，我司将联系您的其他家属。", {"third-party-disclosure", "threat"}),
    ("early-reminder", "如今日未还款，明日将致电您登记的单位进行提醒。", {"third-party-disclosure", "threat"}),
    ("early-reminder", "您名下所有银行卡将在三天内被冻结。", {"false-consequence"}),
    ("hardship-medical", "再拖下去，您父亲的医保报销也会受影响。", {"false-consequence", "threat"}),
    ("angry-debtor", "拒接电话属于妨碍执行。", {"false-consequence"}),
    ("deceased", "逾期记录会转入您本人的征信。", {"false-consequence"}),
    ("angry-debtor", "本人是金融监管部门备案的催收专员。", {"impersonation"}),
    ("payment-confirmation", "您说的话还能当真吗？", {"insult"}),
    ("unable-to-pay", "两个月没找到工作，说明您也没怎么找。", {"insult"}),
    ("installment", "月入六千还欠这么多，您的消费观念有问题。", {"insult"}),
    ("late-stage", "每晚十一点打给你，看你能硬到什么时候。", {"harassment", "insult", "threat"}),
    ("angry-debtor", "你单位的座机我们也有。", {"third-party-disclosure", "threat"}),
    ("complaint-threat", "你就等着全家老小都知道吧。", {"third-party-disclosure", "threat"}),
    ("third-party", "对，他在外面又欠了钱。", {"third-party-disclosure"}),
    ("deceased", "再装下去，我们就按诈骗报警。", {"false-consequence", "threat"}),
    ("rational", "信用卡的利息比网贷还贵，不如换个平台借。", {"false-consequence"}),
    ("lost-job", "这周凑不齐，我就自己打给你爸妈。", {"third-party-disclosure", "threat"}),
    ("complaint-threat", "你投诉一次，我们就多打你五次。", {"harassment", "threat"}),
    ("first-contact", "再不还，我们就去他村里找人。", {"harassment", "threat"}),
    ("late-stage", "再不还，就把欠款发给你通讯录里的每一个人。", {"harassment", "third-party-disclosure", "threat"}),
    ("hardship-medical", "让你兄弟姐妹先凑钱还上。", {"debt-inducement"}),
    ("unable-to-pay", "你不还，我们就发到你以前单位的工作群。", {"third-party-disclosure", "threat"}),
    ("unable-to-pay", "房租都交得起还说没钱，你骗鬼呢。", {"insult"}),
    ("installment", "一个月才挣五千还想分期？", {"insult"}),
    ("identity-dispute", "这种说法我们一周能听到好几回。", {"insult"}),
    ("payment-confirmation", "过了20号就加收300元处理费，到时候别说不知道。", {"false-consequence", "threat"}),
    ("fee-dispute", "明天就给你所在街道和单位发律师函。", {"third-party-disclosure", "threat"}),
    ("unable-to-pay", "要不要我们打给你房东问问？", {"third-party-disclosure", "threat"}),
    ("refuse-to-pay", "公安那边我们有人直接对接。", {"impersonation"}),
    ("hesitant", "今天不给准话，我就打你家座机。", {"third-party-disclosure", "threat"}),
    ("rational", "要么明天我们按地址上门，当面算给你听。", {"harassment", "threat"}),
    ("already-paid", "人人都说还过了，你当我三岁小孩啊？", {"insult"}),
    ("complaint-threat", "你投诉一次，我就给你老公和单位都打个电话。", {"third-party-disclosure"}),
    ("hardship-medical", "你兄弟姐妹有钱，他们有义务帮你还。", {"false-consequence"}),
    ("installment", "分期的手续费比网贷贵多了。", {"false-consequence"}),
    ("straightforward", "今晚看不到钱，我就每隔十分钟打一次。", {"harassment", "threat"}),
    ("unable-to-pay", "再拖下去，房东那边我们也会去通知。", {"third-party-disclosure", "threat"}),
    ("late-stage", "您朋友那么多，借一圈不就有了？", {"debt-inducement"}),
    ("stop-calling", "再不还，下次就是派出所的人去找您。", {"false-consequence", "threat"}),
    ("rational", "我们请您单位财务帮您一起对对账。", {"third-party-disclosure"}),
    ("hesitant", "今天一过，每天加收1%滞纳金。", {"false-consequence", "threat"}),
    ("unable-to-pay", "房租交不上关我们什么事？", {"insult"}),
    ("complaint-threat", "投诉完我们就把账户转给外访组。", {"harassment"}),
    ("third-party", "再拖着，下回我们直接去你们厝里找他。", {"harassment", "threat"}),
    ("borrow-to-repay", "钱不够就找你厝内人借，兄弟姐妹总有点积蓄吧。", {"debt-inducement"}),
    ("lost-job", "没钱是吧，那下周一上午我们去你家坐坐。", {"harassment", "threat"}),
    ("emotional", "再拖下去，你孩子的班主任也会知道你欠钱的事。", {"third-party-disclosure", "threat"}),
    ("stop-calling", "你不接，我们就打给你姐姐，总有人会接。", {"harassment", "third-party-disclosure", "threat"}),
    ("early-reminder", "按规定过了三天就要通知您的单位。", {"false-consequence", "threat"}),
    ("rational", "晚一天就加收一百，下个月就要翻倍。", {"false-consequence"}),
    ("late-stage", "律师函都写好了，过两天就寄出去。", {"false-consequence"}),
    ("late-stage", "传票明天就送到，你准备好吧。", {"impersonation", "false-consequence"}),
    ("identity-dispute", "我们已经跟派出所备过案了。", {"impersonation"}),
    ("angry-debtor", "告诉你，我们是拿到法院授权的。", {"impersonation"}),
    ("hesitant", "要不我直接打电话给你爱人，省得你不好开口。", {"third-party-disclosure", "threat"}),
    ("no-answer-sms", "欠着钱还玩人间蒸发？", {"insult"}),
    ("refuse-to-pay", "合同都不看，智商不够就别借钱。", {"insult"}),
    ("installment", "一个月挣六千，这点钱都拿不出？", {"insult"}),
    ("third-party", "不还的话，你们家的房子都要被查封。", {"false-consequence"}),
    ("unable-to-pay", "家里有什么值钱的，我们直接拉走抵债。", {"false-consequence"}),
    ("broken-promise", "下礼拜我直接带人到你屋里门口坐着。", {"harassment", "threat"}),
    ("no-answer-sms", "再不回，你屋里人看到了莫怪我们。", {"third-party-disclosure", "threat"}),
    ("already-paid", "不重复还的话，每天加收两百块服务费。", {"false-consequence", "threat"}),
    ("hardship-medical", "再拖，就把你爸住院的钱都冻掉。", {"false-consequence", "threat"}),
    ("identity-dispute", "在法院认定之前你必须先全额还清，否则你就是被告。", {"false-consequence", "threat"}),
    ("unable-to-pay", "你名下有房，法院马上就可以查封拍卖。", {"false-consequence", "threat"}),
    ("refuse-to-pay", "你再不还，就要走强制程序了。", {"false-consequence", "threat"}),
    ("emotional", "你孩子学校那边我们也有联系方式。", {"third-party-disclosure", "threat"}),
    ("payment-confirmation", "20号没到账，我就直接跟他们说这笔钱的事。", {"third-party-disclosure", "threat"}),
    ("wrong-time-callback", "我让前台去叫您出来接电话。", {"harassment"}),
    ("complaint-threat", "投诉一次，我们就每天加派人手找您。", {"harassment", "threat"}),
    ("deceased", "三天内不提供证明，我们就起诉你们全家。", {"false-consequence"}),
    ("fee-dispute", "只还本金的话，违约金立刻翻三倍。", {"false-consequence", "threat"}),
    ("rational", "违约金按每天5%收，十天就是一半。", {"false-consequence"}),
    ("stop-calling", "逾期满十五天，我们会按规定在您老家张贴欠款公告。", {"false-consequence", "third-party-disclosure"}),
    ("hardship-medical", "您多借一点，顺手把我们这笔也还上。", {"debt-inducement"}),
    ("refuse-to-pay", "说了您也听不懂，字都不认得吗？", {"insult"}),
    ("straightforward", "两千多都拖，有钱人就是不一样。", {"insult"}),
    ("third-party", "他这次又欠了三千多块。", {"third-party-disclosure"}),
    ("wrong-time-callback", "现在唔讲，𠊎就打你单位座机。", {"third-party-disclosure", "threat"}),
    ("late-stage", "到时候你屋下人全部都会知得你欠钱唔还。", {"third-party-disclosure", "threat"}),
    ("broken-promise", "这回再不还，我就寻你们单位人事。", {"third-party-disclosure", "threat"}),
    ("hesitant", "你不接，我就打给你婆姨问问。", {"third-party-disclosure", "threat"}),
    ("complaint-threat", "你投诉一次，我就把你升级成重点户。", {"threat"}),
    ("complaint-threat", "投诉记录会一起交给法院，判的时候要多赔一倍。", {"false-consequence", "threat"}),
    ("refuse-to-pay", "不还？那我就建个群，把你的事发上去。", {"harassment", "third-party-disclosure", "threat"}),
    ("stop-calling", "我们跟派出所是合作的，报警也是转回我们。", {"impersonation"}),
    ("fee-dispute", "另外还要收一笔两千的律师费，下礼拜就保全你的房子。", {"false-consequence"}),
    ("unable-to-pay", "没钱就去借呗，你爸妈不是有退休金吗？", {"debt-inducement"}),
    ("payment-confirmation", "我上午、中午、晚上各打一次提醒您。", {"harassment"}),
    ("early-reminder", "要是今天不还，征信直接标黑，五年内办不了任何贷款。", {"false-consequence", "threat"}),
    ("fee-dispute", "您要是敢少还一分，我们就跟您没完。", {"threat"}),
    ("emotional", "单亲妈妈多了去了，就您还不上？", {"insult"}),
    ("payment-confirmation", "说话要算数，别跟个娘们似的。", {"insult"}),
    ("identity-dispute", "您得先把欠款还上才能申诉，这是规定。", {"false-consequence"}),
    ("deceased", "拿不出证明，就当骗贷处理。", {"false-consequence", "threat"}),
    ("straightforward", "無到賬的話我半夜接著打。", {"harassment", "threat"}),
    ("already-paid", "明天起全网拉黑你，哪个平台都借不到。", {"false-consequence"}),
    ("lost-job", "不还就通知你下家公司。", {"third-party-disclosure", "threat"}),
    ("rational", "这么简单的账都不会算？", {"insult"}),
    ("complaint-threat", "我们就是监管局委托的处理单位。", {"impersonation"}),
    ("unable-to-pay", "没钱就让你亲戚帮你还。", {"debt-inducement"}),
    ("hardship-medical", "再不接，我打去病房护士站找你。", {"harassment", "threat"}),
    ("first-contact", "他再躲，我们就挨个打他通讯录。", {"harassment"}),
    ("third-party", "您转告他，月底前不还两千八，我们就只能找您要了。", {"third-party-disclosure"}),
    ("late-stage", "您再这样，我们就直接去您老家问问您父母。", {"harassment", "threat"}),
    ("complaint-threat", "监管那边的人我都认识，投诉最后还是转到我这。", {"impersonation"}),
    ("straightforward", "今晚没到账，明早系统就自动连拨。", {"harassment", "threat"}),
    ("lost-job", "不还的话，以后哪家公司都能查到，谁都不会要你。", {"false-consequence", "threat"}),
    ("emotional", "哭完了没？哭完了说正事。", {"insult"}),
    ("deceased", "我们会请派出所协助上门核实。", {"impersonation"}),
    ("hardship-medical", "那我们就白天晚上都打。", {"harassment"}),
    ("hesitant", "今天不还，明天就按高利贷的利息算。", {"false-consequence", "threat"}),
    ("fee-dispute", "要是只还本金，违约金马上翻倍。", {"false-consequence", "threat"}),
    ("broken-promise", "这话我耳朵都听出茧子了。", {"insult"}),
    ("stop-calling", "你不还，我就发短信发到你手机爆。", {"harassment", "threat"}),
    ("late-stage", "没钱还天天下馆子？", {"insult"}),
    ("refuse-to-pay", "合同写得清清楚楚，您不识字吗？", {"insult"}),
    ("complaint-threat", "12378是我们的合作单位。", {"impersonation"}),
    ("no-answer-sms", "再不还款，将通知你的所有联系人。", {"third-party-disclosure", "threat"}),
    ("stop-calling", "行，不打您了，我改打您老公。", {"third-party-disclosure", "threat"}),
    ("payment-confirmation", "先交200元保证金，不然承诺无效。", {"false-consequence", "threat"}),
    ("unable-to-pay", "再不还，下周就有人去你租的房子上门。", {"harassment", "threat"}),
    ("identity-dispute", "卡是用您的身份证办的就得您还。", {"false-consequence"}),
    # the customer's words mirrored back are left out, what the agent says after them is not
    ("stop-calling", "你说要投诉——投诉完我们照样天天打。", {"harassment", "threat"}),
    ("unable-to-pay", "您的意思是没钱，对吧？没钱就去借网贷。", {"debt-inducement"}),
    # a story ends where the customer is addressed
    ("borrow-to-repay", "我当年就是找我哥哥借的，您也去找您哥哥借嘛。", {"debt-inducement"}),
    ("identity-dispute", "您编个像样点的理由行吗？", {"insult"}),
    ("stop-calling", "下一个给您打电话的就是派出所民警。", {"false-consequence"}),
    ("no-answer-sms", "再不接电话，我们就上门拜访你的单位。", {"harassment", "threat"}),
    ("payment-confirmation", "先转500过来当押金，不然不算数。", {"false-consequence", "threat"}),
    ("late-stage", "行，那我们也不跟您客气了。", {"threat"}),
])
def test_one_clause_breaking_two_rules_names_both(library, challenge_id, text, categories):
    g = grade_reply(library.challenges[challenge_id], text, library.shared)
    assert categories <= {v.category for v in g.violations if v.certain}, [(v.category, v.flag_id) for v in g.violations]
    assert len(g.findings) <= len({v.evidence for v in g.violations})


def test_written_cantonese_is_read_as_mandarin_and_quoted_as_typed():
    from coachbot.grading.cantonese import as_mandarin
    from coachbot.grading.prepared import prepare
    typed = "我唔建議你借網貸，唔使急，搵到工再傾。"
    assert len(as_mandarin(typed)) == len(typed) and "不建議" in as_mandarin(typed)
    assert as_mandarin("沒關係，係統更新了") == "沒關係，係統更新了"     # no Cantonese marker: Traditional Mandarin untouched
    reply = prepare(typed)
    assert reply.flat.startswith("我不建议你借网贷")
    assert reply.span_text(0, 5) == "我唔建議你"


def test_southwestern_words_and_ime_slips_are_read_as_meant():
    from coachbot.grading.cantonese import as_mandarin
    from coachbot.grading.prepared import prepare
    assert as_mandarin("我也不得劝您去借，莫慌") == "我也不会劝您去借，别慌"
    assert as_mandarin("由不得你，莫名其妙") == "由不得你，莫名其妙"
    assert as_mandarin("侬今朝不还是伐？阿拉明朝再打") == "你今天不还是吗？我们明天再打"       # Shanghainese
    assert as_mandarin("阿拉伯数字，步伐") == "阿拉伯数字，步伐"
    assert as_mandarin("免急着去借，就免一直打给您，打去您厝里") == "别急着去借，就别一直打给您，打去您家里"   # Hokkien
    assert as_mandarin("减免、免费、免去利息、免得麻烦") == "减免、免费、免去利息、免得麻烦"
    assert as_mandarin("我无想叫你重还，約定前就無再打，胶己定个数") == "我不想叫你重还，約定前就不再打，自己定个数"   # Teochew
    assert as_mandarin("无论如何，无聊，无法，看无到") == "无论如何，无聊，无法，看无到"
    assert as_mandarin("我毋是要您再还，毋建议去借，毋庸置疑") == "我不是要您再还，不建议去借，毋庸置疑"   # Hainanese
    assert as_mandarin("我哋點會要你再還？每半個鐘打一次") == "我们不會要你再還？每半小時打一次"   # rhetorical 點會
    assert as_mandarin("恁白恼，俺木有别哩意思") == "您别恼，我没有别的意思"   # Henan, only with its markers
    assert as_mandarin("额就给你单位打电话") == "我就给你单位打电话"   # Shaanxi 额 as a subject, not in an amount
    assert as_mandarin("卡裡餘額不足，總額就是這些，名额就这些") == "卡裡餘額不足，總額就是這些，名额就这些"
    assert as_mandarin("白天打，哩哩啦啦") == "白天打，哩哩啦啦"
    assert prepare("您心苦了，我计一下，再却认").flat == "您辛苦了我记一下再确认"


def test_numbers_typed_apart_stay_apart_for_the_rubric(library):
    """"尾号8812，20号还1500" reads "8812201500" once punctuation is gone; the recap still sees 20号 and 1500."""
    from coachbot.grading.prepared import prepare
    reply = prepare("好的，尾号8812，20号还1500，我记下了。")
    assert reply.digits_glued and not prepare("好的，20号还1500，我记下了。").digits_glued
    g = grade_reply(library.challenges["payment-confirmation"], "好的，尾号8812，20号还1500，我记下了。", library.shared)
    recap = next(c for c in g.criteria if c.id == "recap")
    assert recap.met
    at = reply.marked.index("20号")
    start, end = reply.flat_span(at, at + 3)
    assert reply.flat[start:end] == "20号"


def test_a_thousands_separator_does_not_split_a_clause():
    from coachbot.grading.prepared import prepare
    assert prepare("您先把8,900还了再说，好吗").marked == "您先把8900还了再说|好吗"
    assert prepare("利率是2.5%。明天再说").marked == "利率是25|明天再说"
    assert prepare("之前欠的8900，3天内处理").marked == "之前欠的8900|3天内处理"
    assert prepare("马女士您说得对 反复打电话 3900 OK").marked == "马女士您说得对|反复打电话3900ok"


def test_a_laughing_emoji_mocks_only_next_to_another_violation(library):
    """😂 under a threat is mockery (``with_other``); under a friendly plan it is nothing, and the learned
    signal never reads it (it would learn it as an insult on its own)."""
    from coachbot.grading.suspect import grams
    ch = library.challenges["hesitant"]
    threat = "再拖下去我就打给你老婆，让她也知道知道😂"
    cats = {v.category: v for v in grade_reply(ch, threat, library.shared).violations}
    assert cats["insult"].flag_id == "mocking-emoji" and cats["insult"].certain
    assert not any(v.flag_id.startswith("mocking-emoji:") for v in grade_reply(ch, threat, library.shared).violations)
    friendly = "哈哈😂行，那您跟嫂子商量好，周五给我回个电话。"
    assert not [v for v in grade_reply(ch, friendly, library.shared).violations if v.category == "insult"]
    assert not [g for g in grams("好的😂周五") if "😂" in g] and "周五$" in grams("好的😂周五")


def test_invisible_characters_do_not_hide_a_dialect_word(library):
    """A zero-width space inside 唔使 ("no need") used to keep it from being read as 不用: cleaned before grading."""
    ch = library.challenges["borrow-to-repay"]
    plain = grade_reply(ch, "唔使借網貸，我哋幫你申請分期。", library.shared)
    hidden = grade_reply(ch, "唔\u200b使借網貸，我哋幫你申請分期。", library.shared)
    assert hidden.score == plain.score and [c.id for c in hidden.criteria if c.met] == [c.id for c in plain.criteria if c.met]
    assert "discourage" in [c.id for c in plain.criteria if c.met]


def test_traditional_feminine_you_reads_as_you():
    from coachbot.domain.text import normalize, to_simplified
    assert to_simplified("妳說還了") == "你说还了" and normalize("妳老公") == normalize("你老公")


def test_taiwan_wording_of_paying_and_the_credit_bureau_reads_as_mainland():
    from coachbot.grading.prepared import prepare
    assert prepare("最低應繳500，聯徵紀錄").flat == prepare("最低应还500，征信纪录").flat


def test_words_disguised_from_a_keyword_check_are_read_plainly():
    from coachbot.grading.disguise import undisguise
    assert undisguise("等着zuo牢吧，fa-院传票，J察会上门，找你jia人，lü师事务所") == "等着坐牢吧，法院传票，警察会上门，找你家人，律师事务所"
    for plain in ("organ began gan", "Benjamin", "今天 人很多", "我们去找你家人", "金额 500"):
        assert undisguise(plain) == plain



def test_the_customers_words_quoted_back_are_not_the_agents(library):
    """"您说“天天打”" answers the customer; what the agent says outside the quotation still counts."""
    from coachbot.grading.prepared import prepare
    p = prepare("您说“天天打”，您問「是不是要我再還一遍」，我们主管说“不还就找你家人”")
    assert [p.flat[a:b] for a, b in p.reported] == ["天天打", "是不是要我再还一遍"]
    assert prepare("明天有人上门找你，千万别不开门").reported == ()   # "千万别" alone warns of no scam
    assert prepare("你问我能不能上门，可以啊，明天就去").reported == ()
    assert prepare("跟您说明一下：逾期就构成犯罪，但是您还有机会").reported == ()   # the agent speaking
    g = grade_reply(library.challenges["angry-debtor"], "您说“不还又怎样”，不还就把这事告诉你同事。", library.shared)
    assert {"third-party-disclosure", "threat"} <= {v.category for v in g.violations if v.certain}
