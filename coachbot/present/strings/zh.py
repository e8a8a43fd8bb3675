"""The bot's own wording in Chinese (the default). English is :mod:`coachbot.present.strings.en`.

Every entry is a ``str.format`` template (placeholders in braces) or a label
table. Content (tip bodies, scripts, challenge text, rubric labels, red-flag
rules) is data and is not here. A test checks that the English module
overrides every entry with the same placeholders.
"""

from __future__ import annotations


class Zh:
    lang = "zh"
    list_sep = "、"
    sentence_end = "。"

    # ------------------------------------------------------------ labels
    skills = {
        "principles": "基本原则", "listening": "倾听确认", "expression": "清晰表达", "emotion": "情绪管理",
        "customer-types": "客户类型", "stages": "逾期阶段", "hard-cases": "疑难场景", "compliance": "合规底线",
        "negotiation": "协商谈判", "psychology": "心理洞察", "self-care": "自我调适", "workflow": "工作流程",
    }
    categories = {
        "threat": "威胁恐吓", "insult": "辱骂贬损", "impersonation": "冒充机构",
        "third-party-disclosure": "向第三方透露", "false-consequence": "虚假/夸大后果", "harassment": "骚扰",
        "debt-inducement": "诱导借贷",
    }
    reasons = {
        "counted": "计入积分", "practice": "练习（不计分）", "after_reveal": "答案已公布，本次只给反馈，不计分",
        "violation": "有合规问题，本题记 0 分",
    }
    personal_data = {"身份证号": "身份证号", "银行卡号": "银行卡号", "手机号": "手机号"}
    periods = {"today": "今日", "week": "本周", "month": "本月", "all": "累计", "last_week": "上周", "last_month": "上月"}
    post_kinds = {"lesson": "小课", "challenge": "挑战", "summary": "本周小结"}

    # ------------------------------------------------------------ lesson and challenge cards
    lesson_title = "今日一课｜{title}"
    try_today = "今天试试"
    basis = "依据"
    tags = "标签："
    challenge_title = "今日挑战｜{title}"
    situation = "情境"
    customer_says = "客户说"
    how_to_answer = "怎么答"
    why_this_one = "为什么是这题"
    answer_in_thread = "在本帖的回复（thread）里写下你的回答，频道里的其他消息不算作答。"
    answer_in_channel = "直接在频道里（或在本帖的回复里）写下你会对客户说的话；「收到」「好的」这类闲聊不算作答。"
    answer_prompt = "你接下来会怎么说？{where}{hm} 公布参考答案，公布前的第一次回答计分。"
    difficulty = "难度 {stars}　技能："
    weak_skill_reason = "最近团队在「{skill}」上得分最低，今天专门练这一项。"
    answer_button = "回答 / Answer"

    # ------------------------------------------------------------ feedback
    feedback_title = "你的挑战反馈（仅你可见）"
    passed = "通过 ✅"
    not_passed = "未通过"
    score_head = "得分 {score}/100，{verdict}。"
    earned = "，获得 {points} 分。"
    still_open = "（太短的回答不占用计分机会，写完整后再发一次）"
    attempt = "（第 {attempt} 次回答）"
    violation_line = "⚠ {label}：「{evidence}」——违反{rule}"
    compliance_issues = "合规问题"
    met_line = "✓ {label}（{points}/{max_points}）命中：{evidence}"
    missed_line = "✗ {label}（0/{max_points}）{feedback}"
    step_by_step = "逐项点评"
    next_time = "下次试试"
    privacy_reminder = "隐私提醒"
    answer_cut = "你的回答超过 {limit} 字，只按前 {limit} 字评分和保存。"
    privacy_notice = "提醒：你的回答里有{kinds}，已自动隐去，只保留后4位。根据《个人信息保护法》的最小必要原则，客户的个人信息不要发到群里或练习里。"
    # English framing of the grader's verdicts; Chinese teams read the grader's own notes
    note_violation = "出现合规问题，本题记 0 分，也不能通过：{items}"
    note_violation_item = "「{evidence}」（{label}）"
    note_timeout = "这道题的评分规则太慢，{seconds} 秒内没有评完：这次不计分，也不占用作答机会，已记进日志交给管理员处理。"
    not_judged = "（没有评完，不占用计分机会，可以再发一次）"
    note_too_short = "回答太短了（不到{min_chars}个字）。请写出你在电话里会对客户说的完整的话。"
    note_keywords = "这像是关键词的罗列，不是对客户说的话。请用完整的句子回答，就像在电话里那样。"
    note_critical = "缺少关键一步：{missed}，这一步没有做到，回答不能通过。"

    not_an_answer = "这条消息看起来不是对客户说的话（比如「收到」「好的」），没有作为回答记录，你的计分机会还在。"
    answer_edited = "你修改了之前的回答：修改后的内容按新的一次作答评分，原来的回答不会在答案揭晓时展示。"
    answer_withdrawn = "你删除了这条回答：它已撤回，不计分，也不会在答案揭晓时展示。删除不会换来新的计分机会。"

    # ------------------------------------------------------------ reveal
    reveal_title = "答案揭晓｜{title}"
    model_answer = "参考答案"
    best_replies = "今日最佳回答"
    best_line = "{name}（{score} 分）：{text}"
    nobody_answered = "今天还没有人作答，明天见！"
    nobody_passed = "今天有 {answered} 人作答，还没有人通过（最高 {top} 分）。看看参考答案，明天再来！"
    anonymous = "学员{letter}"

    # ------------------------------------------------------------ leaderboard, stats, insight
    board_title_team = "{team}{period}排行榜"
    board_title_everyone = "全员{period}排行榜"
    board_empty = "这个时间段还没有人得分。回答今天的挑战就能上榜！"
    board_row = "{rank:>2}. {name}  {points} 分｜作答 {answers}｜通过率 {rate}｜连续 {streak} 天"
    board_you = "{rank:>2}. {name}（你）  {points} 分｜作答 {answers}｜连续 {streak} 天"
    stats_title = "{name} 的成绩"
    stats_head = ("本周 {week} 分（团队第 {rank}/{members} 名），累计 {total} 分，"
                  "作答 {answers} 次，通过率 {rate}，连续 {streak} 天。")
    stats_skill = "{skill}：平均 {average} 分（{answers} 题）"
    skills_heading = "各项技能"
    stats_recent = "{day} {content}：{score} 分{passed}（{reason}）"
    stats_recent_passed = "，通过"
    recent_heading = "最近的回答"
    insight_title = "{team}｜团队技能洞察"
    insight_skill = "{skill}：平均 {average} 分（{answers} 份回答）"
    insight_missed = "{label}：漏掉 {misses}/{graded} 次（{rate}）"
    insight_category = "{label}：{count} 次"
    insight_agent = "  {name}：{count} 次"
    missed_heading = "最常失分的步骤"
    weakest_heading = "最弱的技能（从低到高）"
    participation_heading = "参与"
    participation = "参与率 {rate}（{participants}/{agents} 人作答），共 {answers} 份计分回答。"
    summary_title = "{team}｜本周小结"

    # ------------------------------------------------------------ scripts
    share = "分享到频道"
    shared_by = "由 {by} 分享到频道"
    no_script = ("没有找到与「{query}」相关的话术：{count} 个话术的名称、别名、关键词、客户原话、适用情况、步骤和练习题里"
                 "都没有（读音、拼音和首字母也查过）。")
    did_you_mean_script = "没有找到与「{query}」完全对应的话术，你是不是要找："
    close_scripts = "「{query}」和这几个话术都接近，看哪种情况更像："
    script_when = "适用："
    also_scripts = "也可能是：{scripts}"
    challenge_list_title = "全部挑战题（{count} 道）"
    challenge_list_hint = "发布其中一道：/coach post-now challenge <编号>（组长）"
    script_index = "全部话术（输入 /script 名称 查看）："

    # ------------------------------------------------------------ appeals and reviews
    appeal_hint = "不同意评分？{days} 天内发 /coach appeal 申诉，组长会复核。"
    appeal_button = "申诉 / Appeal"
    queued_for_review = "这次评分机器没有把握（{why}），已交给组长复核，结果会私信告诉你。"
    appeal_menu_title = "申诉｜{title}"
    appeal_menu_head = "你在 {day} 的回答得分 {score}/100。你不同意哪一项？"
    appeal_menu_how = ("发送 /coach appeal c2 你的理由 申诉某一项（c 是评分项，f 是合规问题），"
                       "或 /coach appeal 你的理由 申诉整体评分。答题后 {days} 天内可以申诉。")
    whole_grade = "整体评分"
    part_criterion = "{key} {mark} {label}（{points}/{max_points}）"
    part_flag = "{key} ⚠ {label}（{signal}）：「{evidence}」"
    part_certain = "合规红线"
    part_suspect = "仅模型疑似"
    appeal_nothing = "你还没有可以申诉的回答。"
    appeal_not_yours = "只能申诉你自己的回答。"
    appeal_too_late = "这条回答已经超过 {days} 天，不能再申诉了；有疑问请直接找组长。"
    appeal_filed = "已提交申诉 #{id}（「{title}」，{what}）。组长复核后会私信告诉你结果；在此之前分数不变。"
    appeal_to_leads = "{name} 对「{title}」的评分提出申诉 #{id}（{what}；理由：{note}）。发 /coach review {id} 复核。"
    appeal_already = "这条回答已经在复核队列里（#{id}），组长复核后会私信告诉你结果。"
    appeal_decided = "这条回答已经复核过了（#{id}，{name}：{outcome}），不能再申诉；有疑问请直接找组长。"
    review_reasons = {"near_pass": "离及格线只差几分{category}", "timeout": "评分超时，没有评完{category}",
                      "suspect": "疑似{category}，只有模型信号"}
    why_appeal = "申诉：{what}{note}"
    why_grader = "机器没有把握：{reasons}"
    quoted = "「{text}」"
    outcome_open = "待复核"
    outcome_upheld = "维持原判，{score} 分"
    outcome_overridden = "改为 {after} 分（原 {before} 分）"
    queue_title = "{team}｜复核队列（{count} 条）"
    queue_empty = "复核队列是空的：没有待处理的申诉，也没有机器拿不准的评分。"
    queue_line = "#{id} {name}｜{title}｜{day}｜{score} 分｜{why}"
    queue_own = "（你的回答，请其他组长复核）"
    queue_hint = ("/coach review 编号 查看详情；/coach uphold 编号 [备注] 维持，/coach override 编号 分数 [备注] 改分，"
                  "/coach judge 编号 c2 yes|no 逐项判定。")
    review_title = "复核 #{id}｜{title}"
    review_reply = "{name} 的回答（{day}）"
    review_text_erased = "（回答原文已按保存期限删除）"
    review_verdict_heading = "机器的评分"
    review_verdict = "{score}/100，{passed}"
    review_why_heading = "为什么要复核"
    review_decided = "已由 {name} 在 {day} 复核：{outcome}{note}"
    review_how_heading = "怎么处理"
    review_how = ("/coach uphold {id} [备注]：维持原判\n/coach override {id} 分数 [备注]：改分\n"
                  "/coach judge {id} c2 yes|no：某个评分项是否达成；/coach judge {id} f1 yes|no：某个合规问题是否成立")
    button_uphold = "维持原判"
    button_met = "{key} 判为达成"
    button_missed = "{key} 判为未达成"
    button_confirm = "{key} 违规成立"
    button_reject = "{key} 不算违规"
    review_not_found = "没有找到你可以复核的 #{id}。输入 /coach review 查看复核队列。"
    review_own_answer = "不能复核自己的回答，请其他组长或管理员处理。"
    review_already_decided = "#{id} 已经复核过了（{name}：{outcome}）。要改分请用 /coach override。"
    review_no_part = "#{id} 里没有「{part}」这一项；评分项是 c1、c2……，合规问题是 f1、f2……"
    override_score = "分数要写 0 到 100 的整数。用法：{usage}"
    review_done = "#{id}：{outcome}。{told}"
    notice_sent = "已私信通知 {name}。"
    notice_queued = "给 {name} 的私信在发送队列中（{error}），发出后对方会收到。"
    notice_failed = "给 {name} 的私信没有发出去：{error}。请当面告诉对方。"
    notice_title = "复核结果"
    notice_head = "你在 {day} 对「{title}」的回答，组长 {lead} 复核：{outcome}。"
    notice_points = "这道题的积分：{before} → {after}。排行榜、连续天数和成绩都按复核后的分数算。"
    notice_not_counted = "这次回答不计积分（{reason}），分数只作反馈。"
    notice_note = "组长备注：{note}"

    # ------------------------------------------------------------ the leads' weekly digest and its chart
    digest_title = "{team}｜组长周报（{start} 至 {end}）"
    digest_participation = ("{participants}/{agents} 位坐席本周作答。团队平均 {all} 分（没作答的按 0 分计），"
                            "作答者平均 {answered} 分。")
    digest_weak_heading = "最常漏掉的步骤和教它的话术"
    digest_weak = "{label}：漏掉 {misses}/{graded} 次 → {scripts}"
    digest_no_script = "（没有对应的话术）"
    digest_quote = "  {name}：「{quote}」"
    digest_no_slips = "本周没有合规问题。"
    digest_improved_heading = "进步最大"
    digest_improved = "{name}：{before} → {after} 分"
    digest_queue_heading = "复核队列"
    digest_queue = "待处理的申诉 {appeals} 条，机器拿不准的评分 {doubts} 条。输入 /coach review 处理。"
    digest_practice_heading = "个人练习"
    digest_practice = "本周发出 {sent} 道个人练习，作答 {answered} 道，达成 {met} 道。"
    digest_footer = "图表：近 8 周各项技能的平均分和通过率。"
    digest_chart = "{team}｜近 8 周技能和通过率"
    chart_skills_title = "{team}：各项技能平均分（近 {weeks} 周）"
    chart_pass_title = "通过率和作答数"
    chart_score = "平均分"
    chart_pass_rate = "通过率 %"
    chart_answers = "作答数"
    chart_week = "周（周一）"
    chart_no_answers = "这段时间还没有计分的回答"

    # ------------------------------------------------------------ per-agent practice
    practice_title = "个人练习｜{title}"
    practice_why_steps = "上次你在{steps}上失分了，今天再练一次：只有你能看到，不计入排行榜。"
    practice_why_whole = "这道题练的是你最弱的技能：只有你能看到，不计入排行榜。"
    practice_how = "回复：/coach practice 你会对客户说的话（企业微信里直接发「教练 练习 你的回答」）。"
    practice_feedback_title = "练习反馈｜{title}"
    practice_score = "得分 {score}/100。"
    practice_done = "连续 {times} 次做到了，这道练习完成！"
    practice_met_once = "这次做到了。再做到 {left} 次就完成；下一轮在 {days} 个工作日后（{due}）。"
    practice_missed = "{steps}这次还没做到，{days} 个工作日后（{due}）再练一次。"
    practice_whole = "这道题"
    practice_not_counted = "个人练习不计入排行榜，会出现在你的成绩里。"
    practice_nothing_open = "你现在没有待回答的练习。发 /coach practice 领一道。"
    practice_none = "现在没有可以练习的题目。"
    practice_stats = "个人练习：作答 {answers} 次，做到 {met} 次，还有 {open} 道在练。"
    practice_heading = "个人练习"

    # ------------------------------------------------------------ blind calibration sessions
    calibrate_title = "校准练习 #{id}"
    calibrate_intro = ("从本周的回答里抽了 {count} 条。请逐条判断每个评分步骤有没有做到、有没有合规问题，"
                       "看不到机器的评分，也看不到是谁写的。其他组长发 /coach calibrate #{id} 可以评同一组样本。")
    calibrate_item_title = "校准 #{id}｜第 {index}/{count} 条｜{title}"
    calibrate_reply = "坐席的回答"
    calibrate_steps = "逐项判断"
    calibrate_violation = "有合规问题（违规）"
    calibrate_how = "回复 /coach calibrate #{id} {item} 后接 {count} 个 y/n（y=做到了；最后一个 y=有违规），例如 /coach calibrate #{id} {item} {example}"
    calibrate_all_met = "全部做到、无违规"
    calibrate_noted = "第 {item} 条已记下。"
    calibrate_empty = "本周还没有可以校准的回答（计分、未撤回、原文还在的）。"
    calibrate_no_session = "没有找到本团队的校准练习 #{id}。"
    calibrate_no_item = "这组样本只有 1 到 {count} 条，没有第 {item} 条。"
    calibrate_item_gone = "第 {item} 条回答已经删除或撤回，跳过它。"
    calibrate_marks = "要写 {count} 个 y/n，例如 /coach calibrate #{id} {item} yyn"
    calibrate_results_title = "校准 #{id}｜结果"
    calibrate_with_bot = "你评了 {graded}/{total} 条。和机器一致 {agree}/{n} 个判定（{rate}），κ {kappa}。"
    calibrate_misses_heading = "和机器不一致最多的步骤"
    calibrate_miss = "{label}：{count} 次"
    calibrate_leads_heading = "和其他组长"
    calibrate_with_lead = "{name}：一致 {agree}/{n}（{rate}），κ {kappa}"
    calibrate_no_others = "还没有其他组长评这组样本：把 /coach calibrate #{id} 发给他们。"

    # ------------------------------------------------------------ seasons and the team-vs-team board
    season_period = "赛季 {season} "
    no_seasons = "这个团队没有设置赛季：在 coachbot.yaml 的团队里加上 seasons: month 或 seasons: quarter。"
    unknown_season = "看不懂赛季「{name}」，请写成 {example} 这样。"
    teams_board_title = "团队对抗｜{period}"
    teams_board_row = "{rank:>2}. {team}  人均 {per_agent} 分｜参与 {participants}/{agents}｜通过率 {rate}｜共 {points} 分"
    teams_board_note = "按人均积分排名：没有作答的坐席按 0 分计，大小团队可以比较。"

    # ------------------------------------------------------------ commands (keys: coachbot.usecases.commands)
    command_usage = {
        "script": "/script <情况或关键词>，例如 /script 爽约、/script broken-promise；不带参数列出全部话术",
        "leaderboard": "/leaderboard [today|week|month|all|last-week|last-month|season [2026-Q3]] [团队ID|everyone|teams]，例如 /排行榜 本周、/排行榜 赛季、/排行榜 团队对抗",
        "coach": "/coach help｜today｜stats [成员]｜appeal｜skills｜challenges｜post-now lesson|challenge|summary [ID]｜reveal｜review",
        "help": "/help",
        "coach help": "/coach help",
        "coach today": "/coach today",
        "coach stats": "/coach stats [成员]",
        "coach skills": "/coach skills",
        "coach challenges": "/coach challenges",
        "coach post-now": "/coach post-now lesson|challenge|summary [ID]",
        "coach reveal": "/coach reveal",
        "coach forget": "/coach forget <成员>",
        "coach practice": "/coach practice [你的回答]",
        "coach appeal": "/coach appeal [c2|f1] [理由]",
        "coach review": "/coach review [编号]",
        "coach uphold": "/coach uphold <编号> [备注]",
        "coach override": "/coach override <编号> <分数> [备注]",
        "coach calibrate": "/coach calibrate [条数] | #编号 [第几条 y/n…]",
        "coach digest": "/coach digest",
        "coach judge": "/coach judge <编号> <c2|f1> yes|no [备注]",
    }
    command_help = {
        "script": "查话术：按情况或关键词找推荐说法",
        "leaderboard": "排行榜（仅自己可见，可分享到频道）",
        "coach": "coachbot 帮助、今日内容、我的成绩、申诉；组长：立即发布、公布答案、复核",
        "help": "全部命令和用法",
        "coach help": "全部命令和用法",
        "coach today": "今天的小课和挑战",
        "coach stats": "我的积分、排名、连续天数和最近反馈",
        "coach skills": "团队最弱的技能和最常失分的步骤",
        "coach challenges": "全部挑战题的编号和题目（组长可用 post-now 发布）",
        "coach post-now": "立即发布",
        "coach reveal": "立即公布今天的参考答案",
        "coach forget": "删除一位成员的全部作答和记录（个人信息保护法）",
        "coach practice": "个人练习：领一道，或回答手上的这道（不计入排行榜）",
        "coach appeal": "对自己最近一次回答的评分申诉（可指定某一项）",
        "coach review": "复核队列：申诉和机器拿不准的评分",
        "coach uphold": "复核：维持原判",
        "coach override": "复核：改分",
        "coach calibrate": "校准练习：盲评本周回答，看和机器、和其他组长的一致程度",
        "coach digest": "组长周报和近 8 周图表（每周小结时也会私信发给组长）",
        "coach judge": "复核：逐项判定评分项或合规问题",
    }
    slash_hint = {   # the short argument hint platforms show beside a slash command
        "script": "[情况或关键词，例如 爽约]",
        "leaderboard": "[today|week|month|all|last-week|last-month|season] [everyone|teams]",
        "coach": "help | today | stats | appeal | skills | challenges | post-now | reveal | review",
    }
    help_title = "coachbot 使用说明"
    help_intro = "每个工作日：上午一节小课，随后一道情景挑战。直接在频道里写下你会对客户说的话，机器人私下给你打分和点评。"
    help_commands = "命令："
    help_chinese = "中文也可以：/话术 爽约、/排行榜 本周、/教练 帮助"
    leads_only_mark = "（组长）"
    usage = "用法：{usage}"
    unknown_command = "没有 /{word} 这个命令。{hint}输入 /coach help 查看全部命令。"
    unknown_command_hint = "你是不是要用 /{close}？"
    unknown_subcommand = "没有「{word}」这个子命令。{hint}\n用法：{usage}"
    unknown_subcommand_hint = "你是不是要用 /coach {close}？"
    unknown_word = "看不懂「{word}」。用法：{usage}"
    no_team_here = "这个频道还没有关联到任何团队。请组长在 coachbot.yaml 的 teams.channels 里加上它。"
    no_team_leaderboard = "这个频道还没有关联团队，可以用 /leaderboard week everyone 看全员排行。"
    admins_only = "抱歉，这个命令只有管理员可以用。"
    admins_only_mark = "（管理员）"
    forgotten = "已删除 {name} 的全部作答和记录（{replies} 条作答）。排行榜会按剩下的作答重新计算。"
    leads_only = "抱歉，这个命令只有组长和管理员可以用。需要的话请联系你的组长。"
    nothing_posted_today = "今天还没有发布小课或挑战。"
    stats_not_yours = "只能查看自己的成绩；组长可以查看本组成员的成绩。输入 /coach stats 查看你自己的。"
    member_not_found = "没有找到成员「{who}」。"
    no_answers_yet = "你还没有回答过挑战。回答今天的挑战就会有成绩了！"
    no_lesson = "没有找到小课 {id}。"
    no_lesson_id = "没有 id 为 {id} 的小课。"
    no_challenge = "没有找到挑战 {id}。"
    no_challenge_id = "没有 id 为 {id} 的挑战。你是不是要找：{close}"
    already_posted = "今天的{what}已经发过了，不会重复发布。"
    already_posted_other = "今天的{what}已经发过了，是「{title}」，所以没有再发 {asked}：每天只发一个{what}，今天的回答都算在它名下。"
    already_on_its_way = "今天的{what}已经在发送队列里了，不会重复发布。"
    not_posted_no_channel = "{what}没有发出去：这个团队在本平台还没有配置频道。"
    post_queued = "{what}已进入发送队列，但平台还没有接收（{error}）。会自动重试，发出后会出现在频道里。"
    post_failed = "{what}没有发出去：{error}。处理好之后可以再用 /coach post-now 发一次。"
    no_answer_yet = "还在等平台响应"
    posted = "已发布{what}。"
    no_challenge_today = "今天的挑战还没有发出去，没有答案可以公布。可以用 /coach post-now challenge 发布。"
    challenge_not_out_yet = "今天的挑战还在发送中，发出之后才能公布答案。"
    already_revealed = "今天的答案已经公布过了。"
    revealed = "已公布参考答案。"
    challenge_withdrawn = "这道挑战已经下线了，请等下一题。"
    content_problem_title = "团队内容有问题"
    content_problem_intro = "团队内容文件夹里有 {files} 个文件没能加载，其余内容照常使用："
    content_standins = {
        "last_good": "正在使用它上次正常加载的版本",
        "builtin": "正在使用同名的内置版本",
        "none": "这一条暂时下线",
    }
    content_problem_file = "{file}：{standin}"
    content_problem_more = "……另有 {more} 条问题"
    content_problem_fix = "问题明细见下；改好后运行 `coachbot validate` 检查，重启 coachbot 后生效。"
    # ------------------------------------------------------------ WeCom (no slash commands, no ephemeral messages)
    wecom_no_image = "（图表 {name} 无法通过智能机器人发送：配置自建应用后会随周报发来，或用 coachbot digest --png 生成。）"
    wecom_answer_hint = "作答：在群里 @我 写下你会对客户说的话，或者私聊我直接回复。"
    wecom_card_title = "coachbot"
    wecom_answer_button = "我要作答"
    wecom_card_desc = {"challenge": "今日挑战", "script": "话术"}
    wecom_answer_prompt = "请直接在这里回复你会对客户说的话（今天的挑战：「{title}」），我会私下给你打分和点评。"
    private_reply_ack = "已收到 @{name}，反馈已私信。"
    private_reply_failed = "@{name} 你的消息已收到，但反馈没能私信给你（{error}）：请先私聊我一次，再发「教练 我的」查看成绩。"
    forgotten_member = "（已删除的成员）"
    apology = "抱歉，处理你的消息时出了点问题（编号 {ref}）。请稍后再试，或把编号告诉组长。"

    # ------------------------------------------------------------ chat platforms
    bot_intro = ("我是 coachbot：每个工作日一节小课和一道情景挑战。"
                 "直接在团队频道（或挑战帖的回复里）写下你的回答，或者点挑战卡片上的「回答 / Answer」。\n"
                 "命令：/script 关键词（查话术）、/leaderboard（排行榜）、/coach help（全部命令）")
    not_in_channel = "我还不在这个频道里，发不了消息。请先 /invite @coachbot，再试一次。"
    form_not_opened = "回答表单没有打开（Slack 没有及时响应）。请再点一次「回答」，或直接在挑战帖里回复。"
    share_failed = "分享失败（{error}），请稍后再试。"
    not_shareable = "这个内容不能分享到频道。"
    answer_not_recorded = "这道挑战已经结束，或者这个频道还没有关联团队，这次回答没有记录。"
    write_your_answer = "请写下你会对客户说的话。"
    modal_today = "今日挑战"
    modal_close = "关闭"
    modal_cancel = "取消"
    modal_submit = "提交"
    modal_title = "回答｜{title}"
    modal_label = "你会怎么说？"
    modal_hint = "只有你能看到评分反馈。请不要写客户的真实姓名、电话或证件号。"
    home_mine = "我的成绩"
    home_top = "{team}｜本周前 10 名"
    home_weak = "{team}｜本月薄弱环节（组长可见）"
    too_long_surface = "（内容太长，只显示前面部分）"
    unconfigured_title = "coachbot 还没有在这个频道启用 / coachbot is not set up in this channel"
    unconfigured = ("这个频道（{channel}）还没有关联到任何团队，所以这里暂时不会有小课和挑战。\n"
                    "组长：请在 coachbot.yaml 的 teams → channels → {platform} 里加上 {channel}，然后重启 coachbot。"
                    "（/script 查话术在任何频道都能用。）")
