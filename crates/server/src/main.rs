//! `jieti-server`: serve the API and the app, or seed a catalog.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use jieti_server::seed::{self, DemoOutcome};
use jieti_server::{app, db, AppState};

/// Jieti reference server.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve /api/v1, /media and the built app; seeds the demo catalog into an empty database.
    Serve(ServeArgs),
    /// Seed a catalog into the database.
    Seed(SeedArgs),
    /// Benchmarks that print figures (not tests).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Check content files that institutions import.
    #[command(subcommand)]
    Content(ContentCommand),
    /// Give an account a role: staff of one institution, admin, or back to learner.
    Role(RoleArgs),
}

#[derive(Args)]
struct RoleArgs {
    /// The account's email.
    #[arg(long)]
    email: String,
    /// learner, staff or admin.
    #[arg(long, value_parser = ["learner", "staff", "admin"])]
    role: String,
    /// Staff: the institution they work for.
    #[arg(long, required_if_eq("role", "staff"))]
    institution: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum ContentCommand {
    /// Parse a WebVTT file; print its cues, warnings, regions and styles as JSON.
    CheckVtt {
        /// The .vtt file.
        file: PathBuf,
    },
    /// Import QTI 2.1/2.2/3.0 items (files, or folders of .xml) into a quiz; print a JSON report.
    ImportQti(ImportQtiArgs),
    /// Score a candidate response with a QTI item; print its outcome variables as JSON.
    QtiScore {
        /// The item's XML file.
        item: PathBuf,
        /// The response, keyed by response identifier, e.g. '{"RESPONSE": ["A", "C"]}'.
        #[arg(long)]
        response: String,
    },
}

#[derive(Args)]
struct ImportQtiArgs {
    /// Item files, or folders holding them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Course the quiz belongs to.
    #[arg(long)]
    course: String,
    /// Quiz id: created, or its questions replaced by these items.
    #[arg(long)]
    quiz: String,
    /// Quiz title (default: the quiz id).
    #[arg(long)]
    title: Option<String>,
    /// practice, graded or exam.
    #[arg(long, default_value = "graded", value_parser = ["practice", "graded", "exam"])]
    mode: String,
    /// Exams: time limit in seconds.
    #[arg(long)]
    time_limit: Option<u32>,
    /// Attempts allowed (0: unlimited).
    #[arg(long, default_value_t = 0)]
    max_attempts: u32,
    /// Percent needed to pass.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(0..=100))]
    pass_pct: u32,
    /// When right answers are shown: after_submit, after_last_attempt or never.
    #[arg(long, default_value = "after_submit", value_parser = ["after_submit", "after_last_attempt", "never"])]
    review: String,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Search latency per query class on a synthetic catalog in a fresh database.
    Search {
        /// Synthetic courses to generate.
        #[arg(long, default_value_t = 350_000)]
        courses: u64,
        /// Seed of the synthetic generator.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Timed runs of each query.
        #[arg(long, default_value_t = 30)]
        rounds: usize,
        /// Folder for the benchmark database.
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
        /// Reuse the database of an earlier run with the same catalog instead of seeding again.
        #[arg(long)]
        reuse: bool,
    },
}

#[derive(Args)]
struct DbArgs {
    /// Database URL: `sqlite://path` or a plain file path (embedded SQLite), or `postgres://user@host/db`.
    #[arg(
        long,
        env = "JIETI_DATABASE_URL",
        default_value = "sqlite://data/jieti.db"
    )]
    database_url: String,
    /// Folder of lesson media (made by scripts/gen-media.sh).
    #[arg(long, env = "JIETI_MEDIA", default_value = "media")]
    media: PathBuf,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "JIETI_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder of the built app (trunk's dist/); the API alone is served when it is missing.
    #[arg(long, env = "JIETI_DIST", default_value = "dist")]
    dist: PathBuf,
    /// Also create the demo staff and admin accounts, whose password is in the README: for a
    /// demo on one's own machine only (the README's run command passes it), never a deployment.
    #[arg(long, env = "JIETI_DEMO_ACCOUNTS")]
    demo_accounts: bool,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Args)]
struct SeedArgs {
    /// Write (or refresh) the demo catalog.
    #[arg(long, conflicts_with = "synthetic")]
    demo: bool,
    /// Replace the synthetic catalog with N generated courses.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=2_000_000))]
    synthetic: Option<u64>,
    /// Seed of the synthetic generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    db: DbArgs,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    // Content checks need no runtime and have their own exit codes.
    if let Command::Content(command) = cli.command {
        return content(command);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args).await,
            Command::Seed(args) => seed_cmd(args).await,
            Command::Role(args) => role_cmd(args).await,
            Command::Bench(BenchCommand::Search {
                courses,
                seed,
                rounds,
                dir,
                reuse,
            }) => {
                std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                jieti_server::bench::search(&dir, courses, seed, rounds.max(1), reuse).await
            }
            Command::Content(_) => unreachable!("handled before the runtime starts"),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn content(command: ContentCommand) -> ExitCode {
    match command {
        ContentCommand::CheckVtt { file } => check_vtt(&file),
        ContentCommand::QtiScore { item, response } => {
            match jieti_server::content::qti_score(&item, &response) {
                Ok(v) => {
                    println!("{v}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ContentCommand::ImportQti(args) => import_qti(args),
    }
}

/// Exit 0 when items were imported (some may be skipped, listed in the report), 1 otherwise.
fn import_qti(args: ImportQtiArgs) -> ExitCode {
    use jieti_api::{QuizMode, ReviewPolicy};
    let settings = jieti_server::content::QuizSettings {
        quiz_id: args.quiz,
        course_id: args.course,
        title: args.title,
        mode: match args.mode.as_str() {
            "practice" => QuizMode::Practice,
            "exam" => QuizMode::Exam,
            _ => QuizMode::Graded,
        },
        time_limit_s: args.time_limit,
        max_attempts: args.max_attempts,
        pass_pct: args.pass_pct,
        review: match args.review.as_str() {
            "after_last_attempt" => ReviewPolicy::AfterLastAttempt,
            "never" => ReviewPolicy::Never,
            _ => ReviewPolicy::AfterSubmit,
        },
    };
    let files = match jieti_server::content::item_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let pool = db::connect(&args.db.database_url).await?;
        Ok::<_, String>(jieti_server::content::import_qti(&pool, &files, &settings).await)
    });
    let print = |r: &jieti_server::content::ImportReport| {
        println!("{}", serde_json::to_string_pretty(r).unwrap_or_default());
        for s in &r.skipped {
            eprintln!("skipped {}: {}", s.file, s.reason);
        }
    };
    match result {
        Ok(Ok(report)) => {
            print(&report);
            ExitCode::SUCCESS
        }
        Ok(Err((e, report))) => {
            print(&report);
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exit 0 when the file parses (warnings allowed), 1 when it is not WebVTT, 2 when unreadable.
fn check_vtt(file: &Path) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    match jieti_server::content::vtt::parse_bytes(&bytes) {
        Ok(vtt) => match serde_json::to_string(&vtt) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let pool = db::connect(&args.db.database_url).await?;
    if db::catalog::count_courses(&pool)
        .await
        .map_err(|e| e.to_string())?
        == 0
        || db::get_meta(&pool, "demo_seed_version")
            .await
            .map_err(|e| e.to_string())?
            .is_some()
    {
        // An empty database gets the demo catalog; a demo database is kept up to date with it.
        report_demo(
            seed::seed_demo(&pool, &args.db.media).await?,
            &args.db.media,
        );
    }
    if args.demo_accounts {
        seed::seed_demo_accounts(&pool).await?;
        for (email, role, institution) in seed::DEMO_ACCOUNTS {
            tracing::info!(
                email,
                role,
                institution = institution.unwrap_or("all"),
                "demo account (its password is in the README; demo only)"
            );
        }
    }
    let dist = if args.dist.join("index.html").is_file() {
        Some(args.dist.clone())
    } else {
        tracing::warn!(dist = %args.dist.display(), "no built app there; serving the API only (build it with `trunk build --release`)");
        None
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Jieti is running at http://{addr}/  (API: http://{addr}/api/v1/health)");
    let state = AppState::new(pool, dist, args.db.media);
    // Build the search index now, not on the first learner's search (≈ 35 s at 350,000 courses).
    let warm = state.clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        match warm.catalog_index().await {
            Ok(ix) => tracing::info!(
                courses = ix.len(),
                secs = started.elapsed().as_secs_f64(),
                "search index ready"
            ),
            Err(e) => tracing::error!(error = %e, "building the search index"),
        }
    });
    // Exams whose time ran out are submitted even when no device comes back to ask.
    let sweep = state.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(15));
        loop {
            tick.tick().await;
            if let Err(e) = db::quiz::expire_all(&sweep).await {
                tracing::error!(error = ?e, "submitting expired exams");
            }
        }
    });
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server: {e}"))
}

/// Ctrl-C or SIGTERM (what service managers and test harnesses send): finish requests, then stop.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

fn report_demo(outcome: DemoOutcome, media: &std::path::Path) {
    match outcome {
        DemoOutcome::UpToDate => tracing::info!("demo catalog up to date"),
        DemoOutcome::Seeded { courses, videos } => {
            tracing::info!(courses, videos, "demo catalog seeded");
            if videos == 0 {
                tracing::warn!(media = %media.display(), "no media/manifest.json: video lessons have no video; run scripts/gen-media.sh");
            }
        }
    }
}

async fn seed_cmd(args: SeedArgs) -> Result<(), String> {
    let pool = db::connect(&args.db.database_url).await?;
    if let Some(n) = args.synthetic {
        let started = Instant::now();
        seed::seed_synthetic(&pool, n, args.seed).await?;
        println!(
            "seeded {n} synthetic courses (seed {}) in {:.1} s",
            args.seed,
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    if !args.demo {
        return Err("say what to seed: --demo or --synthetic N".into());
    }
    match seed::seed_demo(&pool, &args.db.media).await? {
        DemoOutcome::UpToDate => println!("demo catalog already up to date"),
        DemoOutcome::Seeded { courses, videos } => {
            println!("seeded the demo catalog: {courses} courses, {videos} videos")
        }
    }
    Ok(())
}

async fn role_cmd(args: RoleArgs) -> Result<(), String> {
    let db = db::connect(&args.db.database_url).await?;
    let institution = (args.role == "staff").then_some(args.institution).flatten();
    jieti_server::db::learners::set_role(&db, &args.email, &args.role, institution.as_deref())
        .await?;
    println!(
        "{} is now {}{}",
        args.email,
        args.role,
        institution.map(|i| format!(" of {i}")).unwrap_or_default()
    );
    Ok(())
}
