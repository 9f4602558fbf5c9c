//! Asset connectors in-process against the emulator's asset-management API: batches, the
//! push tasks, a 429 with `Retry-After`, a refused batch, the reset on a mapping change, and
//! the manifest `#[asset_connector]` writes.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sekoia_emulator::{ASSET_PUSH_PREFIX, Emulator, Method, RecordedRequest, Reply};
use sekoia_runtime::ocsf::*;
use sekoia_runtime::prelude::*;
use sekoia_runtime::testing::TestPlatform;
use serde_json::json;

#[module(name = "Assets", slug = "assets", uuid = "7a1d9a7c-2b4f-4c6e-8a0d-1f3b5c7e9a2b", categories = ["Endpoint"])]
#[derive(Deserialize, JsonSchema)]
pub struct AssetsModule {}

/// Fetch users
#[asset_connector(name = "Directory Users", capability = "account_detection")]
#[derive(Default)]
pub struct DirectoryUsers {
    log: Mutex<Vec<String>>,
    mapping: Mutex<BTreeMap<String, String>>,
    /// Users in the directory.
    count: Mutex<usize>,
    /// The checkpoint: the users pushed, and those handed over since.
    checkpoint: Mutex<(usize, usize)>,
}

impl DirectoryUsers {
    fn said(&self, what: &str) {
        self.log.lock().unwrap().push(what.to_owned());
    }
}

impl AssetConnector for DirectoryUsers {
    type Module = AssetsModule;
    type Configuration = DefaultAssetConnectorConfiguration;

    async fn collect(
        &self,
        _ctx: &AssetConnectorContext<Self>,
        assets: &mut AssetBatches<'_, Self>,
    ) -> Result<(), Error> {
        self.said("collect");
        let count = *self.count.lock().unwrap();
        let from = self.checkpoint.lock().unwrap().0;
        for n in from..count {
            self.checkpoint.lock().unwrap().1 += 1;
            let user: User = serde_json::from_value(
                json!({"name": format!("user{n}"), "uid": format!("u{n}")}),
            )?;
            let base = OcsfBase::inventory(
                5003,
                "User Inventory Info",
                Product::named("Directory"),
                1.7e9,
            );
            assets
                .push(
                    UserOcsfModel {
                        base,
                        user,
                        enrichments: None,
                    }
                    .into(),
                )
                .await?;
        }
        Ok(())
    }

    async fn update_checkpoint(&self, _ctx: &AssetConnectorContext<Self>) -> Result<(), Error> {
        self.said("checkpoint");
        let mut checkpoint = self.checkpoint.lock().unwrap();
        *checkpoint = (checkpoint.0 + checkpoint.1, 0);
        Ok(())
    }

    async fn reset_checkpoint(&self, _ctx: &AssetConnectorContext<Self>) -> Result<(), Error> {
        self.said("reset");
        *self.checkpoint.lock().unwrap() = (0, 0);
        Ok(())
    }

    fn mapped_fields(&self) -> BTreeMap<String, String> {
        self.mapping.lock().unwrap().clone()
    }
}

fn pushed_items(requests: &[RecordedRequest]) -> usize {
    requests
        .iter()
        .filter(|r| r.path.starts_with(ASSET_PUSH_PREFIX) && r.accepted())
        .filter_map(|r| Some(r.body.as_ref()?.get("items")?.as_array()?.len()))
        .sum()
}

fn context(platform: &TestPlatform, emulator: &Emulator) -> AssetConnectorContext<DirectoryUsers> {
    platform.asset_connector::<DirectoryUsers>(
        AssetsModule {},
        json!({"sekoia_base_url": emulator.url(), "sekoia_api_key": "k3y", "batch_size": 2, "frequency": 3600}),
    )
}

async fn run_until(
    platform: &TestPlatform,
    emulator: &Emulator,
    connector: &DirectoryUsers,
    ctx: &AssetConnectorContext<DirectoryUsers>,
    predicate: impl FnMut(&[RecordedRequest]) -> bool,
) {
    let until = async {
        assert!(
            emulator
                .wait_for_async(predicate, Duration::from_secs(15))
                .await
        );
        platform.stop();
    };
    tokio::join!(platform.run_asset_connector(connector, ctx), until);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_follow_their_tasks_and_a_429_pauses_the_connector() {
    let emulator = Emulator::start();
    let in_two = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let push_path = format!("{ASSET_PUSH_PREFIX}None");
    emulator.script(
        Method::Post,
        &push_path,
        [
            Reply::normal(),
            Reply::status(429).header("retry-after", in_two),
        ],
    );
    let platform = TestPlatform::new();
    let ctx = context(&platform, &emulator);
    let connector = DirectoryUsers::default();
    *connector.count.lock().unwrap() = 5;
    let started = Instant::now();
    // the first batch of two goes, the second gets a 429: the cycle ends; after the wait the
    // next cycle starts from the checkpoint and pushes the three users left
    run_until(&platform, &emulator, &connector, &ctx, |requests| {
        pushed_items(requests) >= 5
    })
    .await;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(pushed_items(&emulator.requests()), 5);
    assert!(
        emulator
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/api/v1/tasks/"))
    );
    let log = connector.log.lock().unwrap().clone();
    assert_eq!(log[..2], ["collect", "checkpoint"]);
    platform.flush_logs().await;
    let messages: Vec<String> = platform.logs().into_iter().map(|l| l.message).collect();
    assert!(
        messages
            .iter()
            .any(|m| m == "Successfully posted 2 assets to Sekoia.io asset connector API"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Asset push task ") && m.ends_with(" finished successfully")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Asset connector push rate limited (HTTP 429). Waiting ")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Rate limit hit, pausing connector for ")),
        "{messages:?}"
    );
    let push = emulator.requests_to(&push_path);
    assert_eq!(push[0].authorization(), Some("Bearer k3y"));
    assert_eq!(push[0].user_agent(), Some("sekoiaio-asset-connector-None"));
    assert_eq!(push[0].body.as_ref().unwrap()["version"], 1);
    assert_eq!(
        push[0].body.as_ref().unwrap()["items"][0]["user"]["uid"],
        "u0"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapping_change_resets_the_checkpoint_but_the_first_mapping_does_not() {
    let emulator = Emulator::start();
    let data = tempfile::tempdir().unwrap();
    let platform = TestPlatform::new().with_data_dir(data.path());
    let ctx = context(&platform, &emulator);
    let connector = DirectoryUsers::default();
    *connector.mapping.lock().unwrap() = BTreeMap::from([("id".to_owned(), "user.uid".to_owned())]);
    *connector.count.lock().unwrap() = 1;
    run_until(&platform, &emulator, &connector, &ctx, |r| {
        pushed_items(r) >= 1
    })
    .await;
    let stored = std::fs::read_to_string(data.path().join("asset_schema_fields.json")).unwrap();
    assert_eq!(
        stored,
        r#"{"fingerprint":"dcb945c4b0c9aaeefb92470ecb9c41572b8ea7e8d416889c395a7ff2c1f8e4b0","fields":{"id":"user.uid"}}"#
    );
    assert!(!connector.log.lock().unwrap().contains(&"reset".to_owned()));

    let platform = TestPlatform::new().with_data_dir(data.path());
    let ctx = context(&platform, &emulator);
    connector
        .mapping
        .lock()
        .unwrap()
        .insert("mail".to_owned(), "user.email_addr".to_owned());
    // the reset makes the one user fetched again
    run_until(&platform, &emulator, &connector, &ctx, |r| {
        pushed_items(r) >= 2
    })
    .await;
    let log = connector.log.lock().unwrap().clone();
    assert!(log.iter().any(|l| l == "reset"), "{log:?}");
    platform.flush_logs().await;
    let messages: Vec<String> = platform.logs().into_iter().map(|l| l.message).collect();
    let change = messages
        .iter()
        .find(|m| m.starts_with("Field mapping change detected"))
        .unwrap();
    assert!(
        change.contains(r#""added":{"mail":"user.email_addr"}"#),
        "{change}"
    );
}

#[test]
fn the_manifest_is_an_asset_connectors() {
    let registry = sekoia_manifest::Registry::from_inventory().unwrap();
    let files = sekoia_manifest::manifest::render(&registry, "1.0.0").unwrap();
    let file = files
        .iter()
        .find(|f| f.file_name == "connector_directory_users.json")
        .unwrap();
    let document = &file.document;
    assert_eq!(document["type"], "asset");
    assert_eq!(document["capability"], "account_detection");
    assert!(document.get("results").is_none());
    assert_eq!(document["arguments"]["secrets"], json!(["sekoia_api_key"]));
    // as the automation library's asset manifests say it
    assert_eq!(document["arguments"]["required"], json!(["sekoia_api_key"]));
}
