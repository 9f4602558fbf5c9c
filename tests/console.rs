//! The emulator's web console in a real browser: headless Chromium, driven over WebDriver
//! (chromedriver), follows a real trigger and a real connector run and shows what the platform
//! received: counts, a searched intake event, the logs filtered by level, a request in full.
//!
//! It needs Debian's `chromium` and `chromium-driver` (or `CHROMIUM` and `CHROMEDRIVER` naming
//! them). Without them it says so and passes, except under `CI=true`, where it fails: CI installs
//! them. With `SEKOIA_CONSOLE_SCREENSHOTS=<dir>` it saves screenshots of each view there (the
//! ones in docs/images are made so).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use sekoia_emulator::{Emulator, ModuleRun};
use sekoia_tests::{conformance, example_binary};
use serde_json::{Value, json};

/// Events the connector pushes while the page watches.
const EVENTS: u64 = 20_000;

fn program(variable: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    path.exists().then_some(path)
}

/// chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        // a process group of its own: the browsers it starts go with it, even when a test fails
        // before closing its session
        let child = Command::new(chromedriver)
            .args([
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_owned(),
            ])
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver, chromium: &Path, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US",
                "--window-size=1300,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// Evaluates `expression` in the page until it is truthy; returns its value.
async fn until(client: &Client, what: &str, expression: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    let script = format!("return ({expression});");
    loop {
        let value = client
            .execute(&script, vec![])
            .await
            .expect("the script runs");
        let truthy = !matches!(&value, Value::Null | Value::Bool(false))
            && value != json!(0)
            && value != json!("");
        if truthy {
            return value;
        }
        assert!(Instant::now() < deadline, "the page never showed {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(client: &Client, selector: &str) -> String {
    client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector} is on the page: {e}"))
        .text()
        .await
        .expect("its text")
}

async fn screenshot(client: &Client, name: &str) {
    let Some(dir) = std::env::var_os("SEKOIA_CONSOLE_SCREENSHOTS") else {
        return;
    };
    let png = client.screenshot().await.expect("a screenshot");
    let path = PathBuf::from(dir).join(format!("console-{name}.png"));
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_a_real_run_live() {
    let (Some(chromium), Some(chromedriver)) = (
        program("CHROMIUM", "/usr/bin/chromium"),
        program("CHROMEDRIVER", "/usr/bin/chromedriver"),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must test the console in Chromium: install the chromium and chromium-driver packages"
        );
        eprintln!(
            "note: the console's browser test needs chromium and chromedriver (Debian packages chromium, chromium-driver): not run"
        );
        return;
    };
    // the module binaries are built before the browser starts
    let flood = example_binary("conformance");
    let emulator = std::sync::Arc::new(
        Emulator::builder()
            .secrets(json!({"api_key": "k3y-value"}))
            .console("conformance: Chatty, then Flood")
            .start(),
    );
    let console = emulator.console_url().expect("the console is on");
    let driver = Driver::start(&chromedriver);
    let profile = tempfile::tempdir().expect("a browser profile");
    let client = browser(&driver, &chromium, profile.path()).await;
    client.goto(&console).await.expect("the console loads");
    until(
        &client,
        "the live feed",
        "document.getElementById('live').textContent === 'live'",
    )
    .await;

    // a trigger that logs at every level, until its critical
    let chatty = {
        let emulator = std::sync::Arc::clone(&emulator);
        tokio::task::spawn_blocking(move || {
            conformance("Chatty")
                .module_configuration(json!({}))
                .trigger_configuration(json!({"repeat": 30}))
                .stop_when(|e| e.logs().iter().any(|l| l.level == "critical"))
                .run(&emulator)
                .expect("the trigger runs")
        })
    };
    assert!(chatty.await.unwrap().success());
    // a connector pushing events of 200 bytes, watched live
    let run = {
        let emulator = std::sync::Arc::clone(&emulator);
        tokio::task::spawn_blocking(move || {
            ModuleRun::new(flood, "Flood")
                .env(sekoia_manifest::environment::RETRY_UNIT_VAR, "1")
                .timeout(Duration::from_secs(120))
                .module_configuration(json!({}))
                .connector_configuration(json!({"intake_key": "ik", "count": EVENTS, "size": 200}))
                .stop_when(|e| e.logs().iter().any(|l| l.message.starts_with("pushed ")))
                .run(&emulator)
                .expect("the connector runs")
        })
    };
    until(
        &client,
        "every intake event counted",
        &format!(
            "window.consoleState.summary && window.consoleState.summary.intake.events === {EVENTS}"
        ),
    )
    .await;
    assert!(run.await.unwrap().success());
    assert_eq!(text(&client, "#count-intake-events").await, "20,000");
    let updates = until(&client, "live updates", "window.consoleState.summaries").await;
    assert!(
        updates.as_u64().unwrap() >= 2,
        "the page followed the run: {updates}"
    );
    screenshot(&client, "overview").await;

    // the intake view finds one event among twenty thousand
    client
        .find(Locator::Css("#tab-intake"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &client,
        "the intake list",
        "document.querySelectorAll('#intake-rows details').length === 100",
    )
    .await;
    let search = client.find(Locator::Css("#intake-search")).await.unwrap();
    search.send_keys("\"n\":12345,").await.unwrap();
    until(
        &client,
        "one match",
        "document.getElementById('intake-range').textContent.startsWith('1–1 of 1,')",
    )
    .await;
    let found = text(&client, "#intake-rows details summary").await;
    assert!(found.contains("{\"n\":12345,\"pad\":\"xx"), "{found}");
    client
        .find(Locator::Css("#intake-rows details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let pretty = until(&client, "the event pretty-printed", "document.querySelector('#intake-rows pre') && document.querySelector('#intake-rows pre').textContent").await;
    assert!(
        pretty.as_str().unwrap().contains("\"n\": 12345"),
        "{pretty}"
    );
    screenshot(&client, "intake").await;

    // the logs view, filtered on errors and above, then searched
    client
        .find(Locator::Css("#tab-logs"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &client,
        "the logs",
        "document.querySelectorAll('#logs-rows tr').length > 0",
    )
    .await;
    client
        .find(Locator::Css("#logs-level"))
        .await
        .unwrap()
        .select_by_value("error")
        .await
        .unwrap();
    let levels = until(
        &client,
        "only errors and criticals",
        "(() => { const levels = Array.from(document.querySelectorAll('#logs-rows tr td:nth-child(2)')).map(td => td.textContent); return levels.length > 0 && levels.every(l => l === 'error' || l === 'critical') && levels; })()",
    )
    .await;
    assert!(levels.as_array().unwrap().iter().any(|l| l == "critical"));
    let search = client.find(Locator::Css("#logs-search")).await.unwrap();
    search.send_keys("first critical").await.unwrap();
    until(
        &client,
        "the critical found",
        "document.getElementById('logs-range').textContent.startsWith('1–1 of 1,')",
    )
    .await;
    assert_eq!(
        text(&client, "#logs-rows tr td:nth-child(3)").await,
        "first critical"
    );
    screenshot(&client, "logs").await;

    // a request in full, chosen with the keyboard
    client
        .find(Locator::Css("#tab-requests"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &client,
        "the requests",
        "document.querySelectorAll('#requests-rows tr').length > 0",
    )
    .await;
    client
        .execute(
            "const row = Array.from(document.querySelectorAll('#requests-rows tr')).find(r => r.textContent.includes('POST /batch')); row.focus(); row.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));",
            vec![],
        )
        .await
        .unwrap();
    let body = until(&client, "a batch in full", "document.getElementById('request-body') && document.getElementById('request-body').textContent").await;
    assert!(
        body.as_str().unwrap().contains("\"intake_key\": \"ik\""),
        "{body}"
    );
    screenshot(&client, "requests").await;

    // the page stays bounded: the lists hold a page, not the run
    let heap = client
        .execute(
            "return performance.memory ? performance.memory.usedJSHeapSize : 0;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        heap.as_u64().unwrap() < 64 << 20,
        "the page holds {heap} bytes of heap"
    );
    client.close().await.unwrap();
}

/// The page during a push of 1,000,000 events of 350 bytes to an emulator that counts them
/// without keeping them: its JS heap and how many summaries a second it gets. A measurement, run
/// by hand, optimized: `cargo test --release -p sekoia-tests --test console -- --ignored --nocapture`
/// (the module is built in release too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn the_console_during_a_million_events() {
    let chromium = program("CHROMIUM", "/usr/bin/chromium").expect("chromium");
    let chromedriver = program("CHROMEDRIVER", "/usr/bin/chromedriver").expect("chromedriver");
    let binary = release_binary("conformance");
    let emulator = std::sync::Arc::new(
        Emulator::builder()
            .secrets(json!({"api_key": "k3y-value"}))
            .keep_events(false)
            .console("conformance: Flood, 1,000,000 events")
            .start(),
    );
    let driver = Driver::start(&chromedriver);
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, &chromium, profile.path()).await;
    client.goto(&emulator.console_url().unwrap()).await.unwrap();
    until(
        &client,
        "the live feed",
        "document.getElementById('live').textContent === 'live'",
    )
    .await;
    let run = {
        let emulator = std::sync::Arc::clone(&emulator);
        tokio::task::spawn_blocking(move || {
            ModuleRun::new(binary, "Flood")
                .timeout(Duration::from_secs(600))
                .module_configuration(json!({}))
                .connector_configuration(
                    json!({"intake_key": "ik", "count": 1_000_000, "size": 350}),
                )
                .stop_when(|e| e.logs().iter().any(|l| l.message.starts_with("pushed ")))
                .run(&emulator)
                .unwrap()
        })
    };
    let started = Instant::now();
    let mut samples = Vec::new();
    while !run.is_finished() {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let sample = client
            .execute(
                "return [window.consoleState.updatesPerSecond, performance.memory.usedJSHeapSize, window.consoleState.summary ? window.consoleState.summary.intake.events : 0];",
                vec![],
            )
            .await
            .unwrap();
        samples.push(sample);
    }
    let outcome = run.await.unwrap();
    assert!(outcome.success(), "{outcome}");
    until(
        &client,
        "every event counted",
        "window.consoleState.summary.intake.events === 1000000",
    )
    .await;
    let rates: Vec<u64> = samples.iter().filter_map(|s| s[0].as_u64()).collect();
    let heaps: Vec<u64> = samples.iter().filter_map(|s| s[1].as_u64()).collect();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .unwrap_or("?")
        .trim()
        .to_owned();
    println!("samples [summaries in the last second, JS heap bytes, events counted]: {samples:?}");
    println!("peak RSS of the emulator's process: {peak}");
    println!(
        "push of 1,000,000 events watched for {:.1} s: {} samples, summaries/s min {} max {}, JS heap max {:.1} MB, last {:.1} MB",
        started.elapsed().as_secs_f64(),
        samples.len(),
        rates.iter().min().unwrap_or(&0),
        rates.iter().max().unwrap_or(&0),
        *heaps.iter().max().unwrap_or(&0) as f64 / 1e6,
        *heaps.last().unwrap_or(&0) as f64 / 1e6,
    );
    client.close().await.unwrap();
}

/// An example module built in release.
fn release_binary(package: &str) -> PathBuf {
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "--release", "--quiet", "-p", package])
        .current_dir(sekoia_tests::repo_root());
    sekoia_tests::without_package_env(&mut build);
    assert!(build.status().expect("cargo runs").success());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| sekoia_tests::repo_root().join("target"));
    target.join("release").join(package)
}
