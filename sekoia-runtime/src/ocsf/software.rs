//! Software (`ocsf/software.py`): Software Inventory Info.

use serde::{Deserialize, Serialize};

use super::enums::{int_enum, object, str_enum};
use super::{Device, OcsfBase, OperatingSystem};

int_enum! {
    /// `sbom.type_id`.
    SbomTypeId { Unknown = 0, Spdx = 1, Cyclonedx = 2, Swid = 3, Other = 99 }
}
str_enum! {
    /// `sbom.type`.
    SbomTypeStr { Unknown = "Unknown", Spdx = "SPDX", Cyclonedx = "CycloneDX", Swid = "SWID", Other = "Other" }
}
int_enum! {
    /// `software_component.type_id`.
    ComponentTypeId { Unknown = 0, Framework = 1, Library = 2, OperatingSystem = 3, Other = 99 }
}
str_enum! {
    /// `software_component.type`.
    ComponentTypeStr { Unknown = "Unknown", Framework = "Framework", Library = "Library", OperatingSystem = "Operating System", Other = "Other" }
}
int_enum! {
    /// `package.type_id`.
    PackageTypeId { Unknown = 0, Application = 1, OperatingSystem = 2, Other = 99 }
}
str_enum! {
    /// `package.type`.
    PackageTypeStr { Unknown = "Unknown", Application = "Application", OperatingSystem = "Operating System", Other = "Other" }
}
int_enum! {
    /// `signature.algorithm_id`.
    SignatureAlgorithmId { Unknown = 0, Dsa = 1, Rsa = 2, Ecdsa = 3, Authenticode = 4, Other = 99 }
}
str_enum! {
    /// `signature.algorithm`.
    SignatureAlgorithmStr { Unknown = "Unknown", Dsa = "DSA", Rsa = "RSA", Ecdsa = "ECDSA", Authenticode = "Authenticode", Other = "Other" }
}
int_enum! {
    /// `signature.state_id`.
    SignatureStateId {
        Unknown = 0, Valid = 1, Expired = 2, Revoked = 3, Suspended = 4, Pending = 5,
        Untrusted = 6, Distrusted = 7, WrongUsage = 8, Bad = 9, Broken = 10, Other = 99,
    }
}
str_enum! {
    /// `signature.state`.
    SignatureStateStr {
        Unknown = "Unknown", Valid = "Valid", Expired = "Expired", Revoked = "Revoked",
        Suspended = "Suspended", Pending = "Pending", Untrusted = "Untrusted",
        Distrusted = "Distrusted", WrongUsage = "WrongUsage", Bad = "Bad", Broken = "Broken",
        Other = "Other",
    }
}
int_enum! {
    /// `fingerprint.algorithm_id`.
    FingerprintAlgorithmId {
        Unknown = 0, Md5 = 1, Sha1 = 2, Sha256 = 3, Sha512 = 4, Ctph = 5, Tlsh = 6,
        QuickXorHash = 7, Sha224 = 8, Sha384 = 9, Sha512_224 = 10, Sha512_256 = 11,
        Sha3_224 = 12, Sha3_256 = 13, Sha3_384 = 14, Sha3_512 = 15, XxHash64 = 16,
        XxHash128 = 17, Imphash = 18, Npf = 19, Hassh = 20, Other = 99,
    }
}
str_enum! {
    /// `fingerprint.algorithm`.
    FingerprintAlgorithmStr {
        Unknown = "Unknown", Md5 = "MD5", Sha1 = "SHA-1", Sha256 = "SHA-256", Sha512 = "SHA-512",
        Ctph = "CTPH", Tlsh = "TLSH", QuickXorHash = "quickXorHash", Sha224 = "SHA-224",
        Sha384 = "SHA-384", Sha512_224 = "SHA-512/224", Sha512_256 = "SHA-512/256",
        Sha3_224 = "SHA3-224", Sha3_256 = "SHA3-256", Sha3_384 = "SHA3-384", Sha3_512 = "SHA3-512",
        XxHash64 = "xxHash H3 64-bit", XxHash128 = "xxHash H3 128-bit", Imphash = "Imphash",
        Npf = "NPF", Hassh = "HASSH", Other = "Other",
    }
}
object! {
    /// `Fingerprint`.
    Fingerprint { value: String } optional { algorithm: FingerprintAlgorithmStr, algorithm_id: FingerprintAlgorithmId }
}
object! {
    /// `DigitalCertificate`.
    DigitalCertificate { issuer: String, serial_number: String } optional {
        created_time: f64, expiration_time: f64, fingerprints: Vec<Fingerprint>,
        is_self_signed: bool, subject: String, sans: Vec<String>, uid: String, version: String,
    }
}
object! {
    /// `DigitalSignature`.
    DigitalSignature {} optional {
        algorithm: SignatureAlgorithmStr, algorithm_id: SignatureAlgorithmId,
        certificate: DigitalCertificate, state: SignatureStateStr, state_id: SignatureStateId,
        created_time: f64, digest: Fingerprint,
    }
}
object! {
    /// `SoftwareEnrichmentObject`.
    SoftwareEnrichmentObject {} optional {
        uid: String, name: String, version: String, purl: String, vendor_name: String,
        path: String, install_time: f64, last_used_time: f64, os: OperatingSystem,
        hashes: Vec<Fingerprint>, signature: DigitalSignature, binary_name: String,
        architecture: String, last_user_name: String, last_used_file_name: String,
    }
}
object! {
    /// `SoftwarePackage`.
    SoftwarePackage { name: String, version: String } optional {
        uid: String, cpe_name: String, purl: String, license: String, license_url: String,
        release: String, r#type: PackageTypeStr, type_id: PackageTypeId,
    }
}
object! {
    /// `SoftwareComponent`.
    SoftwareComponent { version: String, name: String } optional {
        author: String, r#type: ComponentTypeStr, type_id: ComponentTypeId,
    }
}
object! {
    /// `SoftwareBillOfMaterials`.
    SoftwareBillOfMaterials { package: SoftwarePackage } optional {
        software_components: Vec<SoftwareComponent>, r#type: SbomTypeStr, type_id: SbomTypeId,
        uid: String, version: String,
    }
}

/// `SoftwareOCSFModel`: a Software Inventory Info event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SoftwareOcsfModel {
    #[serde(flatten)]
    pub base: OcsfBase,
    pub device: Device,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<SoftwareEnrichmentObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom: Option<SoftwareBillOfMaterials>,
}
