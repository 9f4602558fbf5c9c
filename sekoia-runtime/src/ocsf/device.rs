//! Devices (`ocsf/device.py`): Device Inventory Info, class 5001.

use serde::{Deserialize, Serialize};

use super::enums::{int_enum, object, str_enum};
use super::{Group, OcsfBase, Organization, RiskLevelId, RiskLevelStr};

int_enum! {
    /// `network_interface.type_id`.
    NetworkInterfaceTypeId { Unknown = 0, Wired = 1, Wireless = 2, Mobile = 3, Tunnel = 4, Other = 99 }
}
str_enum! {
    /// `network_interface.type`.
    NetworkInterfaceTypeStr { Unknown = "Unknown", Wired = "Wired", Wireless = "Wireless", Mobile = "Mobile", Tunnel = "Tunnel", Other = "Other" }
}
object! {
    /// `NetworkInterface`.
    NetworkInterface {} optional {
        hostname: String, ip: String, mac: String, name: String,
        r#type: NetworkInterfaceTypeStr, type_id: NetworkInterfaceTypeId, uid: String,
    }
}
object! {
    /// `GeoLocation`.
    GeoLocation {} optional { city: String, country: String }
}
int_enum! {
    /// `os.type_id`.
    OsTypeId {
        Unknown = 0, Other = 99, Windows = 100, WindowsMobile = 101, Linux = 200, Android = 201,
        Macos = 300, Ios = 301, Ipados = 302, Solaris = 400, Aix = 401, Hpux = 402,
    }
}
str_enum! {
    /// `os.type` (lower-case, as the SDK writes it).
    OsTypeStr {
        Unknown = "unknown", Other = "other", Windows = "windows", WindowsMobile = "windows mobile",
        Linux = "linux", Android = "android", Macos = "macos", Ios = "ios", Ipados = "ipados",
        Solaris = "solaris", Aix = "aix", Hpux = "hp-ux",
    }
}
object! {
    /// `OperatingSystem`.
    OperatingSystem {} optional { name: String, r#type: OsTypeStr, type_id: OsTypeId }
}
int_enum! {
    /// `device.type_id`.
    DeviceTypeId { Unknown = 0, Server = 1, Desktop = 2, Mobile = 5, Virtual = 6, Firewall = 9, Switch = 10, Other = 99 }
}
str_enum! {
    /// `device.type`.
    DeviceTypeStr {
        Unknown = "Unknown", Server = "Server", Desktop = "Desktop", Mobile = "Mobile",
        Virtual = "Virtual", Firewall = "Firewall", Switch = "Switch", Other = "Other",
    }
}

impl DeviceTypeId {
    /// The caption of this type.
    pub fn caption(self) -> DeviceTypeStr {
        match self {
            DeviceTypeId::Unknown => DeviceTypeStr::Unknown,
            DeviceTypeId::Server => DeviceTypeStr::Server,
            DeviceTypeId::Desktop => DeviceTypeStr::Desktop,
            DeviceTypeId::Mobile => DeviceTypeStr::Mobile,
            DeviceTypeId::Virtual => DeviceTypeStr::Virtual,
            DeviceTypeId::Firewall => DeviceTypeStr::Firewall,
            DeviceTypeId::Switch => DeviceTypeStr::Switch,
            DeviceTypeId::Other => DeviceTypeStr::Other,
        }
    }
}

object! {
    /// `Device`.
    Device {
        type_id: DeviceTypeId, r#type: DeviceTypeStr, uid: String, hostname: String,
    } optional {
        location: GeoLocation, os: OperatingSystem, autoscale_uid: String, boot_time: f64,
        boot_uid: String, created_time: f64, desc: String, domain: String, eid: String,
        first_seen_time: f64, groups: Vec<Group>, hypervisor: String, iccid: String,
        imei_list: Vec<String>, ip: String, is_backed_up: bool, is_compliant: bool,
        is_managed: bool, is_mobile_account_active: bool, is_personal: bool, is_shared: bool,
        is_supervised: bool, is_trusted: bool, last_seen_time: f64, meid: String, model: String,
        name: String, network_interfaces: Vec<NetworkInterface>, org: Organization,
        os_machine_uuid: String, region: String, risk_level: RiskLevelStr,
        risk_level_id: RiskLevelId, risk_score: i64, subnet: String, udid: String,
        uid_alt: String, vendor_name: String,
    }
}

impl Device {
    /// A device of `type_id` (its caption filled in), with nothing optional.
    pub fn new(type_id: DeviceTypeId, uid: &str, hostname: &str) -> Device {
        let json = serde_json::json!({
            "type_id": type_id, "type": type_id.caption(), "uid": uid, "hostname": hostname,
        });
        serde_json::from_value(json).expect("the required fields make a device")
    }

    /// This device, with `os`.
    pub fn with_os(mut self, os: OperatingSystem) -> Device {
        self.os = Some(os);
        self
    }
}

str_enum! {
    /// Enabled or disabled (`Firewall_status`, encryption of a partition).
    Toggle { Disabled = "Disabled", Enabled = "Enabled" }
}
object! {
    /// `EncryptionObject`.
    EncryptionObject { partitions: std::collections::BTreeMap<String, Toggle> } optional {}
}

/// `DeviceDataObject` (the capitalised names are the SDK's).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeviceDataObject {
    #[serde(
        rename = "Firewall_status",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub firewall_status: Option<Toggle>,
    #[serde(
        rename = "Storage_encryption",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub storage_encryption: Option<EncryptionObject>,
    #[serde(rename = "Users", default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<String>>,
    #[serde(
        rename = "Full_qualified_domain_name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub full_qualified_domain_name: Option<String>,
}

object! {
    /// `DeviceEnrichmentObject`.
    DeviceEnrichmentObject {} optional { name: String, value: String, data: DeviceDataObject }
}

/// `DeviceOCSFModel`: a Device Inventory Info event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceOcsfModel {
    #[serde(flatten)]
    pub base: OcsfBase,
    pub device: Device,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrichments: Option<Vec<DeviceEnrichmentObject>>,
}
