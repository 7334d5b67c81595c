//! The player's own strings, kept out of the app-wide messages so that they load with the
//! player's chunk rather than with every page.

use jieti_api::Locale;

/// The fixed strings of the player in one locale.
pub struct PlayerText {
    /// Heading and button: the course outline.
    pub outline: &'static str,
    /// Link: the lesson before.
    pub prev_lesson: &'static str,
    /// Link: the lesson after.
    pub next_lesson: &'static str,
    /// Setting: play the next lesson when one ends.
    pub auto_advance: &'static str,
    /// Outline mark: lesson complete.
    pub lesson_done: &'static str,
    /// Label: playback speed.
    pub speed: &'static str,
    /// Label: video quality.
    pub quality: &'static str,
    /// Quality option: chosen by the network.
    pub quality_auto: &'static str,
    /// Quality option: sound only.
    pub audio_only: &'static str,
    /// Label: captions.
    pub captions: &'static str,
    /// Captions option: none.
    pub captions_off: &'static str,
    /// Button: fullscreen.
    pub fullscreen: &'static str,
    /// Button: leave fullscreen.
    pub exit_fullscreen: &'static str,
    /// Setting: spend as little data as possible.
    pub data_saver: &'static str,
    /// Setting: single-key shortcuts (space, c, f, < and >).
    pub shortcuts: &'static str,
    /// Tab and heading: the transcript.
    pub transcript: &'static str,
    /// Placeholder: search within the transcript.
    pub search_transcript: &'static str,
    /// Tab and heading: notes and bookmarks.
    pub notes: &'static str,
    /// Button: save a note at this point.
    pub add_note: &'static str,
    /// Button: bookmark this point.
    pub add_bookmark: &'static str,
    /// Placeholder of the note box.
    pub note_placeholder: &'static str,
    /// Button: edit.
    pub edit: &'static str,
    /// Button: save.
    pub save: &'static str,
    /// Button: delete.
    pub delete: &'static str,
    /// Empty notes list.
    pub no_notes: &'static str,
    /// A bookmark's label.
    pub bookmark: &'static str,
    /// Banner: the network is gone.
    pub offline_banner: &'static str,
    /// Sync state: nothing waiting.
    pub synced: &'static str,
    /// The video is not available.
    pub no_video: &'static str,
    /// Button: save the lesson for offline.
    pub download_lesson: &'static str,
    /// The lesson is saved offline.
    pub downloaded: &'static str,
    /// Button: remove the offline copy.
    pub remove_download: &'static str,
    /// Prompt before a download on a metered connection.
    pub metered_confirm: &'static str,
    /// Label: storage used by downloads.
    pub storage_used: &'static str,
    /// Download error.
    pub download_failed: &'static str,
    /// Label: how long an article takes.
    pub reading_time: &'static str,
    /// Link: back to the course page.
    pub back_to_course: &'static str,
    /// Outline heading: the course's quizzes and exams.
    pub quizzes: &'static str,
    /// Note: playback resumes where it stopped.
    pub resume_at: &'static str,
}

const ZH_HANS: PlayerText = PlayerText {
    outline: "课程目录",
    prev_lesson: "上一节",
    next_lesson: "下一节",
    auto_advance: "自动播放下一节",
    lesson_done: "已学完",
    speed: "倍速",
    quality: "清晰度",
    quality_auto: "自动",
    audio_only: "仅音频",
    captions: "字幕",
    captions_off: "关闭字幕",
    fullscreen: "全屏",
    exit_fullscreen: "退出全屏",
    data_saver: "省流量模式",
    shortcuts: "键盘快捷键",
    transcript: "文字稿",
    search_transcript: "在文字稿中搜索",
    notes: "笔记",
    add_note: "记笔记",
    add_bookmark: "加书签",
    note_placeholder: "在这里写下你的笔记…",
    edit: "编辑",
    save: "保存",
    delete: "删除",
    no_notes: "还没有笔记。播放时可以随时记下要点。",
    bookmark: "书签",
    offline_banner: "网络已断开：学习记录会保存在本机，联网后自动同步。",
    synced: "学习记录已同步",
    no_video: "这节课的视频还在制作中。",
    download_lesson: "下载离线观看",
    downloaded: "已下载，可离线观看",
    remove_download: "删除下载",
    metered_confirm: "当前可能是计费网络或开启了省流量，确定要下载吗？",
    storage_used: "离线存储已用",
    download_failed: "下载失败，请稍后重试。",
    reading_time: "阅读时间",
    back_to_course: "返回课程",
    quizzes: "测验与考试",
    resume_at: "已从上次的位置继续",
};

const ZH_HANT: PlayerText = PlayerText {
    outline: "課程目錄",
    prev_lesson: "上一節",
    next_lesson: "下一節",
    auto_advance: "自動播放下一節",
    lesson_done: "已學完",
    speed: "倍速",
    quality: "清晰度",
    quality_auto: "自動",
    audio_only: "僅音訊",
    captions: "字幕",
    captions_off: "關閉字幕",
    fullscreen: "全螢幕",
    exit_fullscreen: "退出全螢幕",
    data_saver: "省流量模式",
    shortcuts: "鍵盤快捷鍵",
    transcript: "文字稿",
    search_transcript: "在文字稿中搜尋",
    notes: "筆記",
    add_note: "記筆記",
    add_bookmark: "加書籤",
    note_placeholder: "在這裡寫下你的筆記…",
    edit: "編輯",
    save: "儲存",
    delete: "刪除",
    no_notes: "還沒有筆記。播放時可以隨時記下要點。",
    bookmark: "書籤",
    offline_banner: "網路已中斷：學習紀錄會儲存在本機，連網後自動同步。",
    synced: "學習紀錄已同步",
    no_video: "這節課的影片還在製作中。",
    download_lesson: "下載離線觀看",
    downloaded: "已下載，可離線觀看",
    remove_download: "刪除下載",
    metered_confirm: "目前可能是計費網路或開啟了省流量，確定要下載嗎？",
    storage_used: "離線儲存已用",
    download_failed: "下載失敗，請稍後重試。",
    reading_time: "閱讀時間",
    back_to_course: "返回課程",
    quizzes: "測驗與考試",
    resume_at: "已從上次的位置繼續",
};

const EN: PlayerText = PlayerText {
    outline: "Outline",
    prev_lesson: "Previous",
    next_lesson: "Next",
    auto_advance: "Play next automatically",
    lesson_done: "Completed",
    speed: "Speed",
    quality: "Quality",
    quality_auto: "Auto",
    audio_only: "Audio only",
    captions: "Captions",
    captions_off: "Off",
    fullscreen: "Fullscreen",
    exit_fullscreen: "Exit fullscreen",
    data_saver: "Data saver",
    shortcuts: "Keyboard shortcuts",
    transcript: "Transcript",
    search_transcript: "Search the transcript",
    notes: "Notes",
    add_note: "Add note",
    add_bookmark: "Bookmark",
    note_placeholder: "Write a note…",
    edit: "Edit",
    save: "Save",
    delete: "Delete",
    no_notes: "No notes yet. Jot down key points any time.",
    bookmark: "Bookmark",
    offline_banner:
        "You're offline. Your progress is kept on this device and syncs when you're back.",
    synced: "Progress synced",
    no_video: "This lesson's video isn't available yet.",
    download_lesson: "Download for offline",
    downloaded: "Available offline",
    remove_download: "Remove download",
    metered_confirm: "You may be on a metered connection or saving data. Download anyway?",
    storage_used: "Offline storage used",
    download_failed: "The download failed. Try again later.",
    reading_time: "Reading time",
    back_to_course: "Back to course",
    quizzes: "Quizzes and exams",
    resume_at: "Resumed where you left off",
};

/// The player's strings in `locale`.
pub fn text(locale: Locale) -> &'static PlayerText {
    match locale {
        Locale::ZhHans => &ZH_HANS,
        Locale::ZhHant => &ZH_HANT,
        Locale::En => &EN,
    }
}

/// Changes kept on the device until they reach the server: `3 条学习记录等待同步`.
pub fn pending_changes(locale: Locale, n: usize) -> String {
    match locale {
        Locale::ZhHans => format!("{n} 条学习记录等待同步"),
        Locale::ZhHant => format!("{n} 筆學習紀錄等待同步"),
        Locale::En if n == 1 => "1 change waiting to sync".into(),
        Locale::En => format!("{n} changes waiting to sync"),
    }
}

/// A download's size on its button: `下载离线观看（4.1 MB）`.
pub fn download_label(locale: Locale, size: &str) -> String {
    match locale {
        Locale::ZhHans => format!("下载离线观看（{size}）"),
        Locale::ZhHant => format!("下載離線觀看（{size}）"),
        Locale::En => format!("Download for offline ({size})"),
    }
}
