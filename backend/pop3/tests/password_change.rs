//! An account whose administrator asks for a new password is refused by POP3 with the
//! right password until its owner chooses one in the web app.

use osprey_store::AccountChanges;

use crate::harness::{Harness, PASSWORD, USER};

#[tokio::test]
async fn pass_with_the_right_password_gets_auth_until_a_new_one_is_set() {
    let h = Harness::start().await;
    let demand = |on: bool| {
        let (store, id) = (h.store.clone(), h.account_id.clone());
        async move {
            store
                .accounts()
                .update_account(
                    &id,
                    AccountChanges {
                        must_change_password: Some(on),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
    };
    demand(true).await;
    let mut c = h.connect().await;
    c.ok(&format!("USER {USER}")).await;
    // RFC 3206 §4: "The AUTH response code informs the client that there is a problem
    // with the user's credentials. This might be an incorrect password, an unknown user
    // name, an expired account, ..."
    let r = c.err(&format!("PASS {PASSWORD}")).await;
    assert!(
        r.starts_with("-ERR [AUTH] a new password is required"),
        "{r}"
    );
    demand(false).await;
    c.ok(&format!("USER {USER}")).await;
    c.ok(&format!("PASS {PASSWORD}")).await;
}
