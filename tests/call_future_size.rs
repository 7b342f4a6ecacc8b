//! The future of `call()` is the generated `send()` future plus a few words. Each `async` layer
//! wrapped around `send()` used to keep its own copy of it: the call future reached four times
//! the size of `send()`'s, and moving it on every `.await` cost 2.6% of a call's instructions
//! (`astro-bench`, part 1b). This catches such a layer coming back, without timing anything.

use astro_api::Client;

const ORGANIZATION: &str = "clorganization00000000000";

fn client() -> Client {
    Client::builder()
        .token("token-for-a-size-check")
        .base_url("http://127.0.0.1:9")
        .organization_id(ORGANIZATION)
        .build()
        .unwrap()
}

/// Room for the task-local slot and the decoding step around `send()`.
const WRAPPING: usize = 256;

#[test]
fn a_facade_call_future_is_the_send_future_and_a_few_words() {
    let client = client();
    let send = std::mem::size_of_val(
        &client
            .platform()
            .list_workspaces()
            .organization_id(ORGANIZATION)
            .send(),
    );
    let call = std::mem::size_of_val(&client.org(ORGANIZATION).list_workspaces().call());
    assert!(
        call <= send + WRAPPING,
        "call() future {call} bytes, send() future {send} bytes"
    );
}

#[test]
fn a_generated_call_future_is_the_send_future_and_a_few_words() {
    let client = client();
    let iam = client.iam();
    let send = std::mem::size_of_val(
        &iam.get_user()
            .organization_id(ORGANIZATION)
            .user_id("u")
            .send(),
    );
    let call = std::mem::size_of_val(
        &iam.get_user()
            .organization_id(ORGANIZATION)
            .user_id("u")
            .call(),
    );
    assert!(
        call <= send + WRAPPING,
        "call() future {call} bytes, send() future {send} bytes"
    );
}
