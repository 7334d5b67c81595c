//! A synthetic catalog of N courses for benchmarks, the same for the same seed.

use crate::db::values_rows;

use super::Rng;
use crate::db::Db;

/// Topics per category id, combined with the shared prefixes and suffixes into titles.
const TOPICS: &[(&str, &[&str])] = &[
    (
        "it",
        &[
            "Python",
            "Java",
            "前端开发",
            "Vue3",
            "React",
            "Linux运维",
            "网络安全",
            "数据分析",
            "MySQL数据库",
            "Go语言",
            "软件测试",
            "人工智能",
            "C语言",
            "Excel",
            "云计算",
            "大数据",
            "小程序开发",
            "鸿蒙开发",
        ],
    ),
    (
        "design",
        &[
            "Photoshop",
            "PS修图",
            "平面设计",
            "UI设计",
            "室内设计",
            "CAD制图",
            "3ds Max",
            "插画",
            "短视频剪辑",
            "Premiere",
            "C4D",
            "摄影",
            "品牌设计",
            "Figma",
            "AE特效",
        ],
    ),
    (
        "ecommerce",
        &[
            "电商运营",
            "淘宝开店",
            "抖音电商",
            "直播带货",
            "拼多多运营",
            "跨境电商",
            "亚马逊运营",
            "新媒体运营",
            "私域流量",
            "农村电商",
            "电商美工",
            "客服话术",
            "小红书运营",
            "TikTok Shop",
        ],
    ),
    (
        "exam",
        &[
            "初级会计职称",
            "中级会计",
            "会计实务",
            "教师资格证",
            "人力资源管理师",
            "一级建造师",
            "二级建造师",
            "健康管理师",
            "心理咨询",
            "消防设施操作员",
            "计算机二级",
            "英语四六级",
            "公务员行测",
            "经济师",
            "证券从业",
        ],
    ),
    (
        "trades",
        &[
            "电工证",
            "低压电工",
            "焊工",
            "中式烹调师",
            "中式面点",
            "西点烘焙",
            "美甲",
            "美容美发",
            "育婴员",
            "养老护理员",
            "无人机驾驶",
            "茶艺师",
            "汽车维修",
            "家电维修",
            "月嫂",
            "果树栽培",
        ],
    ),
];
const PREFIXES: &[&str] = &[
    "零基础学",
    "",
    "",
    "30天精通",
    "从入门到实战：",
    "系统班·",
    "速成：",
    "",
    "高薪就业班·",
    "2026新版",
];
const SUFFIXES: &[&str] = &[
    "入门",
    "实战",
    "精讲",
    "全套教程",
    "从入门到精通",
    "核心技能",
    "考前冲刺",
    "项目实战",
    "进阶课",
    "基础班",
    "提升班",
];
const CITIES: &[&str] = &[
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "成都",
    "武汉",
    "西安",
    "郑州",
    "长沙",
    "济南",
    "合肥",
    "南宁",
    "昆明",
    "贵阳",
    "石家庄",
    "太原",
    "兰州",
];
const SCHOOL_WORDS: &[&str] = &[
    "职业培训学校",
    "技能培训中心",
    "教育科技",
    "职业技术学院",
    "网络学院",
    "学堂",
    "培训学院",
];
const LEVELS: &[&str] = &["beginner", "intermediate", "advanced"];
const PRICES: &[i64] = &[
    0, 0, 0, 990, 1990, 4900, 9900, 19900, 29900, 49900, 99900, 199900,
];

/// Rows per multi-row INSERT; well under SQLite's 32,766 bound variables.
const BATCH: usize = 500;

/// Replaces the synthetic part of the catalog with `n` courses made from `seed`.
///
/// Synthetic rows have ids starting `syn-`; the demo catalog is left as it is.
pub async fn seed_synthetic(db: &Db, n: u64, seed: u64) -> Result<(), String> {
    let mut tx = crate::db::write_tx(db).await.map_err(|e| e.to_string())?;
    super::demo::write_categories(&mut tx).await?;
    let err = |e: sqlx::Error| format!("seeding synthetic catalog: {e}");
    sqlx::query("DELETE FROM courses WHERE id LIKE 'syn-%'")
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    sqlx::query("DELETE FROM institutions WHERE id LIKE 'syn-%'")
        .execute(&mut *tx)
        .await
        .map_err(err)?;

    let mut rng = Rng::new(seed);
    let institutions = (n / 400).clamp(8, 5_000);
    let sql = format!(
        "INSERT INTO institutions (id, name, city, verified, description) VALUES {}",
        values_rows(institutions as usize, 5)
    );
    let mut q = sqlx::query(&sql);
    for i in 0..institutions {
        let city = *rng.pick(CITIES);
        let name = format!(
            "{city}{}{}",
            ["启航", "博文", "匠心", "新途", "优才", "鼎立", "华研", "明德"][(i % 8) as usize],
            rng.pick(SCHOOL_WORDS)
        );
        q = q
            .bind(format!("syn-inst-{i}"))
            .bind(name)
            .bind(city)
            .bind(i64::from(rng.below(3) != 0))
            .bind("");
    }
    q.execute(&mut *tx).await.map_err(err)?;

    let mut next = 0u64;
    while next < n {
        let end = (next + BATCH as u64).min(n);
        let courses: Vec<SynCourse> = (next..end)
            .map(|i| SynCourse::make(&mut rng, i, institutions))
            .collect();
        let sql = format!(
            "INSERT INTO courses (id, category_id, institution_id, title, subtitle, description, lang, level,
               price_fen, certificate, rating, rating_count, learner_count, duration_minutes, lesson_count, published, tags,
               ratings_1, ratings_2, ratings_3, ratings_4, ratings_5) VALUES {}",
            values_rows(courses.len(), 22)
        );
        let mut q = sqlx::query(&sql);
        for c in &courses {
            q = q
                .bind(&c.id)
                .bind(c.category)
                .bind(&c.institution)
                .bind(&c.title)
                .bind(&c.subtitle)
                .bind(&c.description)
                .bind("zh-Hans")
                .bind(c.level)
                .bind(c.price_fen)
                .bind(i64::from(c.certificate))
                .bind(c.rating)
                .bind(c.rating_count)
                .bind(c.learner_count)
                .bind(c.minutes)
                .bind(4i64)
                .bind(&c.published)
                .bind(&c.tags);
            for n in c.ratings {
                q = q.bind(n);
            }
        }
        q.execute(&mut *tx).await.map_err(err)?;
        let sql = format!(
            "INSERT INTO chapters (course_id, position, title) VALUES {}",
            values_rows(courses.len() * 2, 3)
        );
        let mut q = sqlx::query(&sql);
        for c in &courses {
            q = q
                .bind(&c.id)
                .bind(0i64)
                .bind("基础知识")
                .bind(&c.id)
                .bind(1i64)
                .bind("实战演练");
        }
        q.execute(&mut *tx).await.map_err(err)?;
        let sql = format!(
            "INSERT INTO lessons (id, course_id, chapter_position, position, title, kind, duration_s) VALUES {}",
            values_rows(courses.len() * 4, 7)
        );
        let mut q = sqlx::query(&sql);
        for c in &courses {
            for p in 1..=4i64 {
                let kind = if p % 2 == 1 { "video" } else { "article" };
                q = q
                    .bind(format!("{}-{p}", c.id))
                    .bind(&c.id)
                    .bind((p - 1) / 2)
                    .bind(p)
                    .bind(format!("{}（第{p}讲）", c.topic))
                    .bind(kind)
                    .bind(c.minutes * 15);
            }
        }
        q.execute(&mut *tx).await.map_err(err)?;
        next = end;
    }
    crate::db::set_meta(
        &mut *tx,
        crate::search::CATALOG_VERSION_KEY,
        &crate::search::new_catalog_version(),
    )
    .await
    .map_err(err)?;
    super::baseline_completions(&mut tx).await.map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(())
}

struct SynCourse {
    id: String,
    category: &'static str,
    institution: String,
    topic: &'static str,
    title: String,
    subtitle: String,
    description: String,
    level: &'static str,
    price_fen: i64,
    certificate: bool,
    rating: f64,
    rating_count: i64,
    learner_count: i64,
    minutes: i64,
    published: String,
    tags: String,
    ratings: [i64; 5],
}

impl SynCourse {
    fn make(rng: &mut Rng, i: u64, institutions: u64) -> Self {
        let (category, topics) = *rng.pick(TOPICS);
        let topic = *rng.pick(topics);
        let title = format!("{}{}{}", rng.pick(PREFIXES), topic, rng.pick(SUFFIXES));
        // Popularity is heavy-tailed, as in real marketplaces.
        let learner_count = (rng.unit().powi(6) * 300_000.0) as i64 + rng.below(200) as i64;
        let seeded_rating = (35.0 + rng.below(15) as f64) / 10.0;
        let ratings =
            super::rating_distribution(seeded_rating, learner_count / (5 + rng.below(20) as i64));
        SynCourse {
            id: format!("syn-{i:06}"),
            category,
            institution: format!("syn-inst-{}", rng.below(institutions)),
            topic,
            subtitle: format!("{topic}核心知识与实操练习"),
            description: format!(
                "本课程系统讲解{topic}的核心知识，配合案例与练习，帮助学员掌握岗位所需技能。"
            ),
            title,
            level: LEVELS[rng.below(LEVELS.len() as u64) as usize],
            price_fen: *rng.pick(PRICES),
            certificate: rng.below(2) == 0,
            rating: super::average(&ratings),
            rating_count: ratings.iter().sum(),
            ratings,
            learner_count,
            minutes: 30 + rng.below(900) as i64,
            tags: format!("[\"{topic}\"]"),
            published: format!(
                "20{:02}-{:02}-{:02}",
                23 + rng.below(4),
                1 + rng.below(12),
                1 + rng.below(28)
            ),
        }
    }
}
