//! What every asset event has: its class, activity, time and product.

use serde::{Deserialize, Serialize};

use super::enums::{int_enum, str_enum};
use super::{DeviceOcsfModel, SoftwareOcsfModel, UserOcsfModel, VulnerabilityOcsfModel};

/// The body of a push: `{"version": 1, "items": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetList {
    pub version: u32,
    #[serde(default)]
    pub items: Vec<AssetItem>,
}

impl AssetList {
    /// Version 1 (the SDK's `OCSF_SCHEMA_VERSION`), with these items.
    pub fn new(items: Vec<AssetItem>) -> AssetList {
        AssetList { version: 1, items }
    }
}

/// One asset event, of one of the four inventory classes (boxed: the models are large and a
/// batch holds many); each model converts into it with `.into()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AssetItem {
    Vulnerability(Box<VulnerabilityOcsfModel>),
    Device(Box<DeviceOcsfModel>),
    User(Box<UserOcsfModel>),
    Software(Box<SoftwareOcsfModel>),
}

macro_rules! into_item {
    ($($model:ident => $variant:ident),*) => {
        $(impl From<$model> for AssetItem {
            fn from(model: $model) -> AssetItem {
                AssetItem::$variant(Box::new(model))
            }
        })*
    };
}

into_item!(
    VulnerabilityOcsfModel => Vulnerability,
    DeviceOcsfModel => Device,
    UserOcsfModel => User,
    SoftwareOcsfModel => Software
);

/// `Product`: what produced the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Product {
    /// A product named `name`, from the vendor of that name, version `N/A` (as the real
    /// connectors write it).
    pub fn named(name: &str) -> Product {
        Product {
            name: name.to_owned(),
            vendor_name: Some(name.to_owned()),
            version: Some("N/A".to_owned()),
        }
    }
}

/// `Metadata`: the product and the OCSF version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub product: Product,
    pub version: String,
}

str_enum! {
    /// `severity`.
    Severity {
        Unknown = "Unknown", Informational = "Informational", Low = "Low", Medium = "Medium",
        High = "High", Critical = "Critical", Fatal = "Fatal", Other = "Other",
    }
}

/// The attributes every event class has (`OCSFBaseModel`); flattened into each model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcsfBase {
    pub activity_id: i64,
    pub activity_name: String,
    pub category_name: String,
    pub category_uid: i64,
    pub class_name: String,
    pub class_uid: i64,
    pub type_name: String,
    pub type_uid: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_id: Option<i64>,
    pub time: f64,
    pub metadata: Metadata,
}

impl OcsfBase {
    /// A "Collect" activity (2) of the Discovery category (5) for an inventory class
    /// (`5001` "Device Inventory Info", `5003` "User Inventory Info"...), as the real
    /// connectors write them: `type_uid = class_uid * 100 + 2`, `type_name = "<class>: Collect"`,
    /// OCSF `1.6.0`.
    pub fn inventory(class_uid: i64, class_name: &str, product: Product, time: f64) -> OcsfBase {
        OcsfBase {
            activity_id: 2,
            activity_name: "Collect".to_owned(),
            category_name: "Discovery".to_owned(),
            category_uid: 5,
            class_name: class_name.to_owned(),
            class_uid,
            type_name: format!("{class_name}: Collect"),
            type_uid: class_uid * 100 + 2,
            severity: None,
            severity_id: None,
            time,
            metadata: Metadata {
                product,
                version: "1.6.0".to_owned(),
            },
        }
    }
}

int_enum! {
    /// `risk_level_id`.
    RiskLevelId { Info = 0, Low = 1, Medium = 2, High = 3, Critical = 4, Other = 99 }
}

str_enum! {
    /// `risk_level`.
    RiskLevelStr { Info = "Info", Low = "Low", Medium = "Medium", High = "High", Critical = "Critical", Other = "Other" }
}

/// `Group`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

/// `Organization`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}
