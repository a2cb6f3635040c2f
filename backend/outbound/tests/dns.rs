//! Routes: the static table, and the pure MX rules the DNS resolver applies.

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use osprey_outbound::dns::{
    DnsError, MxRecord, Resolver, StaticResolver, Target, address_literal, mx_hosts,
};

fn mx(preference: u16, exchange: &str) -> MxRecord {
    MxRecord {
        preference,
        exchange: exchange.to_owned(),
    }
}

#[tokio::test]
async fn static_routes_map_domains_to_addresses() {
    let resolver: Arc<dyn Resolver> = Arc::new(
        StaticResolver::from_pairs(&[
            ("b.test", "127.0.0.1:2525"),
            ("B.Test.", "[::1]:2526"),
            ("c.test", "127.0.0.1:2600"),
        ])
        .unwrap(),
    );
    let b: Vec<SocketAddr> = vec![
        "127.0.0.1:2525".parse().unwrap(),
        "[::1]:2526".parse().unwrap(),
    ];
    assert_eq!(
        resolver.route("b.test").await,
        Ok(vec![Target {
            host: "b.test".to_owned(),
            addrs: b.clone(),
        }])
    );
    assert_eq!(resolver.route("B.TEST").await.unwrap()[0].addrs, b);
    assert_eq!(
        resolver.route("c.test.").await.unwrap()[0].addrs,
        vec!["127.0.0.1:2600".parse::<SocketAddr>().unwrap()]
    );
}

#[tokio::test]
async fn unknown_domains_are_a_permanent_error() {
    let resolver = StaticResolver::from_pairs(&[("b.test", "127.0.0.1:2525")]).unwrap();
    let err = resolver.route("nowhere.test").await.unwrap_err();
    assert_eq!(err, DnsError::NoSuchDomain("nowhere.test".to_owned()));
    assert!(err.is_permanent());
    assert_eq!(err.status(), "5.1.2");

    let empty = StaticResolver::new(HashMap::from([("e.test".to_owned(), vec![])]));
    let err = empty.route("e.test").await.unwrap_err();
    assert_eq!(err, DnsError::NoRoute("e.test".to_owned()));
    assert_eq!(err.status(), "5.4.4");
}

#[test]
fn bad_pairs_do_not_parse() {
    assert!(StaticResolver::from_pairs(&[("b.test", "127.0.0.1")]).is_err());
    assert!(StaticResolver::from_pairs(&[("b.test", "localhost:25")]).is_err());
}

#[tokio::test]
async fn static_txt_records() {
    let resolver = StaticResolver::default()
        .with_txt("b.test", vec!["v=spf1 -all".to_owned()])
        .with_txt("B.test", vec!["other".to_owned()]);
    assert_eq!(
        resolver.txt("b.test").await,
        Ok(vec!["v=spf1 -all".to_owned(), "other".to_owned()])
    );
    assert_eq!(resolver.txt("none.test").await, Ok(vec![]));
}

#[test]
fn mx_hosts_come_in_preference_order() {
    let records = [
        mx(20, "backup.b.test."),
        mx(10, "MX1.b.test."),
        mx(10, "mx2.b.test."),
        mx(30, "mx1.b.test."),
    ];
    assert_eq!(
        mx_hosts("b.test", &records),
        Ok(vec![
            "mx1.b.test".to_owned(),
            "mx2.b.test".to_owned(),
            "backup.b.test".to_owned(),
        ])
    );
}

#[test]
fn no_mx_means_the_domain_itself() {
    assert_eq!(mx_hosts("b.test", &[]), Ok(vec!["b.test".to_owned()]));
}

#[test]
fn null_mx_refuses_all_mail() {
    for records in [
        vec![mx(0, ".")],
        vec![mx(0, "")],
        vec![mx(10, "mx.b.test"), mx(0, ".")],
    ] {
        let err = mx_hosts("b.test", &records).unwrap_err();
        assert_eq!(err, DnsError::NullMx("b.test".to_owned()));
        assert!(err.is_permanent());
        assert_eq!(err.status(), "5.1.10");
    }
}

#[test]
fn temporary_errors_are_not_permanent() {
    let err = DnsError::Temporary {
        name: "b.test".to_owned(),
        reason: "timed out".to_owned(),
    };
    assert!(!err.is_permanent());
    assert_eq!(err.status(), "4.4.3");
}

#[test]
fn address_literals() {
    assert_eq!(
        address_literal("[192.0.2.1]"),
        Some("192.0.2.1".parse().unwrap())
    );
    assert_eq!(
        address_literal("[IPv6:2001:db8::1]"),
        Some("2001:db8::1".parse().unwrap())
    );
    assert_eq!(address_literal("[ipv6:::1]"), Some("::1".parse().unwrap()));
    assert_eq!(address_literal("192.0.2.1"), None);
    assert_eq!(address_literal("[2001:db8::1]"), None);
    assert_eq!(address_literal("[b.test]"), None);
}

#[tokio::test]
async fn the_dns_resolver_routes_address_literals_without_asking() {
    let resolver = osprey_outbound::HickoryResolver::from_system_conf(2525).unwrap();
    assert_eq!(
        resolver.route("[127.0.0.1]").await,
        Ok(vec![Target {
            host: "[127.0.0.1]".to_owned(),
            addrs: vec!["127.0.0.1:2525".parse().unwrap()],
        }])
    );
}
