#!/usr/bin/env python3
"""An independent ManageSieve client for the end-to-end tests: sievelib (PyPI). Signs in
over STARTTLS, stores and activates a script, reads it back, tries a script the server
cannot take; then mails a message that the script files, over SMTP (smtplib), and looks
for it over IMAP (imaplib). Prints one JSON object describing what happened."""

import argparse
import imaplib
import json
import os
import smtplib
import ssl
import time
from email.message import EmailMessage

from sievelib.managesieve import Client

# RFC 5490 :create makes the mailbox when it is missing (without it, the message would
# stay in INBOX); RFC 5232 §3: the flags set before fileinto go with the filed copy.
SCRIPT = """require ["fileinto", "mailbox", "imap4flags"];
# rule:[Reports]
if header :contains "subject" "[report]" {
    addflag "\\\\Flagged";
    fileinto :create "Reports";
    stop;
}
"""

# enotify is not of the subset the rules can express.
UNSUPPORTED = """require ["enotify"];
notify "mailto:ops@example.com";
"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--smtp-port", type=int, required=True)
    p.add_argument("--imaps-port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    a = p.parse_args()
    # sievelib verifies the certificate with the default context: trust the server's.
    os.environ["SSL_CERT_FILE"] = a.cafile
    out = {}

    c = Client("localhost", a.port)
    out["connected"] = c.connect(a.user, a.password, starttls=True, authmech="PLAIN")
    out["implementation"] = c.get_implementation()
    out["extensions"] = c.get_sieve_capabilities()
    out["havespace"] = c.havespace("reports", len(SCRIPT))
    out["put"] = c.putscript("reports", SCRIPT)
    out["setactive"] = c.setactive("reports")
    active, others = c.listscripts()
    out["active"] = active
    out["others"] = others
    out["script"] = c.getscript("reports")
    out["put_unsupported"] = c.putscript("notify", UNSUPPORTED)
    out["unsupported_error"] = (c.errmsg or b"").decode()
    out["check"] = c.checkscript(SCRIPT)
    c.logout()

    m = EmailMessage()
    m["From"] = "someone@remote.example"
    m["To"] = a.user
    m["Subject"] = "[report] weekly numbers"
    m.set_content("The numbers.\n")
    with smtplib.SMTP("localhost", a.smtp_port, timeout=10) as s:
        s.send_message(m, from_addr="someone@remote.example", to_addrs=[a.user])

    ctx = ssl.create_default_context(cafile=a.cafile)
    imap = imaplib.IMAP4_SSL("localhost", a.imaps_port, ssl_context=ctx, timeout=10)
    imap.login(a.user, a.password)
    out["filed"] = []
    for _ in range(50):
        typ, _ = imap.select('"Reports"', readonly=True)
        if typ == "OK":
            typ, data = imap.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            if typ == "OK" and data and data[0] is not None:
                out["filed"] = [
                    {
                        "meta": part[0].decode(),
                        "subject": part[1].decode().strip(),
                    }
                    for part in data
                    if isinstance(part, tuple)
                ]
                break
        time.sleep(0.2)
    # Where the mail is, for a failure's message.
    out["mailboxes"] = {}
    for line in imap.list()[1]:
        name = line.decode().rsplit(' "/" ', 1)[-1]
        typ, data = imap.status(name, "(MESSAGES)")
        out["mailboxes"][name] = data[0].decode() if typ == "OK" else typ
    imap.logout()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
