//! Users (`ocsf/user.py`): User Inventory Info, class 5003.

use serde::{Deserialize, Serialize};

use super::enums::{int_enum, object, str_enum};
use super::{Group, OcsfBase, Organization, RiskLevelId, RiskLevelStr};

object! {
    /// `UserDataObject`.
    UserDataObject {} optional {
        is_enabled: bool, last_logon: String, bad_password_count: i64, number_of_logons: i64,
        last_time_password_change: f64, external_device: String,
    }
}
object! {
    /// `UserEnrichmentObject`.
    UserEnrichmentObject {} optional { name: String, value: String, data: UserDataObject }
}
int_enum! {
    /// `account.type_id`.
    AccountTypeId {
        Unknown = 0, LdapAccount = 1, WindowsAccount = 2, GcpAccount = 5, AzureAdAccount = 6,
        MacOsAccount = 7, AppleAccount = 8, LinuxAccount = 9, AwsAccount = 10, GcpProject = 11,
        OciCompartment = 12, AzureSubscription = 13, SalesforceAccount = 14, GoogleWorkspace = 15,
        ServicenowInstance = 16, M365Tenant = 17, EmailAccount = 18, Other = 99,
    }
}
str_enum! {
    /// `account.type`.
    AccountTypeStr {
        Unknown = "Unknown", LdapAccount = "LDAP Account", WindowsAccount = "Windows Account",
        GcpAccount = "GCP Account", AzureAdAccount = "Azure AD Account", MacOsAccount = "Mac OS Account",
        AppleAccount = "Apple Account", LinuxAccount = "Linux Account", AwsAccount = "AWS Account",
        GcpProject = "GCP Project", OciCompartment = "OCI Compartment",
        AzureSubscription = "Azure Subscription", SalesforceAccount = "Salesforce Account",
        GoogleWorkspace = "Google Workspace", ServicenowInstance = "ServiceNow Instance",
        M365Tenant = "M365 Tenant", EmailAccount = "Email Account", Other = "Other",
    }
}
int_enum! {
    /// `user.type_id`.
    UserTypeId { Unknown = 0, User = 1, Admin = 2, System = 3, Service = 4 }
}
str_enum! {
    /// `user.type`.
    UserTypeStr { Unknown = "Unknown", User = "User", Admin = "Admin", System = "System", Service = "Service" }
}
object! {
    /// `Account`.
    Account { name: String, type_id: AccountTypeId, r#type: AccountTypeStr } optional { uid: String }
}
object! {
    /// `LdapPerson`.
    LdapPerson {} optional {
        job_title: String, department: String, employee_uid: String, given_name: String,
        surname: String, office_location: String,
    }
}
object! {
    /// `User`.
    User { name: String, uid: String } optional {
        has_mfa: bool, account: Account, groups: Vec<Group>, full_name: String,
        email_addr: String, display_name: String, domain: String, forward_addr: String,
        risk_level: RiskLevelStr, risk_level_id: RiskLevelId, risk_score: i64,
        type_id: UserTypeId, r#type: UserTypeStr, uid_alt: String, org: Organization,
        ldap_person: LdapPerson,
    }
}

/// `UserOCSFModel`: a User Inventory Info event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserOcsfModel {
    #[serde(flatten)]
    pub base: OcsfBase,
    pub user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrichments: Option<Vec<UserEnrichmentObject>>,
}
