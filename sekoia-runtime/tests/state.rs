//! The state files of the Python SDK are read and written back byte for byte.

use sekoia_runtime::chrono::{DateTime, Utc};
use sekoia_runtime::state::{DedupCache, State, TimeCheckpoint, TimeUnit};
use serde::{Deserialize, Serialize};

#[derive(Default, Serialize, Deserialize)]
struct CyberArkLike {
    #[serde(flatten)]
    checkpoint: TimeCheckpoint,
    #[serde(default)]
    events_cache: DedupCache<1000>,
}

#[derive(Default, Serialize, Deserialize)]
struct WithSubkey {
    #[serde(flatten)]
    root: TimeCheckpoint,
    #[serde(default)]
    auditevents: TimeCheckpoint,
}

fn fixture(name: &str) -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
    let bytes = std::fs::read(format!(
        "{}/tests/data/python_state/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("context.json");
    std::fs::write(&path, &bytes).unwrap();
    (dir, path, bytes)
}

fn date(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_python_millisecond_checkpoint_and_its_cache_resume_and_round_trip() {
    let (_dir, path, python) = fixture("ms.json");
    let mut state = State::<CyberArkLike>::open(&path).unwrap();
    let stored = state.checkpoint.stored().unwrap();
    assert_eq!(TimeUnit::Millis.timestamp(stored), 1_739_921_924_719);
    assert!(
        state
            .events_cache
            .contains("20fced38-7a82-4e32-8ca7-3ca599dac97b")
    );
    state.save().await.unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        python,
        "written back as Python wrote it"
    );

    state
        .update(|s| {
            s.checkpoint
                .advance_timestamp(TimeUnit::Millis, 1_739_921_925_000)
        })
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        r#"{"most_recent_date_seen":"2025-02-18T23:38:45+00:00","events_cache":["20fced38-7a82-4e32-8ca7-3ca599dac97b","e1"]}"#
    );
}

#[tokio::test]
async fn subkeys_are_nested_objects() {
    let (_dir, path, python) = fixture("sub.json");
    let state = State::<WithSubkey>::open(&path).unwrap();
    assert_eq!(
        state.root.stored(),
        Some(date("2026-12-02T02:33:29.123456Z"))
    );
    assert_eq!(
        state.auditevents.stored(),
        Some(date("2026-12-02T02:33:28Z"))
    );
    state.save().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), python);
}

#[test]
fn pythons_nanosecond_unit_is_read_as_microseconds() {
    let (_dir, path, _) = fixture("ns.json");
    let state = State::<CyberArkLike>::open(&path).unwrap();
    let stored = state.checkpoint.stored().unwrap();
    assert_eq!(TimeUnit::Micros.timestamp(stored), 1_739_921_924_719_123);
}
