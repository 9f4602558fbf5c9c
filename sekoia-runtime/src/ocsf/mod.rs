//! The OCSF assets an asset connector pushes, as serde types: the models of
//! `sekoia-automation-models` 1.4 (what SDK 1.27 uses), field for field.
//!
//! Every field is named as the OCSF attribute it holds (`type_id`, `uid`, `os`...); optional
//! ones are `Option`s left out of the JSON when `None`, as pydantic's `exclude_none=True` writes
//! them. Integer enumerations (`*TypeId`, `RiskLevelId`...) are written as numbers and string
//! ones (`*TypeStr`...) as OCSF's captions. An [`AssetItem`] is one of the four event classes
//! (device, user, vulnerability, software inventory), an [`AssetList`] the body of a push.
//!
//! ```
//! use sekoia_runtime::ocsf::*;
//!
//! let item: AssetItem = DeviceOcsfModel {
//!     base: OcsfBase::inventory(5001, "Device Inventory Info", Product::named("Okta"), 1_700_000_000.0),
//!     device: Device::new(DeviceTypeId::Desktop, "abc", "h1").with_os(OperatingSystem {
//!         name: Some("Windows".into()),
//!         r#type: Some(OsTypeStr::Windows),
//!         type_id: Some(OsTypeId::Windows),
//!     }),
//!     enrichments: None,
//! }
//! .into();
//! let json = serde_json::to_value(&AssetList::new(vec![item])).unwrap();
//! assert_eq!(json["version"], 1);
//! assert_eq!(json["items"][0]["type_uid"], 500102);
//! assert_eq!(json["items"][0]["device"]["type"], "Desktop");
//! assert_eq!(json["items"][0]["device"]["os"]["type"], "windows");
//! assert_eq!(json["items"][0]["device"]["os"]["type_id"], 100);
//! ```
#![allow(missing_docs)]

mod base;
mod device;
mod enums;
mod software;
mod user;
mod vulnerability;

pub use base::*;
pub use device::*;
pub use software::*;
pub use user::*;
pub use vulnerability::*;
