//! The Request URL action called through its trait, against a one-request HTTP server on
//! loopback: no platform involved (the Python tutorial's `test_get_request`, which mocks the
//! HTTP call with `requests_mock`).

use sekoia_runtime::{Action, ActionContext};
use testhttp_modules::{Method, Request, RequestArguments, TesthttpModuleConfiguration};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test]
async fn test_get_request() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hello", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0; 4096];
        let read = socket.read(&mut request).await.unwrap();
        socket.write_all(b"HTTP/1.1 201 Created\r\nx-served-by: test\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello").await.unwrap();
        String::from_utf8_lossy(&request[..read]).into_owned()
    });
    let module = TesthttpModuleConfiguration {
        api_key: "key".to_owned().into(),
        base_url: url.clone(),
    };
    let ctx = ActionContext::<Request>::new(module);
    let arguments = RequestArguments {
        url,
        headers: None,
        method: Method::Get,
    };
    let response = Request.run(&ctx, arguments).await.unwrap();
    assert_eq!(response.status_code, 201);
    assert_eq!(response.headers["x-served-by"], "test");
    assert_eq!(response.text, "hello");
    assert!(server.await.unwrap().starts_with("GET /hello HTTP/1.1\r\n"));
}

#[tokio::test]
async fn an_unreachable_url_fails_the_action_with_a_message() {
    // a port nothing listens on: the connection is refused
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let module = TesthttpModuleConfiguration {
        api_key: "key".to_owned().into(),
        base_url: url.clone(),
    };
    let ctx = ActionContext::<Request>::new(module);
    let arguments = RequestArguments {
        url: url.clone(),
        headers: None,
        method: Method::Get,
    };
    let error = Request.run(&ctx, arguments).await.unwrap_err();
    assert_eq!(error.to_string(), format!("Failed to request {url}"));
}
