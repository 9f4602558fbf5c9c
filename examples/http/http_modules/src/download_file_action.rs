//! The "Download File" action: a file fetched over HTTP, saved in the playbook's data
//! directory for the next actions.

use std::path::{Path, PathBuf};

use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest::{self, header::CONTENT_DISPOSITION};
use tokio::io::AsyncWriteExt;

use crate::HttpModule;

/// Donwload the given file and save it
#[action(
    name = "Download File",
    uuid = "09e9dc3a-aeb2-4dde-ad96-3ee543afdf51",
    docker_parameters = "download-file",
    slug = "download_file"
)]
pub struct DownloadFileAction;

// The arguments of Download File (no doc comment: it would be the schema's description).
#[sekoia(title = "Arguments")]
#[derive(Deserialize, JsonSchema)]
pub struct DownloadFileArguments {
    /// Url of the file to download
    #[sekoia(format = "uri")]
    pub url: String,
    /// Headers to use when sending the requests. i.e. {"authorization": "Bearer foo"}
    pub headers: Option<AnyObject>,
    /// Wether the SSL certificate must be verified. Default to true.
    #[sekoia(default = true)]
    pub verify_ssl: bool,
}

// Where the file was saved (no doc comment: it would be the schema's description).
#[sekoia(title = "Results")]
#[derive(Debug, Serialize, JsonSchema)]
pub struct SavedFile {
    /// Absolute file path on disk (legacy, prefer file_relative_path for chaining with other modules)
    pub file_path: String,
    /// File path relative to the playbook data directory, suitable for use as input to other modules (e.g. Scan File)
    pub file_relative_path: String,
}

impl Action for DownloadFileAction {
    type Module = HttpModule;
    type Arguments = DownloadFileArguments;
    type Results = SavedFile;

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        arguments: DownloadFileArguments,
    ) -> Result<SavedFile, ActionError> {
        let mut request = if arguments.verify_ssl {
            ctx.http().get(&arguments.url)
        } else {
            reqwest::Client::builder()
                .danger_accept_invalid_certs(true)
                .build()?
                .get(&arguments.url)
        };
        for (name, value) in arguments.headers.iter().flat_map(|headers| headers.iter()) {
            let value = value.as_str().ok_or_else(|| {
                Error::new(format!(
                    "headers.{name}: a header value is a string, not {value}"
                ))
            })?;
            request = request.header(name, value);
        }
        // the Python module's User-Agent, whatever the headers say
        let user_agent = concat!("sekoiaio-connector/http-", env!("CARGO_PKG_VERSION"));
        let mut response = request
            .header(reqwest::header::USER_AGENT, user_agent)
            .send()
            .await?
            .error_for_status()?;

        let name = response
            .headers()
            .get(CONTENT_DISPOSITION)
            .and_then(|value| value.to_str().ok())
            .and_then(file_name)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let relative = Path::new(&uuid::Uuid::new_v4().to_string()).join(name);
        let path = ctx.data_dir().join(&relative);
        tracing::info!("Saving {} into {}", arguments.url, relative.display());
        write_body(&mut response, &path).await?;
        Ok(SavedFile {
            file_path: path.display().to_string(),
            file_relative_path: relative.display().to_string(),
        })
    }
}

/// Writes the body into `path` as it arrives: a large file never sits in memory whole.
async fn write_body(response: &mut reqwest::Response, path: &PathBuf) -> Result<(), Error> {
    let cannot = |e: std::io::Error| Error::new(format!("cannot write {}: {e}", path.display()));
    if let Some(directory) = path.parent() {
        tokio::fs::create_dir_all(directory).await.map_err(cannot)?;
    }
    let mut file = tokio::fs::File::create(path).await.map_err(cannot)?;
    while let Some(chunk) = response.chunk().await? {
        file.write_all(&chunk).await.map_err(cannot)?;
    }
    file.flush().await.map_err(cannot)?;
    Ok(())
}

/// The file name of a `Content-Disposition` value (`attachment; filename="report.pdf"`), as the
/// Python module reads it, but reduced to its last component: a name such as `../../x` cannot
/// write outside the download's directory.
fn file_name(disposition: &str) -> Option<String> {
    let start = disposition.find("filename=")? + "filename=".len();
    let value = disposition[start..].trim_start_matches('"');
    let value = value.split('"').next()?;
    let name = Path::new(value).file_name()?.to_str()?;
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn the_file_name_comes_from_the_content_disposition() {
        assert_eq!(
            file_name("attachment; filename=\"report.pdf\"").unwrap(),
            "report.pdf"
        );
        assert_eq!(
            file_name("attachment; filename=data.csv").unwrap(),
            "data.csv"
        );
        assert_eq!(
            file_name("attachment; filename=\"../../etc/passwd\"").unwrap(),
            "passwd"
        );
        assert_eq!(file_name("inline"), None);
        assert_eq!(file_name("attachment; filename=\"..\""), None);
    }
}
