//! The Playbook API: modules and their components read, created and updated by uuid.

mod common;

use common::{json_request, send};
use sekoia_emulator::Emulator;
use serde_json::json;

const KEY: (&str, &str) = ("authorization", "Bearer pk-123");

#[test]
fn modules_and_components_are_created_read_and_updated() {
    let emulator = Emulator::builder().playbook_api_key("pk-123").start();
    let addr = emulator.addr();
    let module = "/v1/symphony/modules/5894985f-91eb-46db-9306-cc5ac6463d3d";

    let missing = send(addr, "GET", module, &[KEY], b"").unwrap();
    assert_eq!(missing.status, 404, "{}", missing.body);

    let action = json!({"uuid": "40bcf3c0", "name": "Request URL", "module_uuid": "5894985f-91eb-46db-9306-cc5ac6463d3d"});
    let orphan = json_request(addr, "POST", "/v1/symphony/actions", &[KEY], &action);
    assert_eq!(orphan.status, 400, "no module yet: {}", orphan.body);
    assert!(orphan.body.contains("does not exist"), "{}", orphan.body);

    let created = json_request(
        addr,
        "POST",
        "/v1/symphony/modules",
        &[KEY],
        &json!({"uuid": "5894985f-91eb-46db-9306-cc5ac6463d3d", "name": "HTTP", "version": "1.0.0"}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let again = json_request(
        addr,
        "POST",
        "/v1/symphony/modules",
        &[KEY],
        &json!({"uuid": "5894985f-91eb-46db-9306-cc5ac6463d3d"}),
    );
    assert_eq!(again.status, 409, "{}", again.body);

    let action_created = json_request(addr, "POST", "/v1/symphony/actions", &[KEY], &action);
    assert_eq!(action_created.status, 200, "{}", action_created.body);

    let patched = json_request(addr, "PATCH", module, &[KEY], &json!({"version": "1.1.0"}));
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        patched.json(),
        json!({"uuid": "5894985f-91eb-46db-9306-cc5ac6463d3d", "name": "HTTP", "version": "1.1.0"})
    );
    let read = send(addr, "GET", module, &[KEY], b"").unwrap();
    assert_eq!(read.json()["version"], "1.1.0");
    assert_eq!(
        emulator.playbook_object("action", "40bcf3c0").unwrap()["name"],
        "Request URL"
    );
    assert_eq!(emulator.playbook_objects("module").len(), 1);
    let unknown = json_request(
        addr,
        "PATCH",
        "/v1/symphony/triggers/nope",
        &[KEY],
        &json!({"name": "x"}),
    );
    assert_eq!(unknown.status, 404);
}

#[test]
fn the_api_key_is_checked() {
    let emulator = Emulator::builder().playbook_api_key("pk-123").start();
    let path = "/v1/symphony/modules/m";
    let none = send(emulator.addr(), "GET", path, &[], b"").unwrap();
    assert_eq!(none.status, 401);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let wrong = send(
        emulator.addr(),
        "GET",
        path,
        &[("authorization", "Bearer nope")],
        b"",
    )
    .unwrap();
    assert_eq!(wrong.status, 401);
    let open = Emulator::start();
    let any = send(
        open.addr(),
        "GET",
        path,
        &[("authorization", "Bearer anything")],
        b"",
    )
    .unwrap();
    assert_eq!(any.status, 404, "any key by default: {}", any.body);
    let bad_path = send(open.addr(), "GET", "/v1/symphony/playbooks/x", &[KEY], b"").unwrap();
    assert_eq!(bad_path.status, 404);
    assert!(bad_path.body.contains("known_paths"), "{}", bad_path.body);
    let method = send(open.addr(), "DELETE", path, &[KEY], b"").unwrap();
    assert_eq!(method.status, 405);
    assert_eq!(method.header("allow"), Some("GET, PATCH"));
}
