//! Invitations that arrive by mail (iMIP): what a message's scheduling object says, for
//! the webmail reader, and the account's answer to one — the event goes into its
//! calendar with that answer, and a `REPLY` goes to the organiser. Nothing is added to
//! a calendar from mail until its owner answers, so a forged invitation never lands by
//! itself; one that claims an organiser of this server who has no such event is shown
//! as from elsewhere.

use calcard::icalendar::{
    ICalendar, ICalendarComponentType, ICalendarMethod, ICalendarProperty, ICalendarValue,
};

use crate::{
    CalendarError, CalendarService, EventFields, alarms,
    events::{self},
    fields::{Attendee, PartStat},
    ical, participants,
};

/// What a message's scheduling object says, as the account sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailInvitation {
    /// `REQUEST`, `CANCEL`, `REPLY`, …
    pub method: String,
    pub uid: String,
    pub sequence: i64,
    /// The event's fields, its organiser and attendees with their answers.
    pub fields: EventFields,
    /// The organiser is an account of this server that has the event.
    pub organizer_here: bool,
    /// The account's answer: on its copy, else in the message.
    pub answer: Option<PartStat>,
    /// The account's copy in its calendars: (calendar, event).
    pub event: Option<(String, String)>,
}

/// The first scheduling object of `texts` that holds an event: it and its method.
fn first_event(texts: &[String]) -> Option<(ICalendar, usize, String)> {
    texts.iter().find_map(|t| {
        let ics = ICalendar::parse(t).ok()?;
        let m = ical::master(&ics).or_else(|| {
            ics.components
                .iter()
                .position(|c| c.component_type == ICalendarComponentType::VEvent)
        })?;
        let method = ics
            .components
            .first()
            .and_then(|root| root.property(&ICalendarProperty::Method))
            .and_then(|e| e.values.first())
            .and_then(ICalendarValue::as_text)
            .map(str::to_ascii_uppercase)
            .unwrap_or_else(|| "PUBLISH".into());
        Some((ics, m, method))
    })
}

impl CalendarService {
    /// What the scheduling objects of a message of the account's (`texts`) say; `None`
    /// when none holds an event.
    pub async fn mail_invitation(
        &self,
        account_id: &str,
        texts: &[String],
    ) -> Result<Option<MailInvitation>, CalendarError> {
        let Some((ics, m, method)) = first_event(texts) else {
            return Ok(None);
        };
        let zone = self.zone_of(account_id).await?;
        let comp = &ics.components[m];
        let Some(mut fields) = ical::read_fields(comp, &zone) else {
            return Ok(None);
        };
        fields.attendees = Some(participants::attendees(comp));
        fields.organizer = participants::organizer(comp);
        let uid = comp.uid().unwrap_or_default().to_owned();
        let me = self.address_of(account_id).await?;
        let copy = self.own_copies(account_id, &uid).await?.into_iter().next();
        let answer = match &copy {
            Some(r) => events::parse(r).ok().and_then(|c| {
                let m = ical::master(&c)?;
                participants::attendees(&c.components[m])
                    .into_iter()
                    .find(|a| a.address.eq_ignore_ascii_case(&me))
                    .map(|a| a.status)
            }),
            None => fields
                .attendees
                .iter()
                .flatten()
                .find(|a| a.address.eq_ignore_ascii_case(&me))
                .map(|a| a.status),
        };
        let organizer_here = match &fields.organizer {
            Some(o) => self.organised_here(o, &uid).await?,
            None => false,
        };
        Ok(Some(MailInvitation {
            method,
            sequence: ical::sequence(comp),
            uid,
            fields,
            organizer_here,
            answer,
            event: copy.map(|r| (r.calendar_id, r.id)),
        }))
    }

    /// The account answers the invitation of a message of its (`texts`): the event goes
    /// into its calendar (or its copy there changes) with the answer, and the organiser
    /// hears of it.
    pub async fn answer_mail_invitation(
        &self,
        account_id: &str,
        texts: &[String],
        status: PartStat,
    ) -> Result<MailInvitation, CalendarError> {
        let Some((ics, m, method)) = first_event(texts) else {
            return Err(CalendarError::NotFound);
        };
        if method != "REQUEST" {
            return Err(CalendarError::invalid(
                "status",
                "only an invitation (a REQUEST) is answered",
            ));
        }
        let me_account = self.store.accounts().account(account_id).await?;
        let me = self.address_of(account_id).await?;
        let comp = &ics.components[m];
        let uid = comp.uid().unwrap_or_default().to_owned();
        let Some(organizer) = participants::organizer(comp) else {
            return Err(CalendarError::invalid(
                "status",
                "the invitation names no organiser",
            ));
        };
        if !participants::attendees(comp)
            .iter()
            .any(|a| a.address.eq_ignore_ascii_case(&me))
        {
            return Err(CalendarError::invalid(
                "status",
                "you are not one of the invitation's attendees",
            ));
        }
        let copies = self.own_copies(account_id, &uid).await?;
        if self.organised_here(&organizer, &uid).await?
            && let Some(r) = copies.first()
        {
            self.answer(account_id, &r.calendar_id, &r.id, status)
                .await?;
        } else {
            let mut copy = ics.clone();
            if let Some(root) = copy.components.first_mut() {
                root.entries.retain(|e| e.name != ICalendarProperty::Method);
            }
            alarms::write(&mut copy, &[]);
            if let Some(cm) = ical::master(&copy) {
                participants::answer(&mut copy.components[cm], &me, status);
            }
            let incoming = ical::sequence(comp);
            match copies.into_iter().next() {
                Some(r) => {
                    let older = events::parse(&r)
                        .ok()
                        .and_then(|c| ical::master(&c).map(|i| ical::sequence(&c.components[i])))
                        .is_some_and(|s| s > incoming);
                    let cal = self.store.calendars().calendar(&r.calendar_id).await?;
                    if older {
                        // A later version is in the calendar already: answer on it.
                        let mut kept = events::parse(&r)?;
                        if let Some(km) = ical::master(&kept) {
                            participants::answer(&mut kept.components[km], &me, status);
                        }
                        self.save(&cal, Some(&r), kept).await?;
                    } else {
                        self.save(&cal, Some(&r), copy.clone()).await?;
                    }
                }
                None => {
                    let d = self.default_calendar(account_id).await?;
                    let cal = self.store.calendars().calendar(&d.id).await?;
                    self.save(&cal, None, copy.clone()).await?;
                }
            }
            let mut reply = copy;
            if let Some(rm) = ical::master(&reply) {
                participants::write(
                    &mut reply.components[rm],
                    (&organizer, ""),
                    &[Attendee {
                        address: me.clone(),
                        name: me_account.display_name.clone(),
                        status,
                    }],
                );
            }
            self.send(
                &me_account,
                &reply,
                ICalendarMethod::Reply,
                &[Attendee {
                    address: organizer,
                    name: String::new(),
                    status: PartStat::NeedsAction,
                }],
            )
            .await;
        }
        self.mail_invitation(account_id, texts)
            .await?
            .ok_or(CalendarError::NotFound)
    }

    /// A `REQUEST` (an update) or `CANCEL` mailed to the account by the organiser of an
    /// event from elsewhere that is in its calendar already (it answered it): the copy
    /// takes the new version (keeping the account's answer and reminders) or goes.
    /// Nothing is added; a message not from the event's organiser, or an older version,
    /// changes nothing. `true` when the calendar changed.
    pub async fn apply_organiser_update(
        &self,
        account_id: &str,
        sender: &str,
        text: &str,
    ) -> Result<bool, CalendarError> {
        let Some((ics, m, method)) = first_event(std::slice::from_ref(&text.to_owned())) else {
            return Ok(false);
        };
        let comp = &ics.components[m];
        let uid = comp.uid().unwrap_or_default().to_owned();
        let Some(organizer) = participants::organizer(comp) else {
            return Ok(false);
        };
        // The organiser's own mail, about an event from elsewhere: an organiser here
        // keeps the copies up to date already.
        if !organizer.eq_ignore_ascii_case(sender) || self.organised_here(&organizer, &uid).await? {
            return Ok(false);
        }
        let incoming = ical::sequence(comp);
        let mut changed = false;
        for r in self.own_copies(account_id, &uid).await? {
            let Ok(old) = events::parse(&r) else { continue };
            let Some(om) = ical::master(&old) else {
                continue;
            };
            let was_from = participants::organizer(&old.components[om]);
            if !was_from.is_some_and(|o| o.eq_ignore_ascii_case(&organizer))
                || ical::sequence(&old.components[om]) > incoming
            {
                continue;
            }
            match method.as_str() {
                "CANCEL" => {
                    self.store
                        .calendars()
                        .delete_object(&r.calendar_id, &r.id)
                        .await?;
                    changed = true;
                }
                "REQUEST" => {
                    let me = self.address_of(account_id).await?;
                    let mine = participants::attendees(&old.components[om])
                        .into_iter()
                        .find(|a| a.address.eq_ignore_ascii_case(&me))
                        .map(|a| a.status);
                    let mut new = ics.clone();
                    if let Some(root) = new.components.first_mut() {
                        root.entries.retain(|e| e.name != ICalendarProperty::Method);
                    }
                    alarms::write(&mut new, &alarms::read(&old, om));
                    if let (Some(status), Some(nm)) = (mine, ical::master(&new)) {
                        participants::answer(&mut new.components[nm], &me, status);
                    }
                    let cal = self.store.calendars().calendar(&r.calendar_id).await?;
                    self.save(&cal, Some(&r), new).await?;
                    changed = true;
                }
                _ => {}
            }
        }
        Ok(changed)
    }

    /// Whether `organizer` is an account here that organises an event `uid`.
    pub(crate) async fn organised_here(
        &self,
        organizer: &str,
        uid: &str,
    ) -> Result<bool, CalendarError> {
        let Some(host) = self.local_account(organizer).await? else {
            return Ok(false);
        };
        for r in self.own_copies(&host.id, uid).await? {
            if events::parse(&r).is_ok_and(|ics| Self::organised_by(&ics, &host)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn address_of(&self, account_id: &str) -> Result<String, CalendarError> {
        Ok(self.store.accounts().account(account_id).await?.address())
    }
}
