//! The quiz pages' own strings, loaded with their chunk rather than with every page.

use jieti_api::Locale;

/// The fixed strings of the quiz pages in one locale.
pub struct QuizText {
    /// Mode names: practice, graded quiz, mock exam.
    pub modes: [&'static str; 3],
    /// Kind names, in `QuestionKind` order.
    pub kinds: [&'static str; 8],
    /// Button: start.
    pub start: &'static str,
    /// Button: resume the attempt in progress.
    pub resume: &'static str,
    /// Button: another attempt.
    pub retry: &'static str,
    /// Label: questions.
    pub questions: &'static str,
    /// Label: time limit.
    pub time_limit: &'static str,
    /// Label: pass mark.
    pub pass_mark: &'static str,
    /// Label: attempts allowed.
    pub attempts_allowed: &'static str,
    /// Value: no limit.
    pub unlimited: &'static str,
    /// Heading: your attempts.
    pub your_attempts: &'static str,
    /// Note: no attempts left.
    pub no_attempts_left: &'static str,
    /// Button: previous question.
    pub prev: &'static str,
    /// Button: next question.
    pub next: &'static str,
    /// Button: check this answer (practice).
    pub check: &'static str,
    /// Button: submit.
    pub submit: &'static str,
    /// Confirmation heading.
    pub confirm_title: &'static str,
    /// Confirmation: every question answered.
    pub all_answered: &'static str,
    /// Confirmation: unanswered questions follow.
    pub unanswered: &'static str,
    /// Button: submit anyway.
    pub submit_anyway: &'static str,
    /// Button: back to the questions.
    pub keep_going: &'static str,
    /// Label: time left.
    pub time_left: &'static str,
    /// Announcement: five minutes left.
    pub five_minutes: &'static str,
    /// Announcement: one minute left.
    pub one_minute: &'static str,
    /// Sync: answers saved on the server.
    pub saved: &'static str,
    /// Sync: answers kept on this device.
    pub saved_here: &'static str,
    /// Submission waiting for the network.
    pub submit_pending: &'static str,
    /// Submitting now.
    pub submitting: &'static str,
    /// Result: passed.
    pub passed: &'static str,
    /// Result: not passed.
    pub failed: &'static str,
    /// Result note: submitted when time ran out.
    pub auto_submitted: &'static str,
    /// Review: your answer.
    pub your_answer: &'static str,
    /// Review: the right answer.
    pub right_answer: &'static str,
    /// Review: explanation.
    pub explanation: &'static str,
    /// Review: answers are not shown (yet).
    pub answers_hidden: &'static str,
    /// Outcomes, in `Outcome` order: correct, partial, wrong, unanswered, ungraded.
    pub outcomes: [&'static str; 5],
    /// Nothing answered.
    pub no_answer: &'static str,
    /// Ordering: move up.
    pub move_up: &'static str,
    /// Ordering: move down.
    pub move_down: &'static str,
    /// Matching: placeholder option.
    pub choose: &'static str,
    /// Blank label prefix.
    pub blank: &'static str,
    /// Multiple choice: pick at most.
    pub pick_at_most: &'static str,
    /// Heading and link: the wrong-answer book.
    pub mistakes: &'static str,
    /// Label: due for review now.
    pub due: &'static str,
    /// Label: still learning.
    pub active: &'static str,
    /// Label: mastered.
    pub mastered: &'static str,
    /// Button: review the questions due.
    pub start_review: &'static str,
    /// Nothing due.
    pub nothing_due: &'static str,
    /// Review box.
    pub box_label: &'static str,
    /// After a review answer: next due.
    pub next_review: &'static str,
    /// After a review answer: mastered.
    pub now_mastered: &'static str,
    /// Session done.
    pub review_done: &'static str,
    /// Score label.
    pub score: &'static str,
    /// Question label prefix.
    pub question: &'static str,
    /// Points unit.
    pub points: &'static str,
    /// Item moved (screen readers).
    pub moved_to: &'static str,
}

static ZH_HANS: QuizText = QuizText {
    modes: ["练习", "测验", "模拟考试"],
    kinds: [
        "单选题",
        "多选题",
        "判断题",
        "填空题",
        "数值题",
        "排序题",
        "匹配题",
        "简答题",
    ],
    start: "开始作答",
    resume: "继续作答",
    retry: "再做一次",
    questions: "题数",
    time_limit: "限时",
    pass_mark: "及格线",
    attempts_allowed: "可作答次数",
    unlimited: "不限",
    your_attempts: "作答记录",
    no_attempts_left: "作答次数已用完。",
    prev: "上一题",
    next: "下一题",
    check: "检查答案",
    submit: "交卷",
    confirm_title: "确认交卷？",
    all_answered: "所有题目都已作答。",
    unanswered: "以下题目尚未作答：",
    submit_anyway: "确认交卷",
    keep_going: "返回作答",
    time_left: "剩余时间",
    five_minutes: "还剩 5 分钟",
    one_minute: "还剩 1 分钟",
    saved: "答案已保存",
    saved_here: "离线：答案已保存在本机，联网后自动同步",
    submit_pending: "已交卷，等待联网提交（答案不会丢失）",
    submitting: "正在提交…",
    passed: "通过",
    failed: "未通过",
    auto_submitted: "时间到，系统已自动交卷。",
    your_answer: "你的答案",
    right_answer: "正确答案",
    explanation: "解析",
    answers_hidden: "正确答案将在作答次数用完或通过后显示。",
    outcomes: ["正确", "部分正确", "错误", "未作答", "待批阅"],
    no_answer: "（未作答）",
    move_up: "上移",
    move_down: "下移",
    choose: "请选择",
    blank: "空",
    pick_at_most: "最多选",
    mistakes: "错题本",
    due: "待复习",
    active: "学习中",
    mastered: "已掌握",
    start_review: "开始复习",
    nothing_due: "现在没有需要复习的错题。",
    box_label: "复习阶段",
    next_review: "下次复习",
    now_mastered: "已掌握，移出错题本",
    review_done: "本轮复习完成！",
    score: "得分",
    question: "第",
    points: "分",
    moved_to: "已移到第",
};

static ZH_HANT: QuizText = QuizText {
    modes: ["練習", "測驗", "模擬考試"],
    kinds: [
        "單選題",
        "多選題",
        "判斷題",
        "填空題",
        "數值題",
        "排序題",
        "配對題",
        "簡答題",
    ],
    start: "開始作答",
    resume: "繼續作答",
    retry: "再做一次",
    questions: "題數",
    time_limit: "限時",
    pass_mark: "及格線",
    attempts_allowed: "可作答次數",
    unlimited: "不限",
    your_attempts: "作答紀錄",
    no_attempts_left: "作答次數已用完。",
    prev: "上一題",
    next: "下一題",
    check: "檢查答案",
    submit: "交卷",
    confirm_title: "確認交卷？",
    all_answered: "所有題目都已作答。",
    unanswered: "以下題目尚未作答：",
    submit_anyway: "確認交卷",
    keep_going: "返回作答",
    time_left: "剩餘時間",
    five_minutes: "還剩 5 分鐘",
    one_minute: "還剩 1 分鐘",
    saved: "答案已儲存",
    saved_here: "離線：答案已儲存在本機，連線後自動同步",
    submit_pending: "已交卷，等待連線提交（答案不會遺失）",
    submitting: "正在提交…",
    passed: "通過",
    failed: "未通過",
    auto_submitted: "時間到，系統已自動交卷。",
    your_answer: "你的答案",
    right_answer: "正確答案",
    explanation: "解析",
    answers_hidden: "正確答案將在作答次數用完或通過後顯示。",
    outcomes: ["正確", "部分正確", "錯誤", "未作答", "待批閱"],
    no_answer: "（未作答）",
    move_up: "上移",
    move_down: "下移",
    choose: "請選擇",
    blank: "空",
    pick_at_most: "最多選",
    mistakes: "錯題本",
    due: "待複習",
    active: "學習中",
    mastered: "已掌握",
    start_review: "開始複習",
    nothing_due: "現在沒有需要複習的錯題。",
    box_label: "複習階段",
    next_review: "下次複習",
    now_mastered: "已掌握，移出錯題本",
    review_done: "本輪複習完成！",
    score: "得分",
    question: "第",
    points: "分",
    moved_to: "已移到第",
};

static EN: QuizText = QuizText {
    modes: ["Practice", "Quiz", "Mock exam"],
    kinds: [
        "Single choice",
        "Multiple choice",
        "True or false",
        "Fill in the blanks",
        "Number",
        "Ordering",
        "Matching",
        "Short answer",
    ],
    start: "Start",
    resume: "Resume",
    retry: "Try again",
    questions: "Questions",
    time_limit: "Time limit",
    pass_mark: "Pass mark",
    attempts_allowed: "Attempts allowed",
    unlimited: "Unlimited",
    your_attempts: "Your attempts",
    no_attempts_left: "No attempts left.",
    prev: "Previous",
    next: "Next",
    check: "Check answer",
    submit: "Submit",
    confirm_title: "Submit your answers?",
    all_answered: "Every question is answered.",
    unanswered: "Not answered yet:",
    submit_anyway: "Submit",
    keep_going: "Back to the questions",
    time_left: "Time left",
    five_minutes: "5 minutes left",
    one_minute: "1 minute left",
    saved: "Answers saved",
    saved_here: "Offline: answers kept on this device; they sync when you are back online",
    submit_pending: "Submitted; waiting for the network to send it (nothing is lost)",
    submitting: "Submitting…",
    passed: "Passed",
    failed: "Not passed",
    auto_submitted: "Time ran out: the attempt was submitted for you.",
    your_answer: "Your answer",
    right_answer: "Right answer",
    explanation: "Explanation",
    answers_hidden: "Right answers are shown once you pass or have no attempts left.",
    outcomes: [
        "Correct",
        "Partly correct",
        "Wrong",
        "Not answered",
        "Awaits marking",
    ],
    no_answer: "(no answer)",
    move_up: "Move up",
    move_down: "Move down",
    choose: "Choose",
    blank: "Blank",
    pick_at_most: "Pick at most",
    mistakes: "Mistakes",
    due: "Due",
    active: "Learning",
    mastered: "Mastered",
    start_review: "Review now",
    nothing_due: "Nothing is due for review now.",
    box_label: "Stage",
    next_review: "Next review",
    now_mastered: "Mastered: out of the book",
    review_done: "Review done!",
    score: "Score",
    question: "Question",
    points: "pt",
    moved_to: "Moved to position",
};

/// The quiz strings in `locale`.
pub fn text(locale: Locale) -> &'static QuizText {
    match locale {
        Locale::ZhHans => &ZH_HANS,
        Locale::ZhHant => &ZH_HANT,
        Locale::En => &EN,
    }
}
