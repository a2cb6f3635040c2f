//! Typed IMAP commands: what [`super::parse_command`] produces and
//! [`super::encode_command`] writes.
//!
//! Owns the shape of every command of RFC 9051 §6 and of the extensions Osprey parses;
//! not which state allows which command (the session decides), nor their syntax.

use super::types::{Date, DateTime, Flag, Mailbox, SequenceSet, Tag};

/// One command: its tag and what it asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub tag: Tag,
    pub body: CommandBody,
}

/// The commands, RFC 9051 §6 plus extensions. `uid: true` is the `UID` prefix
/// (RFC 9051 §6.4.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandBody {
    /// RFC 9051 §6.1.1.
    Capability,
    /// RFC 9051 §6.1.2.
    Noop,
    /// RFC 9051 §6.1.3.
    Logout,
    /// RFC 9051 §6.2.1.
    StartTls,
    /// RFC 9051 §6.2.2. The mechanism is upper-cased. `initial_response` is the decoded
    /// SASL-IR argument (RFC 4959 §3): `=` gives `Some(vec![])`.
    Authenticate {
        mechanism: String,
        initial_response: Option<Vec<u8>>,
    },
    /// RFC 9051 §6.2.3.
    Login { username: String, password: String },
    /// RFC 9051 §6.3.1; capability names upper-cased.
    Enable(Vec<String>),
    /// SELECT (RFC 9051 §6.3.2) or, with `read_only`, EXAMINE (§6.3.3).
    Select {
        mailbox: Mailbox,
        read_only: bool,
        params: SelectParams,
    },
    /// RFC 9051 §6.3.4; `special_use` from `(USE (...))`, RFC 6154 §3.
    Create {
        mailbox: Mailbox,
        special_use: Vec<Flag>,
    },
    /// RFC 9051 §6.3.5.
    Delete(Mailbox),
    /// RFC 9051 §6.3.6.
    Rename { from: Mailbox, to: Mailbox },
    /// RFC 9051 §6.3.7.
    Subscribe(Mailbox),
    /// RFC 9051 §6.3.8.
    Unsubscribe(Mailbox),
    /// RFC 9051 §6.3.9 with LIST-EXTENDED (RFC 5258).
    List(ListCommand),
    /// RFC 3501 §6.3.9 (rev1 only).
    Lsub { reference: String, pattern: String },
    /// RFC 9051 §6.3.10.
    Namespace,
    /// RFC 9051 §6.3.11.
    Status {
        mailbox: Mailbox,
        items: Vec<StatusItem>,
    },
    /// RFC 9051 §6.3.12 with MULTIAPPEND (RFC 3502): one or more messages.
    Append {
        mailbox: Mailbox,
        messages: Vec<AppendMessage>,
    },
    /// RFC 9051 §6.3.13; see [`super::is_idle_done`] for the end.
    Idle,
    /// RFC 3501 §6.4.1 (rev1 only).
    Check,
    /// RFC 9051 §6.4.1.
    Close,
    /// RFC 9051 §6.4.2.
    Unselect,
    /// RFC 9051 §6.4.3, or UID EXPUNGE (§6.4.9) with a set.
    Expunge { uids: Option<SequenceSet> },
    /// RFC 9051 §6.4.4.
    Search {
        uid: bool,
        charset: Option<String>,
        /// `RETURN (...)`, RFC 9051 §6.4.4.1: `None` without RETURN (rev1 answer),
        /// `Some(vec![])` for `RETURN ()` (same as `RETURN (ALL)`).
        returns: Option<Vec<SearchReturn>>,
        criteria: SearchKey,
    },
    /// RFC 9051 §6.4.5.
    Fetch {
        uid: bool,
        set: SequenceSet,
        items: FetchItems,
        modifiers: FetchModifiers,
    },
    /// RFC 9051 §6.4.6, `UNCHANGEDSINCE` from RFC 7162 §3.1.3.
    Store {
        uid: bool,
        set: SequenceSet,
        action: StoreAction,
        silent: bool,
        flags: Vec<Flag>,
        unchanged_since: Option<u64>,
    },
    /// RFC 9051 §6.4.7.
    Copy {
        uid: bool,
        set: SequenceSet,
        mailbox: Mailbox,
    },
    /// RFC 9051 §6.4.8 (RFC 6851).
    Move {
        uid: bool,
        set: SequenceSet,
        mailbox: Mailbox,
    },
    /// RFC 5256 §3.
    Sort {
        uid: bool,
        /// ESORT, RFC 5267 §3: `SORT RETURN (...)` answers with ESEARCH.
        returns: Option<Vec<SearchReturn>>,
        criteria: Vec<SortCriterion>,
        charset: String,
        search: SearchKey,
    },
    /// RFC 5256 §3.
    Thread {
        uid: bool,
        algorithm: ThreadAlgorithm,
        charset: String,
        search: SearchKey,
    },
    /// RFC 5267 §4.3.5: the tags of the searches whose updates end.
    CancelUpdate(Vec<String>),
    /// RFC 5465 §3.1: `NOTIFY SET ...`, or `NOTIFY NONE` (`None`).
    Notify(Option<NotifySet>),
    /// RFC 9208 §4.2.
    GetQuota(String),
    /// RFC 9208 §4.3.
    GetQuotaRoot(Mailbox),
    /// RFC 9208 §4.1: resource names upper-cased.
    SetQuota {
        root: String,
        limits: Vec<(String, u64)>,
    },
    /// RFC 2971 §3.1: `None` for `ID NIL`.
    Id(Option<Vec<(String, Option<String>)>>),
    /// RFC 4978 §3: the mechanism, upper-cased (only `DEFLATE` is defined).
    Compress(String),
}

impl CommandBody {
    /// The command's name as a client writes it, `UID` prefix included (`UID FETCH`),
    /// `EXAMINE` for a read-only SELECT: what metrics and traces call it.
    pub fn name(&self) -> &'static str {
        use CommandBody::*;
        let uid = |uid: bool, plain: &'static str, prefixed: &'static str| {
            if uid { prefixed } else { plain }
        };
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            StartTls => "STARTTLS",
            Authenticate { .. } => "AUTHENTICATE",
            Login { .. } => "LOGIN",
            Enable(_) => "ENABLE",
            Select { read_only, .. } => uid(*read_only, "SELECT", "EXAMINE"),
            Create { .. } => "CREATE",
            Delete(_) => "DELETE",
            Rename { .. } => "RENAME",
            Subscribe(_) => "SUBSCRIBE",
            Unsubscribe(_) => "UNSUBSCRIBE",
            List(_) => "LIST",
            Lsub { .. } => "LSUB",
            Namespace => "NAMESPACE",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            Idle => "IDLE",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge { uids } => uid(uids.is_some(), "EXPUNGE", "UID EXPUNGE"),
            Search { uid: u, .. } => uid(*u, "SEARCH", "UID SEARCH"),
            Fetch { uid: u, .. } => uid(*u, "FETCH", "UID FETCH"),
            Store { uid: u, .. } => uid(*u, "STORE", "UID STORE"),
            Copy { uid: u, .. } => uid(*u, "COPY", "UID COPY"),
            Move { uid: u, .. } => uid(*u, "MOVE", "UID MOVE"),
            Sort { uid: u, .. } => uid(*u, "SORT", "UID SORT"),
            Thread { uid: u, .. } => uid(*u, "THREAD", "UID THREAD"),
            CancelUpdate(_) => "CANCELUPDATE",
            Notify(_) => "NOTIFY",
            GetQuota(_) => "GETQUOTA",
            GetQuotaRoot(_) => "GETQUOTAROOT",
            SetQuota { .. } => "SETQUOTA",
            Id(_) => "ID",
            Compress(_) => "COMPRESS",
        }
    }
}

/// `select-params`, RFC 7162 §3.1.8 and §3.2.5.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectParams {
    /// `(CONDSTORE)`, RFC 7162 §3.1.8.
    pub condstore: bool,
    /// `(QRESYNC (...))`, RFC 7162 §3.2.5.
    pub qresync: Option<QResync>,
}

/// The QRESYNC select parameter, RFC 7162 §3.2.5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QResync {
    pub uidvalidity: u32,
    pub modseq: u64,
    pub known_uids: Option<SequenceSet>,
    /// `(known-sequence-set known-uid-set)`.
    pub seq_match: Option<(SequenceSet, SequenceSet)>,
}

/// LIST, RFC 9051 §6.3.9 / RFC 5258 §3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCommand {
    pub reference: String,
    /// One or more patterns (several only in the extended form).
    pub patterns: Vec<String>,
    /// `list-select-opts`, upper-cased: SUBSCRIBED, REMOTE, RECURSIVEMATCH,
    /// SPECIAL-USE (RFC 6154 §5.1) or an extension name.
    pub selection: Vec<String>,
    pub returns: Vec<ListReturn>,
}

/// `return-option`, RFC 5258 §3, RFC 5819, RFC 6154 §5.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListReturn {
    Subscribed,
    Children,
    SpecialUse,
    /// `STATUS (...)`, RFC 5819 §2.
    Status(Vec<StatusItem>),
    /// Another option name, upper-cased.
    Other(String),
}

/// `status-att`, RFC 9051 §6.3.11, RFC 7162 §3.1.6 (HIGHESTMODSEQ), RFC 7889 (APPENDLIMIT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusItem {
    Messages,
    UidNext,
    UidValidity,
    Unseen,
    Deleted,
    Size,
    /// rev1 only, RFC 3501 §6.3.10.
    Recent,
    HighestModSeq,
    AppendLimit,
}

impl StatusItem {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusItem::Messages => "MESSAGES",
            StatusItem::UidNext => "UIDNEXT",
            StatusItem::UidValidity => "UIDVALIDITY",
            StatusItem::Unseen => "UNSEEN",
            StatusItem::Deleted => "DELETED",
            StatusItem::Size => "SIZE",
            StatusItem::Recent => "RECENT",
            StatusItem::HighestModSeq => "HIGHESTMODSEQ",
            StatusItem::AppendLimit => "APPENDLIMIT",
        }
    }

    pub const ALL: [StatusItem; 9] = [
        StatusItem::Messages,
        StatusItem::UidNext,
        StatusItem::UidValidity,
        StatusItem::Unseen,
        StatusItem::Deleted,
        StatusItem::Size,
        StatusItem::Recent,
        StatusItem::HighestModSeq,
        StatusItem::AppendLimit,
    ];
}

/// One message of APPEND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessage {
    pub flags: Vec<Flag>,
    pub date: Option<DateTime>,
    pub data: Vec<u8>,
    /// Sent as `literal8` (`~{n}`), RFC 3516 §4.4: may contain NUL.
    pub binary: bool,
    /// Sent as the `UTF8 (literal8)` data item of RFC 6855 §4: a message that may have
    /// UTF-8 header fields (RFC 6532). Implies `binary`.
    pub utf8: bool,
    /// Sent as `CATENATE (...)`, RFC 4469 §5: the message is these parts one after
    /// the other, and `data` is empty. Empty for a message sent whole.
    pub catenate: Vec<CatPart>,
}

/// `cat-part`, RFC 4469 §5: literal text, or the message or part an IMAP URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatPart {
    /// `TEXT literal` (or `literal8`: binary).
    Text { data: Vec<u8>, binary: bool },
    /// `URL astring`: see [`super::parse_message_url`].
    Url(String),
}

/// `notify-set`, RFC 5465 §8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySet {
    /// The STATUS indicator: STATUS responses before the tagged OK.
    pub status: bool,
    pub groups: Vec<EventGroup>,
}

/// `event-group`, RFC 5465 §8: which mailboxes, and which events (none for `NONE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventGroup {
    pub mailboxes: NotifyMailboxes,
    pub events: Vec<NotifyEvent>,
}

/// `filter-mailboxes`, RFC 5465 §6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyMailboxes {
    Selected,
    SelectedDelayed,
    Inboxes,
    Personal,
    Subscribed,
    Subtree(Vec<Mailbox>),
    Mailboxes(Vec<Mailbox>),
}

/// `event`, RFC 5465 §5 and §8. Names are matched case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyEvent {
    /// With the fetch attributes for the new messages' FETCH (SELECTED only).
    MessageNew(Vec<FetchAttr>),
    MessageExpunge,
    FlagChange,
    AnnotationChange,
    MailboxName,
    SubscriptionChange,
    MailboxMetadataChange,
    ServerMetadataChange,
    /// `event-ext`: an atom, as sent.
    Other(String),
}

impl NotifyEvent {
    /// The event's name as RFC 5465 §8 spells it (an extension's as sent).
    pub fn name(&self) -> &str {
        match self {
            NotifyEvent::MessageNew(_) => "MessageNew",
            NotifyEvent::MessageExpunge => "MessageExpunge",
            NotifyEvent::FlagChange => "FlagChange",
            NotifyEvent::AnnotationChange => "AnnotationChange",
            NotifyEvent::MailboxName => "MailboxName",
            NotifyEvent::SubscriptionChange => "SubscriptionChange",
            NotifyEvent::MailboxMetadataChange => "MailboxMetadataChange",
            NotifyEvent::ServerMetadataChange => "ServerMetadataChange",
            NotifyEvent::Other(name) => name,
        }
    }
}

/// `search-return-opt`, RFC 9051 §6.4.4 (SAVE: RFC 5182; CONTEXT, UPDATE and PARTIAL:
/// RFC 5267 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchReturn {
    Min,
    Max,
    All,
    Count,
    Save,
    /// RFC 5267 §4.2: a hint that the search will be used again.
    Context,
    /// RFC 5267 §4.3: keep the result up to date with ADDTO and REMOVEFROM.
    Update,
    /// RFC 5267 §4.4: the results from the first number to the second, as the client
    /// wrote them (`500:400` is the same range as `400:500`).
    Partial(u32, u32),
}

/// A search key, RFC 9051 §6.4.4. String arguments are raw bytes: their charset is
/// the command's CHARSET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    /// A parenthesised list, or the top-level list of criteria: all must match.
    And(Vec<SearchKey>),
    All,
    Answered,
    Bcc(Vec<u8>),
    Before(Date),
    Body(Vec<u8>),
    Cc(Vec<u8>),
    Deleted,
    Draft,
    Flagged,
    From(Vec<u8>),
    /// Field name and value.
    Header(String, Vec<u8>),
    Keyword(String),
    Larger(u64),
    /// rev1, RFC 3501 §6.4.4.
    New,
    Not(Box<SearchKey>),
    /// rev1.
    Old,
    On(Date),
    Or(Box<SearchKey>, Box<SearchKey>),
    /// rev1.
    Recent,
    Seen,
    SentBefore(Date),
    SentOn(Date),
    SentSince(Date),
    Since(Date),
    Smaller(u64),
    Subject(Vec<u8>),
    Text(Vec<u8>),
    To(Vec<u8>),
    Uid(SequenceSet),
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword(String),
    Unseen,
    /// Message sequence numbers.
    SequenceSet(SequenceSet),
    /// `MODSEQ [entry-name entry-type-req] mod-sequence-valzer`, RFC 7162 §3.1.5. The
    /// entry name `"/flags/\\Seen"` is given as its flag.
    ModSeq {
        entry: Option<(Flag, EntryType)>,
        modseq: u64,
    },
}

/// `entry-type-req`, RFC 7162 §3.1.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryType {
    Private,
    Shared,
    All,
}

/// What FETCH asks for: a macro (RFC 9051 §6.4.5) or a list of items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchItems {
    /// `ALL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE.
    All,
    /// `FAST`: FLAGS INTERNALDATE RFC822.SIZE.
    Fast,
    /// `FULL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY.
    Full,
    Items(Vec<FetchAttr>),
}

impl FetchItems {
    /// The items, macros expanded.
    pub fn expand(&self) -> Vec<FetchAttr> {
        let fast = [
            FetchAttr::Flags,
            FetchAttr::InternalDate,
            FetchAttr::Rfc822Size,
        ];
        match self {
            FetchItems::Fast => fast.to_vec(),
            FetchItems::All => [&fast[..], &[FetchAttr::Envelope]].concat(),
            FetchItems::Full => [&fast[..], &[FetchAttr::Envelope, FetchAttr::Body]].concat(),
            FetchItems::Items(items) => items.clone(),
        }
    }
}

/// `fetch-att`, RFC 9051 §6.4.5, RFC 3516 §4.2 (BINARY), RFC 7162 §3.1.4 (MODSEQ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchAttr {
    Envelope,
    Flags,
    InternalDate,
    /// rev1 `RFC822` (same as `BODY[]`).
    Rfc822,
    /// rev1 `RFC822.HEADER` (same as `BODY.PEEK[HEADER]`).
    Rfc822Header,
    /// rev1 `RFC822.TEXT` (same as `BODY[TEXT]`).
    Rfc822Text,
    Rfc822Size,
    /// `BODY` without a section: the non-extensible body structure.
    Body,
    BodyStructure,
    Uid,
    ModSeq,
    /// `BODY[section]<partial>` or `BODY.PEEK[...]`.
    BodySection {
        peek: bool,
        section: Section,
        partial: Option<Partial>,
    },
    /// `BINARY[part]<partial>` or `BINARY.PEEK[...]`.
    Binary {
        peek: bool,
        part: Vec<u32>,
        partial: Option<Partial>,
    },
    /// `BINARY.SIZE[part]`.
    BinarySize {
        part: Vec<u32>,
    },
}

/// `<origin.length>`, RFC 9051 §6.4.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    pub origin: u32,
    /// Never 0 (`nz-number`).
    pub length: u32,
}

/// `section`, RFC 9051 §6.4.5: a part path (possibly empty) and what of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub part: Vec<u32>,
    pub text: Option<SectionText>,
}

/// `section-msgtext` / `section-text`, RFC 9051 §9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionText {
    Header,
    /// Field names as sent (compare case-insensitively).
    HeaderFields(Vec<String>),
    HeaderFieldsNot(Vec<String>),
    Text,
    /// Only after a part number.
    Mime,
}

/// FETCH modifiers, RFC 7162 §3.1.4.1 and §3.2.6.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchModifiers {
    pub changed_since: Option<u64>,
    /// `VANISHED`, only with `changed_since` on UID FETCH.
    pub vanished: bool,
}

/// `+FLAGS`, `-FLAGS` or `FLAGS`, RFC 9051 §6.4.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreAction {
    Replace,
    Add,
    Remove,
}

/// `sort-criterion`, RFC 5256 §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortCriterion {
    pub reverse: bool,
    pub key: SortKey,
}

/// `sort-key`, RFC 5256 §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    /// RFC 5957 §3 (SORT=DISPLAY).
    DisplayFrom,
    /// RFC 5957 §3 (SORT=DISPLAY).
    DisplayTo,
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Arrival => "ARRIVAL",
            SortKey::Cc => "CC",
            SortKey::Date => "DATE",
            SortKey::From => "FROM",
            SortKey::Size => "SIZE",
            SortKey::Subject => "SUBJECT",
            SortKey::To => "TO",
            SortKey::DisplayFrom => "DISPLAYFROM",
            SortKey::DisplayTo => "DISPLAYTO",
        }
    }
}

/// `thread-alg`, RFC 5256 §3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadAlgorithm {
    OrderedSubject,
    References,
    /// Another algorithm name, upper-cased (the session refuses it).
    Other(String),
}
