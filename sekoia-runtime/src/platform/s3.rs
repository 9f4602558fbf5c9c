//! The S3 data backend of the Python SDK (`file_backend=S3`): the files exchanged with playbooks
//! live in a bucket, under `sub_folder` when set, instead of the local data directory.
//!
//! The author's API does not change: components read and write the local data directory, which
//! the runtime keeps in step with the bucket at the edges. The `<name>_path` files an action's
//! arguments name are downloaded before it runs, the files its `json_result` wrote are uploaded
//! after, and `send_event_with_directory` uploads the directory before sending the event. The
//! object keys are the Python SDK's: `<sub_folder>/<path relative to the data directory>`.
//!
//! Configuration (the Python SDK's names): `aws_bucket_name`, `aws_access_key_id`,
//! `aws_secret_access_key`, `aws_session_token` (optional), `aws_default_region`, and
//! `aws_s3_endpoint_url` for an S3-compatible store other than AWS.

use std::path::{Component, Path, PathBuf};

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutPayload};

/// What the S3 backend is built from.
pub(crate) struct S3Settings {
    pub(crate) bucket: String,
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: Option<String>,
    pub(crate) region: String,
    pub(crate) endpoint: Option<String>,
    /// `sub_folder`, the prefix of every key.
    pub(crate) prefix: String,
}

/// A bucket holding the data directory's files.
pub(crate) struct S3Data {
    store: AmazonS3,
    bucket: String,
    prefix: String,
}

impl S3Data {
    /// The bucket, checked to be reachable with these credentials.
    pub(crate) async fn connect(settings: S3Settings) -> Result<S3Data, String> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_region(&settings.region);
        if let Some(token) = &settings.session_token {
            builder = builder.with_token(token);
        }
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store = builder
            .build()
            .map_err(|e| format!("the S3 data backend cannot be set up: {e}"))?;
        let data = S3Data {
            store,
            bucket: settings.bucket,
            prefix: settings.prefix.trim_matches('/').to_owned(),
        };
        // as the Python SDK does: a bucket that cannot be listed is an error at start
        let prefix = data.key("").ok();
        data.store
            .list_with_delimiter(prefix.as_ref())
            .await
            .map_err(|e| format!("the S3 bucket `{}` cannot be used: {e}", data.bucket))?;
        Ok(data)
    }

    /// The key of a path relative to the data directory; refused when it would leave it.
    fn key(&self, relative: &str) -> Result<Key, String> {
        let mut parts: Vec<String> = Vec::new();
        if !self.prefix.is_empty() {
            parts.push(self.prefix.clone());
        }
        for component in Path::new(relative).components() {
            match component {
                Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
                Component::CurDir => {}
                _ => {
                    return Err(format!(
                        "{relative} is not a path inside the data directory (absolute paths and `..` are refused)"
                    ));
                }
            }
        }
        Key::parse(parts.join("/")).map_err(|e| format!("{relative} is not an S3 key: {e}"))
    }

    /// Downloads the object of `relative` into `local`; `Ok(false)` when there is none.
    pub(crate) async fn download(&self, relative: &str, local: &Path) -> Result<bool, String> {
        let key = self.key(relative)?;
        let bytes = match self.store.get(&key).await {
            Ok(object) => object.bytes().await,
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => Err(e),
        }
        .map_err(|e| format!("cannot download s3://{}/{key}: {e}", self.bucket))?;
        if let Some(parent) = local.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(local, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", local.display()))?;
        Ok(true)
    }

    /// Uploads the local file `local` as the object of `relative`.
    pub(crate) async fn upload(&self, relative: &str, local: &Path) -> Result<(), String> {
        let key = self.key(relative)?;
        let bytes =
            std::fs::read(local).map_err(|e| format!("cannot read {}: {e}", local.display()))?;
        self.store
            .put(&key, PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| format!("cannot upload s3://{}/{key}: {e}", self.bucket))
    }

    /// Uploads every file under `root/relative`, keeping their paths.
    pub(crate) async fn upload_directory(&self, root: &Path, relative: &str) -> Result<(), String> {
        for file in files_under(&root.join(relative))? {
            let inside = file.strip_prefix(root).unwrap_or(&file);
            self.upload(&inside.to_string_lossy(), &file).await?;
        }
        Ok(())
    }

    /// Deletes every object under `relative/`.
    pub(crate) async fn remove_directory(&self, relative: &str) -> Result<(), String> {
        use futures_util::StreamExt;
        let prefix = self.key(relative)?;
        let mut listing = self.store.list(Some(&prefix));
        while let Some(object) = listing.next().await {
            let object =
                object.map_err(|e| format!("cannot list s3://{}/{prefix}: {e}", self.bucket))?;
            self.store.delete(&object.location).await.map_err(|e| {
                format!(
                    "cannot delete s3://{}/{}: {e}",
                    self.bucket, object.location
                )
            })?;
        }
        Ok(())
    }
}

/// The files under `directory`, recursively (links are not followed).
fn files_under(directory: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            let kind = entry
                .file_type()
                .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    Ok(files)
}
