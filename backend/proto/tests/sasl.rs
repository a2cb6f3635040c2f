//! SASL mechanisms: PLAIN, SCRAM-SHA-256, CRAM-MD5, base64 framing.

use osprey_proto::sasl::{
    ClientFirst, PlainCredentials, SCRAM_ITERATIONS, SaslError, ScramClient, ScramKeys,
    ScramServer, apop_digest, constant_time_eq, cram_md5_digest, decode_base64, decode_plain,
    encode_base64,
};
use proptest::prelude::*;

#[test]
fn plain_examples_of_rfc_4616() {
    // RFC 4616 §4
    let cases: Vec<(&[u8], Option<PlainCredentials>)> = vec![
        (
            b"\0tim\0tanstaaftanstaaf",
            Some(PlainCredentials {
                authzid: None,
                authcid: "tim".into(),
                password: "tanstaaftanstaaf".into(),
            }),
        ),
        (
            b"Ursel\0Kurt\0xipj3plmq",
            Some(PlainCredentials {
                authzid: Some("Ursel".into()),
                authcid: "Kurt".into(),
                password: "xipj3plmq".into(),
            }),
        ),
        (
            "\0jörg\0pass word".as_bytes(),
            Some(PlainCredentials {
                authzid: None,
                authcid: "jörg".into(),
                password: "pass word".into(),
            }),
        ),
        (b"", None),
        (b"tim", None),
        (b"\0tim", None),
        (b"\0\0secret", None),
        (b"\0tim\0", None),
        (b"\0tim\0pw\0", None),
        (b"a\0tim\0pw\0extra", None),
        (b"\0tim\xff\0pw", None),
        (b"\xff\0tim\0pw", None),
        (b"\0tim\0p\xc3", None),
    ];
    for (message, expected) in cases {
        assert_eq!(decode_plain(message).ok(), expected, "{message:?}");
    }
    // The encoded form the client sends in "AUTH PLAIN <b64>".
    let message = decode_base64("AHRpbQB0YW5zdGFhZnRhbnN0YWFm").unwrap();
    assert_eq!(decode_plain(&message).unwrap().authcid, "tim");
}

#[test]
fn plain_field_lengths() {
    let max = "x".repeat(255);
    let over = "x".repeat(256);
    assert!(decode_plain(format!("{max}\0{max}\0{max}").as_bytes()).is_ok());
    for message in [
        format!("\0{over}\0pw"),
        format!("\0tim\0{over}"),
        format!("{over}\0tim\0pw"),
    ] {
        assert_eq!(
            decode_plain(message.as_bytes()),
            Err(SaslError("PLAIN field longer than 255 bytes"))
        );
    }
}

#[test]
fn base64_framing() {
    assert_eq!(decode_base64("="), Ok(vec![]));
    assert_eq!(decode_base64("dGlt"), Ok(b"tim".to_vec()));
    assert_eq!(decode_base64("dGk="), Ok(b"ti".to_vec()));
    for bad in ["", "*", "dGk", "dG k=", "dGlt\r\n", "====", "d=lt"] {
        assert!(decode_base64(bad).is_err(), "{bad:?}");
    }
    assert_eq!(encode_base64(b""), "");
    assert_eq!(encode_base64(b"ti"), "dGk=");
    assert_eq!(SaslError("x").to_string(), "x");
}

const NONCE_C: &str = "rOprNGfwEbeRWgbNEkqO";
const NONCE_S: &str = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const SALT_B64: &str = "W22ZaJ0SNY7soEsUEjb6gQ==";

fn pencil_keys() -> ScramKeys {
    ScramKeys::derive("pencil", &decode_base64(SALT_B64).unwrap(), 4096)
}

#[test]
fn scram_sha_256_example_of_rfc_7677() {
    // RFC 7677 §3
    let client_first = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    let server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                        s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    let client_final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                        p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    let server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    let mut client = ScramClient::new("user", "pencil", NONCE_C);
    assert_eq!(client.client_first(), client_first);

    let (mut server, first) = ScramServer::start(client_first.as_bytes(), NONCE_S).unwrap();
    assert_eq!(
        first,
        ClientFirst {
            username: "user".into(),
            authzid: None
        }
    );
    assert_eq!(server.server_first(&pencil_keys()), server_first);
    assert_eq!(
        client.client_final(server_first.as_bytes()).unwrap(),
        client_final
    );
    assert_eq!(
        server.finish(client_final.as_bytes()).unwrap(),
        server_final
    );
    assert_eq!(client.verify_server_final(server_final.as_bytes()), Ok(()));
    assert!(client.verify_server_final(b"v=AAAA").is_err());
    assert!(client.verify_server_final(b"e=invalid-proof").is_err());
}

/// Runs a whole exchange; the server's keys are for `stored_password`.
fn exchange(user: &str, password: &str, stored_password: &str) -> Result<(), SaslError> {
    let mut client = ScramClient::new(user, password, "clientnonce123");
    let (mut server, first) = ScramServer::start(client.client_first().as_bytes(), "srv456")?;
    assert_eq!(first.username, user);
    let keys = ScramKeys::derive(stored_password, b"salt of the user", SCRAM_ITERATIONS);
    let server_first = server.server_first(&keys);
    let client_final = client.client_final(server_first.as_bytes())?;
    let server_final = server.finish(client_final.as_bytes())?;
    client.verify_server_final(server_final.as_bytes())
}

#[test]
fn scram_round_trips_and_refuses_wrong_passwords() {
    assert_eq!(exchange("user", "pencil", "pencil"), Ok(()));
    assert_eq!(exchange("a,b=c", "p,w=d", "p,w=d"), Ok(()));
    assert_eq!(exchange("jörg", "pässword", "pässword"), Ok(()));
    assert_eq!(
        exchange("user", "pencil", "pencils"),
        Err(SaslError("SCRAM proof invalid"))
    );
    assert!(exchange("user", "", "pencil").is_err());
}

#[test]
fn scram_refuses_tampered_messages() {
    let client_first = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    let proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    let nonce = format!("{NONCE_C}{NONCE_S}");
    let finals = [
        // tampered nonce: client part, server part, truncated
        format!("c=biws,r=xOprNGfwEbeRWgbNEkqO{NONCE_S},{proof}"),
        format!("c=biws,r={NONCE_C}%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,{proof}"),
        format!("c=biws,r={NONCE_C},{proof}"),
        // channel binding not matching "n,,"
        format!("c=eSws,r={nonce},{proof}"),
        format!("c=cD10bHMtdW5pcXVlLCw=,r={nonce},{proof}"),
        // proof altered, missing, short
        format!("c=biws,r={nonce},p=eHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
        format!("c=biws,r={nonce}"),
        format!("c=biws,r={nonce},p=dHzb"),
        // order
        format!("r={nonce},c=biws,{proof}"),
        String::new(),
    ];
    for client_final in finals {
        let (mut server, _) = ScramServer::start(client_first.as_bytes(), NONCE_S).unwrap();
        server.server_first(&pencil_keys());
        assert!(
            server.finish(client_final.as_bytes()).is_err(),
            "{client_final:?}"
        );
    }
    // finish before server_first
    let (server, _) = ScramServer::start(client_first.as_bytes(), NONCE_S).unwrap();
    assert!(
        server
            .finish(format!("c=biws,r={nonce},{proof}").as_bytes())
            .is_err()
    );
}

#[test]
fn scram_client_first_forms() {
    let ok: Vec<(&str, &str, Option<&str>)> = vec![
        ("n,,n=user,r=abc", "user", None),
        ("y,,n=user,r=abc", "user", None),
        ("n,a=admin,n=user,r=abc", "user", Some("admin")),
        ("n,,n=a=2Cb=3Dc,r=abc", "a,b=c", None),
        ("n,,n=user,r=abc,x=ext", "user", None),
    ];
    for (message, user, authzid) in ok {
        let (_, first) = ScramServer::start(message.as_bytes(), "srv").unwrap();
        assert_eq!(first.username, user, "{message}");
        assert_eq!(first.authzid.as_deref(), authzid, "{message}");
    }
    let bad = [
        "p=tls-unique,,n=user,r=abc",
        "x,,n=user,r=abc",
        "n,,m=ext,n=user,r=abc",
        "n,,n=,r=abc",
        "n,,n=us=er,r=abc",
        "n,,n=us=2,r=abc",
        "n,,n=user",
        "n,,n=user,r=",
        "n,,n=user,r=a b",
        "n,,r=abc",
        "n,b=x,n=user,r=abc",
        "n,,n=user,r=abc,garbage",
        "n,,",
        "n",
        "",
    ];
    for message in bad {
        assert!(
            ScramServer::start(message.as_bytes(), "srv").is_err(),
            "{message:?}"
        );
    }
    assert!(ScramServer::start(b"n,,n=user,r=abc", "a,b").is_err());
    assert!(ScramServer::start(b"n,,n=user,r=abc", "").is_err());
    assert!(ScramServer::start(b"n,,n=\xff,r=abc", "srv").is_err());
}

#[test]
fn scram_y_flag_binds_to_its_own_header() {
    let (mut server, _) = ScramServer::start(b"y,,n=user,r=abc", "def").unwrap();
    let keys = ScramKeys::derive("pencil", b"salt", SCRAM_ITERATIONS);
    let server_first = server.server_first(&keys);
    let mut client = ScramClient::new("user", "pencil", "abc");
    let client_final = client.client_final(server_first.as_bytes()).unwrap();
    // The client wrote c=biws (for "n,,"), but the header was "y,,": "eSws" is required.
    assert!(server.finish(client_final.as_bytes()).is_err());
    let fixed = client_final.replacen("c=biws", "c=eSws", 1);
    // The proof covers c=, so changing it fails the proof, but not the binding check.
    assert_eq!(
        server.finish(fixed.as_bytes()),
        Err(SaslError("SCRAM proof invalid"))
    );
}

#[test]
fn scram_keys_text_form() {
    let keys = pencil_keys();
    let text = keys.encode();
    assert!(text.starts_with("4096:W22ZaJ0SNY7soEsUEjb6gQ==:"));
    assert_eq!(keys.to_string(), text);
    assert_eq!(ScramKeys::parse(&text), Ok(keys));
    let bad = [
        "",
        "4096",
        "0:c2FsdA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "-1:c2FsdA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "4096::AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "4096:c2FsdA==:AAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "4096:c2FsdA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:x",
    ];
    for text in bad {
        assert!(ScramKeys::parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn cram_md5_example_of_rfc_2195() {
    // RFC 2195 §2
    assert_eq!(
        cram_md5_digest(
            b"tanstaaftanstaaf",
            b"<1896.697170952@postoffice.reston.mci.net>"
        ),
        "b913a602c7eda7a495b4e6e7334d3890"
    );
    // The client's response "tim b913a602c7eda7a495b4e6e7334d3890", base64 encoded.
    assert_eq!(
        decode_base64("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw").unwrap(),
        b"tim b913a602c7eda7a495b4e6e7334d3890"
    );
}

#[test]
fn digests_and_comparison() {
    assert_eq!(
        apop_digest("<1896.697170952@dbc.mtview.ca.us>", b"tanstaaf"),
        "c4c9334bac560ecc979e58001b3e22fb"
    );
    assert!(constant_time_eq(b"", b""));
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn keys_text_round_trips(
        salt in proptest::collection::vec(any::<u8>(), 1..40),
        iterations in 1u32..,
        stored_key in any::<[u8; 32]>(),
        server_key in any::<[u8; 32]>(),
    ) {
        let keys = ScramKeys { salt, iterations, stored_key, server_key };
        prop_assert_eq!(ScramKeys::parse(&keys.encode()), Ok(keys));
    }

    #[test]
    fn garbage_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        text in "[a-z=,0-9+/]{0,80}",
    ) {
        let _ = decode_plain(&bytes);
        let _ = decode_base64(&text);
        let _ = ScramKeys::parse(&text);
        let _ = ScramServer::start(&bytes, "srv");
        for first in [&bytes[..], text.as_bytes(), b"n,,n=user,r=abc"] {
            if let Ok((mut server, _)) = ScramServer::start(first, "srv") {
                server.server_first(&ScramKeys::derive("pw", b"salt", 1));
                let _ = server.finish(&bytes);
                let _ = server.finish(text.as_bytes());
                let _ = server.finish(format!("c=biws,r=abcsrv,{text}").as_bytes());
            }
        }
        let mut client = ScramClient::new("user", "pw", "abc");
        let _ = client.client_final(&bytes);
        let _ = client.client_final(format!("r=abcx,s={text},i=1").as_bytes());
        let _ = client.verify_server_final(&bytes);
    }
}
