//! No secrets in logs: the real server binary, logging everything it can (`RUST_LOG=trace`), is
//! taken through sign-up, sign-in (right and wrong), authenticated calls, sign-out and a forged
//! token; afterwards its whole log must contain no password, no token and no token hash.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// One HTTP/1.1 request over a fresh connection; the status and the JSON body (or Null).
fn call(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} /api/v1{path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let json = answer
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_log_holds_no_password_and_no_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(common::TestDb::new(dir.path(), "logs"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_jieti-server"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url"])
        .arg(&database.url)
        .arg("--media")
        .arg(dir.path().join("media"))
        .arg("--dist")
        .arg(dir.path().join("no-dist"))
        .env("RUST_LOG", "trace")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start jieti-server");
    let log = Arc::new(Mutex::new(String::new()));
    let mut readers = Vec::new();
    let out: Box<dyn Read + Send> = Box::new(child.stdout.take().expect("stdout"));
    let err: Box<dyn Read + Send> = Box::new(child.stderr.take().expect("stderr"));
    for mut pipe in [out, err] {
        let log = log.clone();
        readers.push(std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                log.lock()
                    .expect("log")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }));
    }
    let started = Instant::now();
    let addr = loop {
        let found = log
            .lock()
            .expect("log")
            .split("running at http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .map(str::to_owned);
        if let Some(addr) = found {
            break addr;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not start:\n{}",
            log.lock().expect("log")
        );
        std::thread::sleep(Duration::from_millis(50));
    };

    let password = "Pa55-word-that-must-not-leak";
    let wrong = "Wrong-pa55-that-must-not-leak";
    let forged = "f0rged0token0that0must0not0leak0f0rged0token0that0must0not0leak";
    let (s, guest) = call(&addr, "POST", "/session/guest", None, None);
    assert_eq!(s, 201, "{guest}");
    let guest = guest["token"].as_str().expect("guest token").to_owned();
    let (s, account) = call(
        &addr,
        "POST",
        "/account",
        Some(&guest),
        Some(json!({"email": "log@example.com", "password": password, "display_name": "Lin"})),
    );
    assert_eq!(s, 201, "{account}");
    let account = account["token"].as_str().expect("token").to_owned();
    assert_eq!(call(&addr, "GET", "/me", Some(&account), None).0, 200);
    let (s, _) = call(
        &addr,
        "POST",
        "/session",
        None,
        Some(json!({"email": "log@example.com", "password": wrong})),
    );
    assert_eq!(s, 401);
    let (s, second) = call(
        &addr,
        "POST",
        "/session",
        None,
        Some(json!({"email": "log@example.com", "password": password})),
    );
    assert_eq!(s, 200, "{second}");
    let second = second["token"].as_str().expect("token").to_owned();
    assert_eq!(
        call(&addr, "DELETE", "/session", Some(&second), None).0,
        204
    );
    assert_eq!(call(&addr, "GET", "/me", Some(&second), None).0, 401);
    assert_eq!(call(&addr, "GET", "/me", Some(forged), None).0, 401);

    child.kill().expect("stop the server");
    let _ = child.wait();
    for r in readers {
        let _ = r.join();
    }
    let log = log.lock().expect("log").clone();
    // The log is really at trace level and saw these requests (else the test proves nothing).
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "{log}");
    assert!(
        log.contains("/api/v1/session"),
        "requests are logged:\n{log}"
    );
    let mut secrets = vec![
        ("password", password.to_owned()),
        ("wrong password", wrong.to_owned()),
        ("forged token", forged.to_owned()),
    ];
    for (name, token) in [
        ("guest", &guest),
        ("account", &account),
        ("second", &second),
    ] {
        secrets.push((name, token.clone()));
        // What the database keeps is a token's SHA-256: it stays out of the log as well.
        secrets.push((name, sha256_hex(token)));
    }
    for (name, secret) in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "the log holds the {name} ({secret})"
        );
    }
    println!(
        "logs: {} lines at trace level, {} secrets checked, none in the log",
        log.lines().count(),
        secrets.len()
    );
}
