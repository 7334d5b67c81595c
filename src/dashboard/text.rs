//! The dashboard, certificate and analytics pages' own strings, loaded with their chunk.

use jieti_api::Locale;

/// The fixed strings of these pages in one locale.
pub struct DashText {
    /// Page title: the learner's dashboard.
    pub title: &'static str,
    /// Kicker: continue learning.
    pub continue_learning: &'static str,
    /// Button: resume.
    pub resume: &'static str,
    /// Nothing studied yet.
    pub nothing_yet: &'static str,
    /// Link: browse courses.
    pub browse: &'static str,
    /// Heading: study time and goal.
    pub study_time: &'static str,
    /// Label: today.
    pub today: &'static str,
    /// Label: this week.
    pub this_week: &'static str,
    /// Label: total.
    pub total: &'static str,
    /// Label: streak.
    pub streak: &'static str,
    /// Days, around a number (`3 天`).
    pub days: (&'static str, &'static str),
    /// Streak: best.
    pub best: &'static str,
    /// Weekly goal.
    pub weekly_goal: &'static str,
    /// Streak met today.
    pub today_met: &'static str,
    /// Summary: change the goal.
    pub edit_goal: &'static str,
    /// Label: minutes per week.
    pub goal_week: &'static str,
    /// Label: daily minimum.
    pub goal_day: &'static str,
    /// Button: save.
    pub save: &'static str,
    /// Saved.
    pub saved: &'static str,
    /// Heading: the chart.
    pub chart: &'static str,
    /// Summary: show as a table.
    pub as_table: &'static str,
    /// Column: date.
    pub date: &'static str,
    /// Column / unit: minutes.
    pub minutes: &'static str,
    /// Heading: my courses.
    pub my_courses: &'static str,
    /// Filters: all, in progress, not started, completed.
    pub filters: [&'static str; 4],
    /// Label of the filter group.
    pub filter_label: &'static str,
    /// No course matches the filter.
    pub no_courses: &'static str,
    /// Label: next lesson.
    pub next: &'static str,
    /// Label: last studied.
    pub last_studied: &'static str,
    /// Lessons done (`完成 3/12 课`): before and after the figures.
    pub lessons_done: (&'static str, &'static str),
    /// Heading: quiz results.
    pub quizzes: &'static str,
    /// Label: average best score.
    pub average: &'static str,
    /// No quiz yet.
    pub no_quizzes: &'static str,
    /// Passed / not passed.
    pub pass_fail: [&'static str; 2],
    /// Mistakes due (`{n} 道错题待复习`): before and after the number.
    pub mistakes_due: (&'static str, &'static str),
    /// No mistakes due.
    pub no_mistakes: &'static str,
    /// Link: review.
    pub review: &'static str,
    /// Heading: certificates.
    pub certificates: &'static str,
    /// No certificates yet.
    pub no_certificates: &'static str,
    /// Link: institution analytics.
    pub analytics: &'static str,
    /// Certificate: heading.
    pub certificate: &'static str,
    /// Certificate: "this certifies that".
    pub certifies: &'static str,
    /// Certificate: "has completed the course".
    pub completed_course: &'static str,
    /// Certificate: unnamed holder.
    pub unnamed: &'static str,
    /// Certificate: awarded by.
    pub awarded_by: &'static str,
    /// Certificate: issued on.
    pub issued: &'static str,
    /// Certificate: code.
    pub code: &'static str,
    /// Certificate: verify at.
    pub verify_at: &'static str,
    /// Certificate: valid.
    pub valid: &'static str,
    /// Certificate: revoked (followed by the date and reason).
    pub revoked: &'static str,
    /// Button: print.
    pub print: &'static str,
    /// Analytics: quality index.
    pub quality: &'static str,
    /// Analytics: the index's components.
    pub components: [&'static str; 5],
    /// Analytics: items analysed / flagged.
    pub items_analysed: &'static str,
    /// Analytics: flagged.
    pub flagged: &'static str,
    /// Column: course.
    pub course: &'static str,
    /// Column: enrolled.
    pub enrolled: &'static str,
    /// Column: completed.
    pub completed: &'static str,
    /// Column: completion rate.
    pub completion_rate: &'static str,
    /// Average days to complete.
    pub avg_days: &'static str,
    /// Heading: weekly enrolments.
    pub enrolments: &'static str,
    /// Column: week starting.
    pub week: &'static str,
    /// Heading: completion funnel.
    pub funnel: &'static str,
    /// Funnel: started.
    pub started: &'static str,
    /// Funnel: biggest drop.
    pub biggest_drop: &'static str,
    /// Heading: quizzes.
    pub quiz_analysis: &'static str,
    /// Learners (first attempts).
    pub learners: &'static str,
    /// Mean score.
    pub mean: &'static str,
    /// Pass rate.
    pub pass_rate: &'static str,
    /// Score distribution.
    pub distribution: &'static str,
    /// Column: score band.
    pub band: &'static str,
    /// Item columns: question, kind, responses, difficulty, discrimination, upper–lower, flags.
    pub item_cols: [&'static str; 7],
    /// Question kind names, in `QuestionKind` order.
    pub kinds: [&'static str; 8],
    /// Note under the quality index: which figures are the catalog's and which are recorded.
    pub quality_note: &'static str,
    /// Flag names, in `ItemFlag` order.
    pub flag_names: [&'static str; 4],
    /// Summary: revoke.
    pub revoke: &'static str,
    /// Label: reason.
    pub reason: &'static str,
    /// Heading: certificates issued by a course (staff).
    pub issued_certificates: &'static str,
    /// Status after revoking (followed by the code).
    pub revoked_done: &'static str,
    /// Error: not allowed to see this page.
    pub forbidden: &'static str,
    /// Link: the institution's embed settings.
    pub embed_settings: &'static str,
    /// Error: no such certificate or page.
    pub not_found: &'static str,
    /// Back to the institution overview.
    pub back: &'static str,
    /// No data yet.
    pub no_data: &'static str,
}

const ZH_HANS: DashText = DashText {
    title: "学习中心",
    continue_learning: "继续学习",
    resume: "继续学习",
    nothing_yet: "还没有开始学习。",
    browse: "去选课",
    study_time: "学习时间",
    today: "今天",
    this_week: "本周",
    total: "累计",
    streak: "连续学习",
    days: ("", " 天"),
    best: "最长",
    weekly_goal: "每周目标",
    today_met: "今天已达标",
    edit_goal: "调整目标",
    goal_week: "每周目标（分钟）",
    goal_day: "每天至少（分钟，计入连续天数）",
    save: "保存",
    saved: "已保存",
    chart: "近四周学习时间",
    as_table: "以表格查看",
    date: "日期",
    minutes: "分钟",
    my_courses: "我的课程",
    filters: ["全部", "学习中", "未开始", "已完成"],
    filter_label: "按状态筛选",
    no_courses: "没有符合条件的课程。",
    next: "下一课",
    last_studied: "最近学习",
    lessons_done: ("完成 ", " 课"),
    quizzes: "测验成绩",
    average: "平均最高分",
    no_quizzes: "还没有提交过测验。",
    pass_fail: ["通过", "未通过"],
    mistakes_due: ("", " 道错题待复习"),
    no_mistakes: "没有待复习的错题。",
    review: "去复习",
    certificates: "我的证书",
    no_certificates: "完成带证书的课程后，证书会出现在这里。",
    analytics: "机构数据分析",
    certificate: "结业证书",
    certifies: "兹证明",
    completed_course: "已完成课程",
    unnamed: "（未署名学员）",
    awarded_by: "颁发机构",
    issued: "颁发日期",
    code: "证书编号",
    verify_at: "验证网址",
    valid: "✓ 证书有效",
    revoked: "✗ 此证书已被撤销",
    print: "打印证书",
    quality: "质量指数",
    components: ["完成率", "评分", "活跃学员", "就业率", "题目质量"],
    items_analysed: "已分析题目",
    flagged: "被标记",
    course: "课程",
    enrolled: "报名",
    completed: "完成",
    completion_rate: "完成率",
    avg_days: "平均完成用时（天）",
    enrolments: "每周报名人数（近 12 周）",
    week: "周（起始日）",
    funnel: "完成漏斗（按课时）",
    started: "开始",
    biggest_drop: "流失最多",
    quiz_analysis: "测验与题目分析",
    learners: "学员（首次作答）",
    mean: "平均分",
    pass_rate: "通过率",
    distribution: "分数分布",
    band: "分数段",
    item_cols: [
        "题目",
        "题型",
        "作答",
        "难度（正确率）",
        "区分度",
        "高低分组差",
        "标记",
    ],
    kinds: ["单选题", "多选题", "判断题", "填空题", "数值题", "排序题", "匹配题", "简答题"],
    quality_note: "完成率按目录中全部学员计（含导入的历史数据）；下表与课程分析为本平台记录的报名、学习和作答。",
    flag_names: ["太难", "太容易", "区分度为负", "区分度低"],
    revoke: "撤销",
    reason: "撤销原因",
    issued_certificates: "已颁发证书",
    revoked_done: "已撤销证书",
    forbidden: "此页面仅限该机构的教务人员和管理员查看。",
    embed_settings: "嵌入设置",
    not_found: "找不到这张证书或这个页面，请核对链接或证书编号。",
    back: "返回机构概览",
    no_data: "暂无数据",
};

const ZH_HANT: DashText = DashText {
    title: "學習中心",
    continue_learning: "繼續學習",
    resume: "繼續學習",
    nothing_yet: "還沒有開始學習。",
    browse: "去選課",
    study_time: "學習時間",
    today: "今天",
    this_week: "本週",
    total: "累計",
    streak: "連續學習",
    days: ("", " 天"),
    best: "最長",
    weekly_goal: "每週目標",
    today_met: "今天已達標",
    edit_goal: "調整目標",
    goal_week: "每週目標（分鐘）",
    goal_day: "每天至少（分鐘，計入連續天數）",
    save: "儲存",
    saved: "已儲存",
    chart: "近四週學習時間",
    as_table: "以表格檢視",
    date: "日期",
    minutes: "分鐘",
    my_courses: "我的課程",
    filters: ["全部", "學習中", "未開始", "已完成"],
    filter_label: "按狀態篩選",
    no_courses: "沒有符合條件的課程。",
    next: "下一課",
    last_studied: "最近學習",
    lessons_done: ("完成 ", " 課"),
    quizzes: "測驗成績",
    average: "平均最高分",
    no_quizzes: "還沒有提交過測驗。",
    pass_fail: ["通過", "未通過"],
    mistakes_due: ("", " 道錯題待複習"),
    no_mistakes: "沒有待複習的錯題。",
    review: "去複習",
    certificates: "我的證書",
    no_certificates: "完成附證書的課程後，證書會出現在這裡。",
    analytics: "機構數據分析",
    certificate: "結業證書",
    certifies: "茲證明",
    completed_course: "已完成課程",
    unnamed: "（未署名學員）",
    awarded_by: "頒發機構",
    issued: "頒發日期",
    code: "證書編號",
    verify_at: "驗證網址",
    valid: "✓ 證書有效",
    revoked: "✗ 此證書已被撤銷",
    print: "列印證書",
    quality: "品質指數",
    components: ["完成率", "評分", "活躍學員", "就業率", "題目品質"],
    items_analysed: "已分析題目",
    flagged: "被標記",
    course: "課程",
    enrolled: "報名",
    completed: "完成",
    completion_rate: "完成率",
    avg_days: "平均完成用時（天）",
    enrolments: "每週報名人數（近 12 週）",
    week: "週（起始日）",
    funnel: "完成漏斗（按課時）",
    started: "開始",
    biggest_drop: "流失最多",
    quiz_analysis: "測驗與題目分析",
    learners: "學員（首次作答）",
    mean: "平均分",
    pass_rate: "通過率",
    distribution: "分數分佈",
    band: "分數段",
    item_cols: [
        "題目",
        "題型",
        "作答",
        "難度（正確率）",
        "鑑別度",
        "高低分組差",
        "標記",
    ],
    kinds: ["單選題", "多選題", "判斷題", "填空題", "數值題", "排序題", "配對題", "簡答題"],
    quality_note: "完成率按目錄中全部學員計（含匯入的歷史數據）；下表與課程分析為本平台記錄的報名、學習和作答。",
    flag_names: ["太難", "太容易", "鑑別度為負", "鑑別度低"],
    revoke: "撤銷",
    reason: "撤銷原因",
    issued_certificates: "已頒發證書",
    revoked_done: "已撤銷證書",
    forbidden: "此頁面僅限該機構的教務人員和管理員檢視。",
    embed_settings: "嵌入設定",
    not_found: "找不到這張證書或這個頁面，請核對連結或證書編號。",
    back: "返回機構概覽",
    no_data: "暫無數據",
};

const EN: DashText = DashText {
    title: "My learning",
    continue_learning: "Continue learning",
    resume: "Resume",
    nothing_yet: "You have not started learning yet.",
    browse: "Browse courses",
    study_time: "Study time",
    today: "Today",
    this_week: "This week",
    total: "Total",
    streak: "Streak",
    days: ("", " days"),
    best: "best",
    weekly_goal: "Weekly goal",
    today_met: "today done",
    edit_goal: "Change goal",
    goal_week: "Weekly goal (minutes)",
    goal_day: "Daily minimum for the streak (minutes)",
    save: "Save",
    saved: "Saved",
    chart: "Study time, last four weeks",
    as_table: "Show as a table",
    date: "Date",
    minutes: "min",
    my_courses: "My courses",
    filters: ["All", "In progress", "Not started", "Completed"],
    filter_label: "Filter by status",
    no_courses: "No courses match.",
    next: "Next",
    last_studied: "Last studied",
    lessons_done: ("", " lessons done"),
    quizzes: "Quiz results",
    average: "Average best score",
    no_quizzes: "No quizzes submitted yet.",
    pass_fail: ["passed", "not passed"],
    mistakes_due: ("", " mistakes due for review"),
    no_mistakes: "No mistakes due for review.",
    review: "Review",
    certificates: "Certificates",
    no_certificates: "Complete a course with a certificate and it appears here.",
    analytics: "Institution analytics",
    certificate: "Certificate of completion",
    certifies: "This certifies that",
    completed_course: "has completed the course",
    unnamed: "(unnamed learner)",
    awarded_by: "Awarded by",
    issued: "Issued",
    code: "Certificate code",
    verify_at: "Verify at",
    valid: "✓ Valid certificate",
    revoked: "✗ This certificate has been revoked",
    print: "Print certificate",
    quality: "Quality index",
    components: [
        "Completion",
        "Rating",
        "Active learners",
        "Employment",
        "Item quality",
    ],
    items_analysed: "Items analysed",
    flagged: "flagged",
    course: "Course",
    enrolled: "Enrolled",
    completed: "Completed",
    completion_rate: "Completion",
    avg_days: "Average days to complete",
    enrolments: "Enrolments per week (last 12 weeks)",
    week: "Week of",
    funnel: "Completion funnel by lesson",
    started: "started",
    biggest_drop: "biggest drop",
    quiz_analysis: "Quizzes and item analysis",
    learners: "Learners (first attempts)",
    mean: "Mean score",
    pass_rate: "Pass rate",
    distribution: "Score distribution",
    band: "Score band",
    item_cols: [
        "Question",
        "Kind",
        "Responses",
        "Difficulty (p)",
        "Discrimination",
        "Upper–lower",
        "Flags",
    ],
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
    quality_note: "Completion counts every learner in the catalog (imported history included); the table and course pages show enrolments, study and answers recorded here.",
    flag_names: [
        "too hard",
        "too easy",
        "negative discrimination",
        "low discrimination",
    ],
    revoke: "Revoke",
    reason: "Reason",
    issued_certificates: "Certificates issued",
    revoked_done: "Revoked certificate",
    forbidden: "Only staff of this institution and admins can see this page.",
    embed_settings: "Embed settings",
    not_found: "No certificate or page was found here. Check the link or the certificate code.",
    back: "Back to the overview",
    no_data: "No data yet",
};

/// The strings for `locale`.
pub fn text(locale: Locale) -> &'static DashText {
    match locale {
        Locale::ZhHans => &ZH_HANS,
        Locale::ZhHant => &ZH_HANT,
        Locale::En => &EN,
    }
}
