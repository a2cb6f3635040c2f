//! Invitations (iTIP, RFC 5546, carried by mail as iMIP, RFC 6047). The organiser of an
//! event is the owner of the calendar it was made in; saving it with attendees sends
//! them a `METHOD:REQUEST` (a new one, with a higher SEQUENCE, at every change), an
//! attendee taken off gets a `CANCEL`, and deleting the event cancels it for everyone.
//! Attendees who are accounts of this server get the event in their default calendar
//! at once, as "needs action"; they answer there, and their answer is written into the
//! organiser's event (a `REPLY` mail when the organiser is elsewhere). A `REPLY` that
//! arrives by mail for an organiser here is applied only when it comes from one of the
//! event's attendees and names an event the organiser has.

use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarEntry, ICalendarMethod, ICalendarProperty,
    ICalendarStatus, ICalendarValue,
};
use osprey_core::Address;
use osprey_mail::{
    Client, Envelope, QueueOptions, Submission, Verdict,
    message::{Compose, NamedAddress},
};
use osprey_store::{AccountRecord, CalendarObjectRecord, NewQueuedRecipient};

use crate::{
    Access, CalendarError, CalendarService, Event, alarms,
    events::{self, KIND},
    fields::{Attendee, PartStat},
    ical, participants,
};

/// How the calendar sends its mail.
#[derive(Clone)]
pub(crate) struct Mailer {
    submission: Submission,
    hostname: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("hostname", &self.hostname)
            .finish()
    }
}

/// What an answer applied from a mail did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyOutcome {
    /// The attendee's answer is now on the organiser's event.
    Applied,
    /// A counter-proposal (another time) was declined with a `DECLINECOUNTER`.
    Declined,
    /// Not an event of the recipient's, or not from one of its attendees: nothing changed.
    Ignored,
}

/// The scheduling message for `method`: the event without its owner's reminders.
fn scheduling_text(ics: &ICalendar, method: &ICalendarMethod) -> String {
    let mut out = ics.clone();
    alarms::write(&mut out, &[]);
    if let Some(root) = out.components.first_mut() {
        root.entries.retain(|e| e.name != ICalendarProperty::Method);
        root.entries.push(
            ICalendarEntry::new(ICalendarProperty::Method)
                .with_value(ICalendarValue::Method(method.clone())),
        );
    }
    if *method == ICalendarMethod::Cancel
        && let Some(m) = ical::master(&out)
    {
        let c = &mut out.components[m];
        c.entries.retain(|e| e.name != ICalendarProperty::Status);
        c.entries.push(
            ICalendarEntry::new(ICalendarProperty::Status)
                .with_value(ICalendarValue::Status(ICalendarStatus::Cancelled)),
        );
    }
    ical::to_text(out)
}

fn master_of(ics: &ICalendar) -> Result<&ICalendarComponent, CalendarError> {
    ical::master(ics)
        .map(|m| &ics.components[m])
        .ok_or_else(|| CalendarError::invalid("event", "the stored event cannot be read"))
}

impl CalendarService {
    /// Sends invitations through `submission` (as the organiser, so DKIM signs them and
    /// the relay rules of a signed-in account apply); `hostname` names the Message-IDs.
    pub fn with_mail(mut self, submission: Submission, hostname: impl Into<String>) -> Self {
        self.mail = Some(Mailer {
            submission,
            hostname: hostname.into(),
        });
        self
    }

    /// Whether the event is one the calendar's owner organises (or one without guests).
    pub(crate) fn organised_by(ics: &ICalendar, owner: &AccountRecord) -> bool {
        master_of(ics)
            .ok()
            .and_then(participants::organizer)
            .is_none_or(|o| o.eq_ignore_ascii_case(&owner.address()))
    }

    /// After the organiser saved `ics`: requests to its attendees, cancels to those taken
    /// off (`before` the save), and the attendees here get their copy.
    pub(crate) async fn invite(
        &self,
        owner: &AccountRecord,
        ics: &ICalendar,
        before: &[Attendee],
    ) -> Result<(), CalendarError> {
        let master = master_of(ics)?;
        let now = participants::attendees(master);
        let gone: Vec<Attendee> = before
            .iter()
            .filter(|b| {
                !now.iter()
                    .any(|a| a.address.eq_ignore_ascii_case(&b.address))
            })
            .cloned()
            .collect();
        if !gone.is_empty() {
            self.send(owner, ics, ICalendarMethod::Cancel, &gone).await;
            self.withdraw_copies(ics, &gone).await?;
        }
        if !now.is_empty() {
            self.send(owner, ics, ICalendarMethod::Request, &now).await;
            self.place_copies(owner, ics, &now).await?;
        }
        Ok(())
    }

    /// The organiser deleted the event: everyone invited gets a cancel.
    pub(crate) async fn cancel_all(
        &self,
        owner: &AccountRecord,
        ics: &ICalendar,
    ) -> Result<(), CalendarError> {
        let all = participants::attendees(master_of(ics)?);
        if all.is_empty() {
            return Ok(());
        }
        self.send(owner, ics, ICalendarMethod::Cancel, &all).await;
        self.withdraw_copies(ics, &all).await
    }

    /// Mails the scheduling message to `to` (those the relay rules refuse are logged and
    /// left out: the event is saved all the same).
    pub(crate) async fn send(
        &self,
        owner: &AccountRecord,
        ics: &ICalendar,
        method: ICalendarMethod,
        to: &[Attendee],
    ) {
        let Some(mail) = &self.mail else { return };
        let Ok(master) = master_of(ics) else { return };
        // The readable facts when the event reads (an object from elsewhere may not):
        // the mail goes either way.
        let fields = ical::read_fields(master, "UTC").map(|mut f| {
            f.organizer = participants::organizer(master);
            f.attendees = Some(participants::attendees(master));
            f
        });
        if fields.is_none() {
            tracing::warn!("a scheduling message's event does not read; sent without its facts");
        }
        let title = fields
            .as_ref()
            .map(|f| f.title.clone())
            .unwrap_or_else(|| crate::transfer::summary(master));
        let from = owner.address();
        let (subject, line) = match method {
            ICalendarMethod::Cancel => (
                format!("Cancelled: {title}"),
                format!("{} cancelled \"{title}\".", owner_name(owner)),
            ),
            ICalendarMethod::Declinecounter => (
                format!("Time kept: {title}"),
                format!(
                    "Thank you for suggesting another time. {} keeps \"{title}\" as it was planned.",
                    owner_name(owner)
                ),
            ),
            ICalendarMethod::Reply => (
                format!("Answer: {title}"),
                format!(
                    "{} answered the invitation to \"{title}\".",
                    owner_name(owner)
                ),
            ),
            _ => (
                format!("Invitation: {title}"),
                format!(
                    "{} invites you to \"{title}\". Your calendar program can add it and \
                     answer from the attached invitation.",
                    owner_name(owner)
                ),
            ),
        };
        let (text, html) = match &fields {
            Some(f) => crate::letter::letter(&line, f),
            None => crate::letter::only(&line),
        };
        let Ok(sender) = Address::parse(&from) else {
            return;
        };
        let recipients: Vec<NamedAddress> = to
            .iter()
            .filter_map(|a| {
                Some(NamedAddress {
                    name: Some(a.name.clone()).filter(|n| !n.is_empty()),
                    address: Address::parse(&a.address).ok()?,
                })
            })
            .collect();
        let id = format!("{}@{}", uuid::Uuid::now_v7(), mail.hostname);
        let bytes = Compose::new(
            NamedAddress {
                name: Some(owner.display_name.clone()).filter(|n| !n.is_empty()),
                address: sender,
            },
            id,
        )
        .to(recipients.clone())
        .subject(subject)
        .text(text)
        .html(html)
        .calendar(method_name(&method), scheduling_text(ics, &method))
        .to_bytes();
        let client = Client {
            ip: None,
            account: Some(owner.clone()),
            sender: from.clone(),
        };
        let mut envelope = Envelope {
            sender: from,
            options: QueueOptions {
                account_id: Some(owner.id.clone()),
                ..QueueOptions::default()
            },
            ..Envelope::default()
        };
        for r in &recipients {
            match mail.submission.recipient(&client, &r.address, 0).await {
                Ok(Verdict::Refused(why)) => {
                    tracing::warn!(to = %r.address, ?why, "an invitation's recipient is refused");
                }
                Ok(verdict) => envelope.add(verdict, NewQueuedRecipient::to(r.address.to_string())),
                Err(e) => tracing::warn!(error = %e, "an invitation's recipient was not checked"),
            }
        }
        if envelope.is_empty() {
            return;
        }
        if let Err(e) = mail.submission.submit(&envelope, &bytes, "INBOX").await {
            tracing::warn!(error = %e, "an invitation was not sent");
        }
    }

    /// Puts the event into the default calendar of each attendee who has an account
    /// here, as "needs action" when new; an answer given before is kept.
    async fn place_copies(
        &self,
        owner: &AccountRecord,
        ics: &ICalendar,
        attendees: &[Attendee],
    ) -> Result<(), CalendarError> {
        let uid = master_of(ics)?.uid().unwrap_or_default().to_owned();
        for a in attendees {
            let Some(guest) = self.local_account(&a.address).await? else {
                continue;
            };
            if guest.id == owner.id {
                continue;
            }
            let mine = self.own_copies(&guest.id, &uid).await?;
            let mut copy = ics.clone();
            alarms::write(&mut copy, &[]);
            let kept_answer = mine
                .first()
                .and_then(|r| events::parse(r).ok())
                .and_then(|old| {
                    let m = ical::master(&old)?;
                    participants::attendees(&old.components[m])
                        .into_iter()
                        .find(|x| x.address.eq_ignore_ascii_case(&a.address))
                        .map(|x| x.status)
                });
            if let (Some(status), Some(m)) = (kept_answer, ical::master(&copy)) {
                participants::answer(&mut copy.components[m], &a.address, status);
            }
            let (cal, existing) = match mine.into_iter().next() {
                Some(r) => (
                    self.store.calendars().calendar(&r.calendar_id).await?,
                    Some(r),
                ),
                None => {
                    let d = self.default_calendar(&guest.id).await?;
                    (self.store.calendars().calendar(&d.id).await?, None)
                }
            };
            self.save(&cal, existing.as_ref(), copy).await?;
        }
        Ok(())
    }

    /// Takes the event out of the calendars of these attendees who have an account here.
    async fn withdraw_copies(
        &self,
        ics: &ICalendar,
        attendees: &[Attendee],
    ) -> Result<(), CalendarError> {
        let uid = master_of(ics)?.uid().unwrap_or_default().to_owned();
        for a in attendees {
            let Some(guest) = self.local_account(&a.address).await? else {
                continue;
            };
            for r in self.own_copies(&guest.id, &uid).await? {
                self.store
                    .calendars()
                    .delete_object(&r.calendar_id, &r.id)
                    .await?;
            }
        }
        Ok(())
    }

    /// The account of this server with this address, if there is one.
    pub(crate) async fn local_account(
        &self,
        address: &str,
    ) -> Result<Option<AccountRecord>, CalendarError> {
        let Ok(parsed) = Address::parse(address) else {
            return Ok(None);
        };
        match self.store.accounts().account_by_address(&parsed).await {
            Ok(a) => Ok(Some(a)),
            Err(osprey_store::StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The events with `uid` in the account's own calendars.
    pub(crate) async fn own_copies(
        &self,
        account_id: &str,
        uid: &str,
    ) -> Result<Vec<CalendarObjectRecord>, CalendarError> {
        let ids: Vec<String> = self
            .store
            .calendars()
            .calendars_of(account_id)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        Ok(self
            .store
            .calendars()
            .objects_by_uid(&ids, uid)
            .await?
            .into_iter()
            .filter(|r| r.kind == KIND)
            .collect())
    }

    /// The account answers an invitation in its calendar: its answer goes on its copy
    /// and to the organiser — into the organiser's event when the organiser is here,
    /// else by a `REPLY` mail.
    pub async fn answer(
        &self,
        account_id: &str,
        calendar_id: &str,
        event_id: &str,
        status: PartStat,
    ) -> Result<Event, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Owner).await?;
        let me = self.store.accounts().account(account_id).await?;
        let mine = me.address();
        let r = self.store.calendars().object(calendar_id, event_id).await?;
        if r.kind != KIND {
            return Err(CalendarError::NotFound);
        }
        let mut ics = events::parse(&r)?;
        let m = ical::master(&ics).ok_or(CalendarError::NotFound)?;
        let organizer = participants::organizer(&ics.components[m])
            .filter(|o| !o.eq_ignore_ascii_case(&mine))
            .ok_or_else(|| {
                CalendarError::invalid("status", "you were not invited to this event")
            })?;
        if !participants::answer(&mut ics.components[m], &mine, status) {
            return Err(CalendarError::invalid(
                "status",
                "you are not one of the event's attendees",
            ));
        }
        let uid = ics.components[m].uid().unwrap_or_default().to_owned();
        let saved = self.save(&cal, Some(&r), ics.clone()).await?;
        match self.local_account(&organizer).await? {
            Some(host) => {
                self.apply_answer(&host, &uid, &mine, status).await?;
            }
            None => {
                let me_only = vec![Attendee {
                    address: mine.clone(),
                    name: me.display_name.clone(),
                    status,
                }];
                let mut reply = ics;
                participants::write(&mut reply.components[m], (&organizer, ""), &me_only);
                self.send(
                    &me,
                    &reply,
                    ICalendarMethod::Reply,
                    &[Attendee {
                        address: organizer.clone(),
                        name: String::new(),
                        status: PartStat::NeedsAction,
                    }],
                )
                .await;
            }
        }
        Ok(saved)
    }

    /// Writes `from`'s answer into the organiser's event `uid`; `false` when the
    /// organiser has no such event or `from` is not one of its attendees.
    async fn apply_answer(
        &self,
        host: &AccountRecord,
        uid: &str,
        from: &str,
        status: PartStat,
    ) -> Result<bool, CalendarError> {
        for r in self.own_copies(&host.id, uid).await? {
            let mut ics = events::parse(&r)?;
            if !Self::organised_by(&ics, host) {
                continue;
            }
            let Some(m) = ical::master(&ics) else {
                continue;
            };
            if !participants::answer(&mut ics.components[m], from, status) {
                return Ok(false);
            }
            let cal = self.store.calendars().calendar(&r.calendar_id).await?;
            self.save(&cal, Some(&r), ics).await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// An iMIP `REPLY` mailed to the account `account_id` by `sender` (the envelope or
    /// From address): applied to the account's event when the sender is the attendee
    /// the reply is about and one of that event's; anything else is logged and ignored.
    pub async fn apply_reply(
        &self,
        account_id: &str,
        sender: &str,
        text: &str,
    ) -> Result<ReplyOutcome, CalendarError> {
        let ignored = |why: &str| {
            tracing::info!(account = account_id, %sender, why, "an iMIP reply was ignored");
            Ok(ReplyOutcome::Ignored)
        };
        let Ok(ics) = ICalendar::parse(text) else {
            return ignored("not iCalendar");
        };
        let method = ics.components.first().and_then(|root| {
            root.property(&ICalendarProperty::Method)
                .and_then(|e| e.values.first())
                .and_then(ICalendarValue::as_text)
                .map(str::to_ascii_uppercase)
        });
        let counter = method.as_deref() == Some("COUNTER");
        if method.as_deref() != Some("REPLY") && !counter {
            return ignored("not a REPLY");
        }
        let Some(m) = ical::master(&ics).or_else(|| {
            ics.components.iter().position(|c| {
                c.component_type == calcard::icalendar::ICalendarComponentType::VEvent
            })
        }) else {
            return ignored("no event");
        };
        let comp = &ics.components[m];
        let uid = comp.uid().unwrap_or_default().to_owned();
        let answers = participants::attendees(comp);
        let Some(who) = answers
            .iter()
            .find(|a| a.address.eq_ignore_ascii_case(sender))
        else {
            return ignored("the sender is not the attendee it answers for");
        };
        let host = self.store.accounts().account(account_id).await?;
        if counter {
            // RFC 5546 §3.2.8: the organiser may decline a counter-proposal; Osprey
            // does, politely, with the event as it stands.
            return match self.organised_event(&host, &uid).await? {
                Some(event) if self.is_guest(&event, &who.address) => {
                    self.send(
                        &host,
                        &event,
                        ICalendarMethod::Declinecounter,
                        std::slice::from_ref(who),
                    )
                    .await;
                    Ok(ReplyOutcome::Declined)
                }
                _ => {
                    ignored("a counter-proposal for no event of the organiser's with that attendee")
                }
            };
        }
        if self
            .apply_answer(&host, &uid, &who.address, who.status)
            .await?
        {
            Ok(ReplyOutcome::Applied)
        } else {
            ignored("no such event of the organiser's with that attendee")
        }
    }
}

impl CalendarService {
    /// The organiser's event `uid` (one the account organises), parsed.
    async fn organised_event(
        &self,
        host: &AccountRecord,
        uid: &str,
    ) -> Result<Option<ICalendar>, CalendarError> {
        for r in self.own_copies(&host.id, uid).await? {
            if let Ok(ics) = events::parse(&r)
                && Self::organised_by(&ics, host)
            {
                return Ok(Some(ics));
            }
        }
        Ok(None)
    }

    fn is_guest(&self, ics: &ICalendar, address: &str) -> bool {
        ical::master(ics).is_some_and(|m| {
            participants::attendees(&ics.components[m])
                .iter()
                .any(|a| a.address.eq_ignore_ascii_case(address))
        })
    }
}

fn owner_name(a: &AccountRecord) -> String {
    if a.display_name.is_empty() {
        a.address()
    } else {
        a.display_name.clone()
    }
}

fn method_name(m: &ICalendarMethod) -> &'static str {
    match m {
        ICalendarMethod::Declinecounter => "DECLINECOUNTER",
        ICalendarMethod::Cancel => "CANCEL",
        ICalendarMethod::Reply => "REPLY",
        _ => "REQUEST",
    }
}

/// Delivered mail with an iCalendar `REPLY` for one of the recipients' events updates
/// that event's attendee (a `COUNTER` is declined); an organiser's update or cancel of
/// an event from elsewhere that a recipient has in its calendar changes its copy;
/// everything else — a new invitation above all — stays mail only, until answered.
impl osprey_mail::SchedulingHook for CalendarService {
    fn delivered<'a>(
        &'a self,
        accounts: &'a [String],
        sender: &'a str,
        message: &'a [u8],
    ) -> osprey_mail::lists::BoxFuture<'a, ()> {
        Box::pin(async move {
            let calendars = osprey_mail::calendar_objects(message);
            for text in calendars {
                let update = ["METHOD:REQUEST", "METHOD:CANCEL"]
                    .iter()
                    .any(|m| text.to_ascii_uppercase().contains(m));
                for account in accounts {
                    let done = if update {
                        self.apply_organiser_update(account, sender, &text)
                            .await
                            .map(drop)
                    } else {
                        self.apply_reply(account, sender, &text).await.map(drop)
                    };
                    if let Err(e) = done {
                        tracing::warn!(error = %e, "an iMIP message was not applied");
                    }
                }
            }
        })
    }
}
