"""The bot's own wording in English, for teams with ``language: en``. Content stays Chinese.

Every entry of :class:`coachbot.present.strings.zh.Zh` is overridden here with
the same placeholders (a test checks it).
"""

from __future__ import annotations

from coachbot.present.strings.zh import Zh


class En(Zh):
    lang = "en"
    list_sep = ", "
    sentence_end = "."

    # ------------------------------------------------------------ labels
    skills = {
        "principles": "Principles", "listening": "Listening", "expression": "Clear expression", "emotion": "Emotions",
        "customer-types": "Customer types", "stages": "Overdue stages", "hard-cases": "Hard cases",
        "compliance": "Compliance", "negotiation": "Negotiation", "psychology": "Psychology", "self-care": "Self-care",
        "workflow": "Workflow",
    }
    categories = {
        "threat": "Threats", "insult": "Insults", "impersonation": "Impersonation",
        "third-party-disclosure": "Disclosure to third parties", "false-consequence": "False or exaggerated consequences",
        "harassment": "Harassment", "debt-inducement": "Pushing new borrowing",
    }
    reasons = {
        "counted": "Counts for points", "practice": "Practice (not scored)",
        "after_reveal": "The answer is already out: feedback only, no points",
        "violation": "Compliance problem: this challenge scores 0",
    }
    personal_data = {"身份证号": "ID card number", "银行卡号": "bank card number", "手机号": "mobile number"}
    periods = {"today": "today", "week": "this week", "month": "this month", "all": "all time",
               "last_week": "last week", "last_month": "last month"}
    post_kinds = {"lesson": "lesson", "challenge": "challenge", "summary": "weekly summary"}

    # ------------------------------------------------------------ lesson and challenge cards
    lesson_title = "Today's lesson | {title}"
    try_today = "Try it today"
    basis = "Based on"
    tags = "Tags: "
    challenge_title = "Today's challenge | {title}"
    situation = "Situation"
    customer_says = "The customer says"
    how_to_answer = "How to answer"
    why_this_one = "Why this one"
    answer_in_thread = ("Write your answer as a reply to this post (in its thread); "
                        "other channel messages are not answers.")
    answer_in_channel = ("Write what you would say to the customer right in the channel (or as a reply to this post); "
                         "chatter such as \"OK\" or \"got it\" is not an answer.")
    answer_prompt = "What would you say next? {where} The model answer comes out at {hm}; your first answer before then counts."
    difficulty = "Difficulty {stars}  Skills: "
    weak_skill_reason = "Lately the team has scored lowest on “{skill}”, so today we practise it."
    answer_button = "回答 / Answer"

    # ------------------------------------------------------------ feedback
    feedback_title = "Your challenge feedback (only you can see this)"
    passed = "passed ✅"
    not_passed = "not passed"
    score_head = "Score {score}/100, {verdict}. "
    earned = ": you earn {points} points."
    still_open = " (a reply this short does not use up your scored attempt: write it out in full and send it again)"
    attempt = " (attempt {attempt})"
    violation_line = "⚠ {label}: “{evidence}” — breaks {rule}"
    compliance_issues = "Compliance issues"
    met_line = "✓ {label} ({points}/{max_points}) found: {evidence}"
    missed_line = "✗ {label} (0/{max_points}) {feedback}"
    step_by_step = "Step by step"
    next_time = "Next time, try"
    privacy_reminder = "Privacy reminder"
    answer_cut = "Your reply is over {limit} characters: only the first {limit} were graded and kept."
    privacy_notice = ("Note: your reply contained personal data ({kinds}). It has been hidden automatically, keeping only "
                      "the last 4 digits. Under the Personal Information Protection Law (minimum necessary), never post a "
                      "customer's personal information in the group or in practice answers.")
    note_violation = "Compliance problem: this reply scores 0 and cannot pass: {items}"
    note_violation_item = "“{evidence}” ({label})"
    note_timeout = ("A rule of this challenge is too slow: grading did not finish within {seconds} s. "
                    "This reply scores nothing and uses up no attempt; the admins have it in the log.")
    not_judged = " (not judged: it does not use up your scored attempt, send it again)"
    note_too_short = ("Your reply is too short (under {min_chars} characters). "
                      "Write out everything you would actually say to the customer on the call.")
    note_keywords = ("This reads like a list of keywords, not something you would say to a customer. "
                     "Answer in full sentences, as you would on the phone.")
    note_critical = "A key step is missing: {missed}. Without it the reply cannot pass."

    not_an_answer = "This doesn't read like something said to the customer (e.g. \"OK\", \"got it\"), so it was not recorded as an answer; your scored attempt is still open."
    answer_edited = ("You edited your earlier answer: the new wording is graded as a new attempt, and the old one "
                     "will not be shown when the answer is revealed.")
    answer_withdrawn = ("You deleted this answer: it is withdrawn, scores nothing and will not be shown when the answer "
                        "is revealed. Deleting does not give you a new scored attempt.")

    # ------------------------------------------------------------ reveal
    reveal_title = "Answer revealed | {title}"
    model_answer = "Model answer"
    best_replies = "Today's best replies"
    best_line = "{name} ({score} points): {text}"
    nobody_answered = "Nobody answered today. See you tomorrow!"
    nobody_passed = "{answered} answered today and nobody passed yet (best score {top}). Read the model answer and try again tomorrow!"
    anonymous = "Member {letter}"

    # ------------------------------------------------------------ leaderboard, stats, insight
    board_title_team = "{team} | Leaderboard, {period}"
    board_title_everyone = "Everyone | Leaderboard, {period}"
    board_empty = "Nobody has scored in this period yet. Answer today's challenge to get on the board!"
    board_row = "{rank:>2}. {name}  {points} pts | answers {answers} | pass rate {rate} | streak {streak} days"
    board_you = "{rank:>2}. {name} (you)  {points} pts | answers {answers} | streak {streak} days"
    stats_title = "{name}'s results"
    stats_head = ("This week {week} points (#{rank} of {members} in the team), {total} in all, "
                  "{answers} answers, pass rate {rate}, streak {streak} days.")
    stats_skill = "{skill}: average {average} ({answers} challenges)"
    skills_heading = "Skills"
    stats_recent = "{day} {content}: {score} points{passed} ({reason})"
    stats_recent_passed = ", passed"
    recent_heading = "Recent answers"
    insight_title = "{team} | Team skill insight"
    insight_skill = "{skill}: average {average} ({answers} answers)"
    insight_missed = "{label}: missed {misses}/{graded} times ({rate})"
    insight_category = "{label}: {count} times"
    insight_agent = "  {name}: {count} times"
    missed_heading = "Most often missed steps"
    weakest_heading = "Weakest skills (lowest first)"
    participation_heading = "Participation"
    participation = "Participation {rate} ({participants}/{agents} members answered), {answers} scored answers in all."
    summary_title = "{team} | Weekly summary"

    # ------------------------------------------------------------ scripts
    share = "Share to channel"
    shared_by = "Shared to the channel by {by}"
    no_script = ("No script found for “{query}”: nothing in the names, aliases, keywords, customer lines, when-to-use "
                 "lines, steps or practice challenges of the {count} scripts (sound, pinyin and initials included).")
    did_you_mean_script = "No script matches “{query}” exactly. Did you mean:"
    close_scripts = "“{query}” is close to each of these; pick the one that fits:"
    script_when = "When: "
    also_scripts = "Also close: {scripts}"
    challenge_list_title = "All challenges ({count})"
    challenge_list_hint = "To post one: /coach post-now challenge <id> (leads)"
    script_index = "All scripts (type /script <name> to open one):"

    # ------------------------------------------------------------ appeals and reviews
    appeal_hint = "Disagree with the score? Within {days} days send /coach appeal and a lead will review it."
    appeal_button = "Appeal / 申诉"
    queued_for_review = "The bot is not sure of this score ({why}): a lead will review it and tell you privately."
    appeal_menu_title = "Appeal | {title}"
    appeal_menu_head = "Your answer on {day} scored {score}/100. Which part do you disagree with?"
    appeal_menu_how = ("Send /coach appeal c2 your reason to appeal one part (c: rubric steps, f: compliance problems), "
                       "or /coach appeal your reason to appeal the whole score. You can appeal within {days} days.")
    whole_grade = "Whole score"
    part_criterion = "{key} {mark} {label} ({points}/{max_points})"
    part_flag = "{key} ⚠ {label} ({signal}): \"{evidence}\""
    part_certain = "compliance red flag"
    part_suspect = "suspected by the model only"
    appeal_nothing = "You have no answer to appeal yet."
    appeal_not_yours = "You can only appeal your own answers."
    appeal_too_late = "This answer is more than {days} days old and can no longer be appealed; talk to your lead."
    appeal_filed = ("Appeal #{id} filed (\"{title}\", {what}). A lead will review it and tell you privately; "
                    "the score stays as it is until then.")
    appeal_to_leads = ("{name} appealed the grade of \"{title}\" (#{id}, {what}; reason: {note}). "
                       "Send /coach review {id} to review it.")
    appeal_already = "This answer is already in the review queue (#{id}); a lead will tell you the outcome privately."
    appeal_decided = ("This answer was already reviewed (#{id}, {name}: {outcome}) and cannot be appealed again; "
                      "talk to your lead.")
    review_reasons = {"near_pass": "a few points from the pass mark{category}",
                      "timeout": "grading ran out of time{category}",
                      "suspect": "suspected {category}, by the model only"}
    why_appeal = "Appeal: {what}{note}"
    why_grader = "The bot is not sure: {reasons}"
    quoted = " \"{text}\""
    outcome_open = "waiting for review"
    outcome_upheld = "upheld, {score} points"
    outcome_overridden = "changed to {after} (was {before})"
    queue_title = "{team} | Review queue ({count})"
    queue_empty = "The review queue is empty: no appeals waiting and no scores the bot was unsure of."
    queue_line = "#{id} {name} | {title} | {day} | {score} | {why}"
    queue_own = " (your own answer: another lead reviews it)"
    queue_hint = ("/coach review N for details; /coach uphold N [note], /coach override N SCORE [note], "
                  "/coach judge N c2 yes|no part by part.")
    review_title = "Review #{id} | {title}"
    review_reply = "{name}'s answer ({day})"
    review_text_erased = "(the answer's text was erased after the retention period)"
    review_verdict_heading = "The bot's grade"
    review_verdict = "{score}/100, {passed}"
    review_why_heading = "Why it is here"
    review_decided = "Reviewed by {name} on {day}: {outcome}{note}"
    review_how_heading = "What to do"
    review_how = ("/coach uphold {id} [note]: uphold the grade\n/coach override {id} SCORE [note]: set the score\n"
                  "/coach judge {id} c2 yes|no: was a rubric step met; /coach judge {id} f1 yes|no: does a compliance "
                  "problem stand")
    button_uphold = "Uphold"
    button_met = "{key} met"
    button_missed = "{key} missed"
    button_confirm = "{key} stands"
    button_reject = "{key} not a violation"
    review_not_found = "There is no #{id} you can review. /coach review shows the queue."
    review_own_answer = "You cannot review your own answer: another lead or an admin has to."
    review_already_decided = "#{id} was already reviewed ({name}: {outcome}). Use /coach override to change the score."
    review_no_part = "#{id} has no part \"{part}\": rubric steps are c1, c2 …, compliance problems f1, f2 …"
    override_score = "The score must be a whole number from 0 to 100. Usage: {usage}"
    review_done = "#{id}: {outcome}. {told}"
    notice_sent = "{name} was told privately."
    notice_queued = "The private message to {name} is queued ({error}); they will get it once it goes out."
    notice_failed = "The private message to {name} did not go out: {error}. Please tell them yourself."
    notice_title = "Review outcome"
    notice_head = "Your answer on {day} to \"{title}\" was reviewed by {lead}: {outcome}."
    notice_points = "Points for this challenge: {before} -> {after}. Leaderboards, streaks and stats use the reviewed score."
    notice_not_counted = "This answer does not count for points ({reason}); the score is feedback only."
    notice_note = "Lead's note: {note}"

    # ------------------------------------------------------------ the leads' weekly digest and its chart
    digest_title = "{team} | Lead's weekly digest ({start} to {end})"
    digest_participation = ("{participants}/{agents} agents answered this week. Team mean {all} (agents who did not "
                            "answer count as 0); mean of those who answered {answered}.")
    digest_weak_heading = "Steps missed most, and the scripts that teach them"
    digest_weak = "{label}: missed {misses}/{graded} -> {scripts}"
    digest_no_script = "(no script for it)"
    digest_quote = "  {name}: \"{quote}\""
    digest_no_slips = "No compliance problems this week."
    digest_improved_heading = "Most improved"
    digest_improved = "{name}: {before} -> {after}"
    digest_queue_heading = "Review queue"
    digest_queue = "{appeals} appeals and {doubts} scores the bot was unsure of are waiting. /coach review to decide."
    digest_practice_heading = "Personal practice"
    digest_practice = "This week {sent} practice items went out, {answered} were answered and {met} met."
    digest_footer = "Chart: each skill's mean score and the pass rate over the last 8 weeks."
    digest_chart = "{team} | Skills and pass rate, last 8 weeks"
    chart_skills_title = "{team}: mean score per skill (last {weeks} weeks)"
    chart_pass_title = "Pass rate and answers"
    chart_score = "Mean score"
    chart_pass_rate = "Pass rate %"
    chart_answers = "Answers"
    chart_week = "Week (Monday)"
    chart_no_answers = "No scored answers in these weeks yet"

    # ------------------------------------------------------------ per-agent practice
    practice_title = "Practice | {title}"
    practice_why_steps = "Last time you lost points on {steps}: try it again. Only you see this; it does not count for the leaderboard."
    practice_why_whole = "This one practises your weakest skill. Only you see it; it does not count for the leaderboard."
    practice_how = "Reply with /coach practice and what you would say to the customer."
    practice_feedback_title = "Practice feedback | {title}"
    practice_score = "Score {score}/100."
    practice_done = "Met {times} times in a row: this practice is done!"
    practice_met_once = "Met this time. {left} more and it is done; the next round is in {days} working days ({due})."
    practice_missed = "{steps}: not yet. It comes back in {days} working days ({due})."
    practice_whole = "This challenge"
    practice_not_counted = "Practice does not count for the leaderboard; it shows in your stats."
    practice_nothing_open = "You have no practice waiting for an answer. Send /coach practice to get one."
    practice_none = "There is no challenge to practise right now."
    practice_stats = "Practice: {answers} answers, {met} met, {open} items still going."
    practice_heading = "Practice"

    # ------------------------------------------------------------ blind calibration sessions
    calibrate_title = "Calibration #{id}"
    calibrate_intro = ("{count} of this week's answers were sampled. Judge each rubric step and whether there is a "
                       "compliance problem, without the bot's score and without the author's name. Other leads send "
                       "/coach calibrate #{id} to grade the same sample.")
    calibrate_item_title = "Calibration #{id} | {index}/{count} | {title}"
    calibrate_reply = "The agent's answer"
    calibrate_steps = "Judge each"
    calibrate_violation = "Has a compliance problem"
    calibrate_how = "Reply /coach calibrate #{id} {item} and {count} y/n (y = met; the last y = a violation), e.g. /coach calibrate #{id} {item} {example}"
    calibrate_all_met = "All met, no violation"
    calibrate_noted = "Item {item} noted."
    calibrate_empty = "No answers to calibrate this week yet (scored, standing, text kept)."
    calibrate_no_session = "There is no calibration session #{id} for this team."
    calibrate_no_item = "This sample has items 1 to {count}; there is no item {item}."
    calibrate_item_gone = "Answer {item} was deleted or withdrawn: skip it."
    calibrate_marks = "Write {count} y/n, e.g. /coach calibrate #{id} {item} yyn"
    calibrate_results_title = "Calibration #{id} | Results"
    calibrate_with_bot = "You graded {graded}/{total}. You agreed with the bot on {agree}/{n} judgements ({rate}), kappa {kappa}."
    calibrate_misses_heading = "Steps you and the bot disagreed on most"
    calibrate_miss = "{label}: {count}"
    calibrate_leads_heading = "With the other leads"
    calibrate_with_lead = "{name}: agreed {agree}/{n} ({rate}), kappa {kappa}"
    calibrate_no_others = "No other lead has graded this sample yet: send them /coach calibrate #{id}."

    # ------------------------------------------------------------ seasons and the team-vs-team board
    season_period = " season {season} "
    no_seasons = "This team has no seasons: add seasons: month or seasons: quarter to the team in coachbot.yaml."
    unknown_season = "Cannot read the season \"{name}\"; write it like {example}."
    teams_board_title = "Team vs team | {period}"
    teams_board_row = "{rank:>2}. {team}  {per_agent} per agent | answered {participants}/{agents} | pass rate {rate} | {points} points"
    teams_board_note = "Ranked by points per agent: agents who did not answer count as 0, so teams of any size compare."

    # ------------------------------------------------------------ commands
    command_usage = {
        "script": "/script <situation or keyword>, e.g. /script broken-promise; with no argument it lists every script",
        "leaderboard": "/leaderboard [today|week|month|all|last-week|last-month|season [2026-Q3]] [team id|everyone|teams], e.g. /leaderboard season",
        "coach": "/coach help | today | stats [member] | appeal | skills | challenges | post-now lesson|challenge|summary [ID] | reveal | review",
        "help": "/help",
        "coach help": "/coach help",
        "coach today": "/coach today",
        "coach stats": "/coach stats [member]",
        "coach skills": "/coach skills",
        "coach challenges": "/coach challenges",
        "coach post-now": "/coach post-now lesson|challenge|summary [ID]",
        "coach reveal": "/coach reveal",
        "coach forget": "/coach forget <member>",
        "coach practice": "/coach practice [your reply]",
        "coach appeal": "/coach appeal [c2|f1] [reason]",
        "coach review": "/coach review [N]",
        "coach uphold": "/coach uphold <N> [note]",
        "coach override": "/coach override <N> <score> [note]",
        "coach calibrate": "/coach calibrate [N] | #S [item y/n…]",
        "coach digest": "/coach digest",
        "coach judge": "/coach judge <N> <c2|f1> yes|no [note]",
    }
    command_help = {
        "script": "Look up a call script by situation or keyword",
        "leaderboard": "Leaderboard (only you see it; you can share it to the channel)",
        "coach": "coachbot help, today's content, my results, appeals; leads: post now, reveal the answer, review",
        "help": "every command and how to use it",
        "coach help": "every command and how to use it",
        "coach today": "today's lesson and challenge",
        "coach stats": "my points, rank, streak and recent feedback",
        "coach skills": "the team's weakest skills and most often missed steps",
        "coach challenges": "every challenge's id and title (leads post one with post-now)",
        "coach post-now": "post now",
        "coach reveal": "reveal today's model answer now",
        "coach forget": "erase a member's replies and record (personal information law)",
        "coach practice": "personal practice: get one, or answer the one you have (never on the leaderboard)",
        "coach appeal": "appeal the score of your latest answer (or one part of it)",
        "coach review": "the review queue: appeals and scores the bot was unsure of",
        "coach uphold": "review: uphold the grade",
        "coach override": "review: set the score",
        "coach calibrate": "calibration: grade a blind sample of this week's answers, see agreement with the bot and other leads",
        "coach digest": "the lead's weekly digest with its 8-week chart (also sent privately at the weekly summary)",
        "coach judge": "review: judge a rubric step or a compliance problem",
    }
    slash_hint = {
        "script": "[situation or keyword, e.g. broken-promise]",
        "leaderboard": "[today|week|month|all|last-week|last-month|season] [everyone|teams]",
        "coach": "help | today | stats | appeal | skills | challenges | post-now | reveal | review",
    }
    help_title = "coachbot help"
    help_intro = ("Every working day: a short lesson in the morning, then a role-play challenge. Write what you would say "
                  "to the customer right in the channel; the bot scores it and gives you feedback privately.")
    help_commands = "Commands:"
    help_chinese = "Chinese works too: /话术 爽约, /排行榜 本周, /教练 帮助"
    leads_only_mark = " (leads)"
    usage = "Usage: {usage}"
    unknown_command = "There is no /{word} command.{hint} Type /coach help to see every command."
    unknown_command_hint = " Did you mean /{close}?"
    unknown_subcommand = "There is no subcommand “{word}”.{hint}\nUsage: {usage}"
    unknown_subcommand_hint = " Did you mean /coach {close}?"
    unknown_word = "I don't understand “{word}”. Usage: {usage}"
    no_team_here = "This channel does not belong to a team yet. A team lead can add it under teams.channels in coachbot.yaml."
    no_team_leaderboard = "This channel has no team yet; try /leaderboard week everyone for everyone's ranking."
    admins_only = "Sorry, only admins can use this command."
    admins_only_mark = " (admins)"
    forgotten = "Erased {name}'s replies and record ({replies} replies). Leaderboards count what is left."
    leads_only = "Sorry, only team leads and admins can use this command. Please ask your team lead if you need it."
    nothing_posted_today = "No lesson or challenge has been posted today."
    stats_not_yours = "You can only see your own results; team leads can see their team's. Type /coach stats for yours."
    member_not_found = "No member “{who}” found."
    no_answers_yet = "You haven't answered a challenge yet. Answer today's to get your first result!"
    no_lesson = "No lesson {id} found."
    no_lesson_id = "There is no lesson with id {id}."
    no_challenge = "No challenge {id} found."
    no_challenge_id = "There is no challenge with id {id}. Did you mean: {close}"
    already_posted = "Today's {what} has already gone out; it won't be posted twice."
    already_posted_other = ("Today's {what} is already out — \"{title}\" — so {asked} was not posted: one {what} a day, "
                            "and today's replies go to it.")
    already_on_its_way = "Today's {what} is already on its way; it won't be posted twice."
    not_posted_no_channel = "The {what} didn't go out: this team has no channel on this platform yet."
    post_queued = ("The {what} is queued, but the platform hasn't taken it yet ({error}). It will be retried "
                   "and appear in the channel once it goes out.")
    post_failed = "The {what} didn't go out: {error}. Once that is fixed, /coach post-now sends it again."
    no_answer_yet = "still waiting for the platform"
    posted = "Posted the {what}."
    no_challenge_today = "Today's challenge has not gone out, so there is no answer to reveal. /coach post-now challenge posts it."
    challenge_not_out_yet = "Today's challenge is still on its way; its answer can be revealed once it is out."
    already_revealed = "Today's answer has already been revealed."
    revealed = "Revealed the model answer."
    challenge_withdrawn = "This challenge has been withdrawn. Please wait for the next one."
    content_problem_title = "Problems in the team's content"
    content_problem_intro = "{files} file(s) in the team's content folders did not load; everything else is in use:"
    content_standins = {
        "last_good": "the version that last loaded without problems is in use",
        "builtin": "the built-in item with the same id is in use",
        "none": "this item is offline for now",
    }
    content_problem_file = "{file}: {standin}"
    content_problem_more = "... and {more} more problem(s)"
    content_problem_fix = "Details below; fix them, check with `coachbot validate`, and restart coachbot."
    wecom_no_image = "(The chart {name} cannot be sent through the AI bot: set up the self-built app to get it with the digest, or make it with coachbot digest --png.)"
    wecom_answer_hint = "To answer: @mention me in the group with what you would say, or reply to me one-to-one."
    wecom_card_title = "coachbot"
    wecom_answer_button = "Answer"
    wecom_card_desc = {"challenge": "Today's challenge", "script": "Script"}
    wecom_answer_prompt = ("Reply here with what you would say to the customer (today's challenge: \"{title}\"); "
                           "I will score it and give you feedback privately.")
    private_reply_ack = "Got it, @{name}: feedback sent privately."
    private_reply_failed = ("@{name} your message was received, but the feedback could not reach you privately "
                            "({error}): message me one-to-one once, then send \"coach stats\" to see it.")
    forgotten_member = "(an erased member)"
    apology = ("Sorry, something went wrong with your message (reference {ref}). "
               "Please try again later, or give the reference to your team lead.")

    # ------------------------------------------------------------ chat platforms
    bot_intro = ("I'm coachbot: a short lesson and a role-play challenge every working day. "
                 "Write your answer right in the team channel (or as a reply to the challenge post), or press "
                 "\"回答 / Answer\" on the challenge card.\n"
                 "Commands: /script keyword (look up a script), /leaderboard (rankings), /coach help (every command)")
    not_in_channel = "I'm not in this channel yet, so I can't post here. Please /invite @coachbot and try again."
    form_not_opened = "The answer form did not open (Slack did not answer in time). Press Answer again, or reply in the challenge thread."
    share_failed = "Sharing failed ({error}). Please try again later."
    not_shareable = "This can't be shared to the channel."
    answer_not_recorded = ("This challenge has closed, or this channel has no team, so this answer "
                           "was not recorded.")
    write_your_answer = "Please write what you would say to the customer."
    modal_today = "Today's challenge"
    modal_close = "Close"
    modal_cancel = "Cancel"
    modal_submit = "Submit"
    modal_title = "Answer | {title}"
    modal_label = "What would you say?"
    modal_hint = "Only you see the feedback. Don't write the customer's real name, phone or ID number."
    home_mine = "My results"
    home_top = "{team} | Top 10 this week"
    home_weak = "{team} | Weak spots this month (leads only)"
    too_long_surface = "(Too long: only the first part is shown)"
    unconfigured_title = "coachbot 还没有在这个频道启用 / coachbot is not set up in this channel"
    unconfigured = ("This channel ({channel}) does not belong to a team yet, so no lessons or challenges appear here.\n"
                    "Team leads: add {channel} under teams → channels → {platform} in coachbot.yaml, then restart "
                    "coachbot. (/script works in every channel.)")
