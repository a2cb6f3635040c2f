#!/usr/bin/env python3
"""An independent SMTP client for the end-to-end tests: the Python standard library's
smtplib. Sends one message per mode and prints one JSON object describing what happened."""

import argparse
import json
import smtplib
import ssl
from email.message import EmailMessage


def message(sender: str, to: str, subject: str) -> EmailMessage:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = to
    m["Subject"] = subject
    m.set_content("Hello from smtplib.\n.a line with a leading dot\n")
    return m


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["mx", "starttls", "implicit"], required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--sender", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--subject", required=True)
    a = p.parse_args()

    ctx = ssl.create_default_context(cafile=a.cafile)
    out = {}
    try:
        if a.mode == "implicit":
            s = smtplib.SMTP_SSL("localhost", a.port, context=ctx, timeout=10)
        else:
            s = smtplib.SMTP("localhost", a.port, timeout=10)
    except smtplib.SMTPConnectError as e:
        print(json.dumps({"sent": False, "connect_refused": e.smtp_code}))
        return
    s.ehlo("e2e.client")
    out["esmtp_features"] = sorted(s.esmtp_features.keys())
    if a.mode == "starttls":
        s.starttls(context=ctx)
        s.ehlo("e2e.client")
    if a.user:
        s.login(a.user, a.password)
    try:
        refused = s.send_message(message(a.sender, a.to, a.subject))
        out["refused"] = {k: [v[0], v[1].decode()] for k, v in refused.items()}
        out["sent"] = True
    except smtplib.SMTPRecipientsRefused as e:
        out["sent"] = False
        out["refused"] = {k: [v[0], v[1].decode()] for k, v in e.recipients.items()}
    except smtplib.SMTPSenderRefused as e:
        out["sent"] = False
        out["sender_refused"] = e.smtp_code
    s.quit()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
