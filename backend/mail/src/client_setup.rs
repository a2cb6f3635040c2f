//! What mail clients are told when they set an account up from its address alone:
//! Mozilla's autoconfig file (Thunderbird, K-9/Thunderbird for Android, Evolution, …) and
//! Microsoft's autodiscover answer in its plain-XML form (Outlook's "POX" protocol),
//! both made from the services this server offers ([`Services`]) and its host name.
//!
//! Every service named needs a sign-in with the full address; encryption is named as
//! the listener does it (implicit TLS before STARTTLS, RFC 8314 §5.1).

use osprey_core::markup::escape as xml;

use crate::dns::setup::Services;

/// A service entry: protocol, port and whether TLS is implicit.
struct Entry {
    protocol: &'static str,
    port: u16,
    implicit_tls: bool,
}

/// The services offered, each kind in the order clients should prefer.
fn entries(s: &Services) -> Vec<Entry> {
    [
        ("imap", s.imaps, true),
        ("imap", s.imap, false),
        ("pop3", s.pop3s, true),
        ("pop3", s.pop3, false),
        ("smtp", s.submissions, true),
        ("smtp", s.submission, false),
    ]
    .into_iter()
    .filter_map(|(protocol, port, implicit_tls)| {
        port.map(|port| Entry {
            protocol,
            port,
            implicit_tls,
        })
    })
    .collect()
}

/// The autoconfig file (`config-v1.1.xml`) of `domain`, with `name` as the provider's
/// display name: the incoming servers (IMAP first), then the outgoing ones; the user
/// name is `%EMAILADDRESS%`, which the client fills in.
pub fn autoconfig(domain: &str, name: &str, host: &str, services: &Services) -> String {
    let (domain, name, host) = (xml(domain), xml(name), xml(host.trim_end_matches('.')));
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n  <emailProvider id=\"{domain}\">\n    <domain>{domain}</domain>\n    <displayName>{name}</displayName>\n    <displayShortName>{name}</displayShortName>\n"
    );
    for e in entries(services) {
        let (tag, kind) = match e.protocol {
            "smtp" => ("outgoingServer", "smtp"),
            other => ("incomingServer", other),
        };
        let socket = if e.implicit_tls { "SSL" } else { "STARTTLS" };
        out.push_str(&format!(
            "    <{tag} type=\"{kind}\">\n      <hostname>{host}</hostname>\n      <port>{}</port>\n      <socketType>{socket}</socketType>\n      <authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </{tag}>\n",
            e.port
        ));
    }
    out.push_str("  </emailProvider>\n</clientConfig>\n");
    out
}

/// The response schema a POX autodiscover request asks for (and the only one answered).
pub const AUTODISCOVER_RESPONSE_SCHEMA: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

/// The address an autodiscover request asks about: its `EMailAddress` element.
pub fn autodiscover_address(request: &str) -> Option<String> {
    let start = request.find("<EMailAddress>")? + "<EMailAddress>".len();
    let len = request[start..].find("</EMailAddress>")?;
    let address = request[start..start + len].trim();
    (address.contains('@') && !address.contains(['<', '&', '"']) && address.len() <= 320)
        .then(|| address.to_owned())
}

/// The autodiscover answer for `address`: an `email` account with the IMAP server
/// (else POP3) and the submission server; the sign-in name is the address.
pub fn autodiscover(address: &str, host: &str, services: &Services) -> String {
    let (address, host) = (xml(address), xml(host.trim_end_matches('.')));
    let all = entries(services);
    let incoming = all
        .iter()
        .find(|e| e.protocol == "imap")
        .or_else(|| all.iter().find(|e| e.protocol == "pop3"));
    let outgoing = all.iter().find(|e| e.protocol == "smtp");
    let mut protocols = String::new();
    for e in incoming.into_iter().chain(outgoing) {
        // Encryption overrides SSL: "SSL" is implicit TLS, "TLS" is STARTTLS.
        let encryption = if e.implicit_tls { "SSL" } else { "TLS" };
        protocols.push_str(&format!(
            "      <Protocol>\n        <Type>{}</Type>\n        <Server>{host}</Server>\n        <Port>{}</Port>\n        <LoginName>{address}</LoginName>\n        <DomainRequired>off</DomainRequired>\n        <SPA>off</SPA>\n        <Encryption>{encryption}</Encryption>\n        <AuthRequired>on</AuthRequired>\n      </Protocol>\n",
            match e.protocol {
                "imap" => "IMAP",
                "pop3" => "POP3",
                _ => "SMTP",
            },
            e.port
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n  <Response xmlns=\"{AUTODISCOVER_RESPONSE_SCHEMA}\">\n    <Account>\n      <AccountType>email</AccountType>\n      <Action>settings</Action>\n{protocols}    </Account>\n  </Response>\n</Autodiscover>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autoconfig_lists_the_offered_services_tls_first() {
        let services = Services {
            pop3: None,
            pop3s: None,
            ..Services::default()
        };
        let xml = autoconfig(
            "example.org",
            "Acme & Co Mail",
            "mx.example.org.",
            &services,
        );
        assert!(xml.contains("<emailProvider id=\"example.org\">"));
        assert!(xml.contains("<displayName>Acme &amp; Co Mail</displayName>"));
        assert!(!xml.contains("pop3"));
        let imaps = xml.find("<port>993</port>").unwrap();
        let imap = xml.find("<port>143</port>").unwrap();
        let submissions = xml.find("<port>465</port>").unwrap();
        assert!(imaps < imap && imap < submissions, "{xml}");
        assert!(xml.contains("<hostname>mx.example.org</hostname>"));
        assert!(xml.contains("<socketType>STARTTLS</socketType>"));
        assert_eq!(
            xml.matches("<username>%EMAILADDRESS%</username>").count(),
            4
        );
        assert_eq!(xml.matches("<outgoingServer type=\"smtp\">").count(), 2);
    }

    #[test]
    fn autodiscover_reads_the_address_and_answers_imap_and_smtp() {
        let request = format!(
            "<?xml version=\"1.0\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress> ann@example.org </EMailAddress><AcceptableResponseSchema>{AUTODISCOVER_RESPONSE_SCHEMA}</AcceptableResponseSchema></Request></Autodiscover>"
        );
        assert_eq!(
            autodiscover_address(&request).as_deref(),
            Some("ann@example.org")
        );
        assert_eq!(
            autodiscover_address("<EMailAddress>ann</EMailAddress>"),
            None
        );
        assert_eq!(autodiscover_address("<Request></Request>"), None);
        let services = Services {
            imaps: None,
            ..Services::default()
        };
        let answer = autodiscover("ann@example.org", "mx.example.org", &services);
        assert!(answer.contains("<Type>IMAP</Type>"));
        assert!(
            answer.contains("<Port>143</Port>") && answer.contains("<Encryption>TLS</Encryption>")
        );
        assert!(
            answer.contains("<Port>465</Port>") && answer.contains("<Encryption>SSL</Encryption>")
        );
        assert!(!answer.contains("POP3"));
        assert_eq!(
            answer
                .matches("<LoginName>ann@example.org</LoginName>")
                .count(),
            2
        );
    }
}
