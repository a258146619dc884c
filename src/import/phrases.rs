//! The words and phrases the importer reads meaning from, in one place: what makes a
//! line a timeline entry of some kind, a date that is not the incident's, a duration
//! stated for it, a start or an end, an action item or not, a document that is not a
//! postmortem. Each pass keeps its logic; its vocabulary is here, so that one word
//! added for one document is seen beside the others. (The zone names are in
//! [`super::times`], the root-cause and service keywords in [`super::classify`]: they
//! are tables of values, not phrases.)

// ---------------------------------------------------------------------------------
// Timeline entries: the words that may come before an entry's time, and the words
// that say what kind of event an entry is

/// Words that may come before the time that leads an entry ("at", "ca.", "~").
pub(super) const LEAD_WORDS: &[&str] = &[
    "at",
    "ca",
    "ca.",
    "circa",
    "approx",
    "approx.",
    "approximately",
    "about",
    "around",
    "around",
    "about",
    "approx",
    "approximately",
    "~",
    "after",
    "before",
    "by",
    "circa",
];

pub(super) const MISLEADING_STRONG: &[&str] = &[
    "misleading",
    "red herring",
    "dead end",
    "dead-end",
    "wrong track",
    "wrong path",
    "ruled out",
    "rule out",
    "rules out",
    "false lead",
    "did not resolve",
    "didn't resolve",
    "did not improve",
    "did not help",
    "didn't help",
    "no improvement",
    "not the cause",
    "no issues were found",
    "no abnormalities",
    "no anomalies",
    "found no",
    "no evidence",
    "turned out to be",
    "mistakenly",
    "(wrong)",
    "erroneously",
];

pub(super) const ESCALATION: &[&str] = &[
    "escalat",
    "brought in",
    "looped in",
    "loops in",
    "loop in",
    "called in",
    "pinged",
    "pings",
    "reached out",
    "reaches out",
    "was brought",
    "were brought",
    "involved the",
    "handed over",
    "handed off",
    "calls ",
];

pub(super) const ACK: &[&str] = &[
    "acknowledg",
    "ack'd",
    "took ownership",
    "takes ownership",
    "assigned to",
    "was assigned",
    "picked up the",
    "responded to the alert",
    "on-call engineer responded",
];

pub(super) const RESOLUTION: &[&str] = &[
    "resolved",
    "resolution",
    "restored",
    "fully operational",
    "back online",
    "back to normal",
    "returned to normal",
    "normal operation",
    "operating normally",
    "recovered",
    "up and running",
    "incident closed",
    "closed the incident",
    "incident was closed",
    "all clear",
    "is back",
    "was back",
    "are back",
    "service back",
    "back up",
    "fixed",
    "full recovery",
    "end of outage",
    "outage ends",
    "outage ended",
    "healthy",
    "functioning normally",
    "working normally",
    "working again",
    "running normally",
    "loading properly",
    "working properly",
    "now working",
    "successfully fixed",
    "resolution is confirmed",
    "available again",
    "fully functional",
    "chain resumes",
    "resumed",
    "usual rate",
];

pub(super) const MITIGATION: &[&str] = &[
    "mitigat",
    "rolled back",
    "roll back",
    "rolls back",
    "rollback",
    "revert",
    "restart",
    "rebooted",
    "reboot",
    "reset",
    "reconfigur",
    "workaround",
    "temporary fix",
    "hotfix",
    "hot fix",
    "failover",
    "failed over",
    "scaled",
    "scale up",
    "increased capacity",
    "increases capacity",
    "corrected",
    "patched",
    "cleared",
    "cleaned up",
    "killed",
    "fix was deployed",
    "fix deployed",
    "deployed a fix",
    "deployed the fix",
    "deployed fix",
    "fix lands",
    "fix is",
    "fix was",
    "applied",
    "implemented",
    "redirect traffic",
    "rerouted",
    "freed",
    "removed",
    "replaced",
    "stabiliz",
    "stabilis",
    "takes down",
    "taken down",
    "disabled",
    "turned off",
    "installed",
    "raised the",
    "increased the",
];

pub(super) const COMMUNICATION: &[&str] = &[
    "status page is",
    "status page was",
    "status page updated",
    "updated the status page",
    "update the status page",
    "posted on the status page",
    "notified",
    "notify",
    "informed",
    "communicat",
    "emailed",
    "sent an email",
    "email sent",
    "email was sent",
    "mailing list",
    "tweet",
    "posted an update",
    "banner",
    "published",
    "publishes",
    "declared on",
];

pub(super) const DETECTION: &[&str] = &[
    "detect",
    "alert",
    "alarm",
    "noticed",
    "notice",
    "reported",
    "reports",
    "report ",
    "complain",
    "monitoring",
    "pagerduty",
    "observed",
    "first recorded",
    "ticket",
    "support request",
    "first report",
    "discovered that",
    "outage begins",
    "signaled",
    "signalled",
    "becomes aware",
    "became aware",
    "aware of",
];

/// Entries that start by checking something are investigation whatever follows.
pub(super) const CHECKING: &[&str] = &[
    "ensuring",
    "checking",
    "verifying",
    "reviewing",
    "investigating",
    "looking at",
    "trying to",
];

pub(super) const MISLEADING_SOFT: &[&str] = &[
    "suspect",
    "assum",
    "initially thought",
    "initial suspicion",
    "initially",
    "hypothes",
    "believed",
    "thought to be",
    "suspicion",
    "misdiagnos",
    "theory",
];

pub(super) const INVESTIGATION: &[&str] = &[
    "investigat",
    "check",
    "looking",
    "look into",
    "looked",
    "analy",
    "identif",
    "root cause",
    "debug",
    "review",
    "examin",
    "found",
    "discovered",
    "determined",
    "diagnos",
    "traced",
    "reproduc",
    "confirm",
    "verif",
    "test",
    "inspect",
    "begins looking",
    "explor",
    "ran ",
    "runs ",
    "tried",
    "figured out",
];

pub(super) const TRIGGER: &[&str] = &[
    "merged",
    "is merged",
    "deployed",
    "deploys",
    "deploy ",
    "pushed",
    "uploaded",
    "committed",
    "released",
    "rolled out",
    "roll out",
    "modified",
    "was changed",
    "were changed",
    "change was made",
    "changes were made",
    "being tuned",
    "was updated",
    "were updated",
    "upgrade",
    "is cut",
    "was cut",
    "introduced",
    "migration",
    "configuration change",
    "config change",
    "switch from",
    "funds",
    "made on",
];

// ---------------------------------------------------------------------------------
// Between a date and its time

/// Weekdays, which may stand between a date and its time or before a day's date.
pub(super) const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// Words that may stand between a date and its time ("on", "at", "from").
pub(super) const GAP_WORDS: &[&str] = &[
    "at",
    "on",
    "from",
    "around",
    "about",
    "approximately",
    "approx",
    "roughly",
    "by",
    "since",
    "starting",
    "between",
    "@",
    "~",
    "t",
    "of",
];

// ---------------------------------------------------------------------------------
// A duration stated for the incident

/// Words before a duration that make it the incident's ("lasted", "down for").
pub(super) const DURATION_BEFORE: &[&str] = &[
    "lasted",
    "lasting",
    "duration",
    "total of",
    "outage of",
    "downtime of",
    "down for",
    "downtime for",
    "outage for",
    "halted for",
    "stopped for",
    "interrupted for",
    "degraded for",
    "impacted for",
    "affected for",
    "offline for",
    "unavailable for",
    "incurred",
    "for approximately",
    "for about",
    "for around",
    "for roughly",
    "for nearly",
    "for over",
    "for a period of",
];

/// Words after a duration that make it the incident's ("of downtime").
pub(super) const DURATION_AFTER: &[&str] = &[
    "outage",
    "of downtime",
    "downtime",
    "of outage",
    "disruption",
    "of disruption",
    "incident",
    "of service",
    "long outage",
];

// ---------------------------------------------------------------------------------
// Dates that are not the incident's

/// Words just before a date that make it the report's, a deadline's or a screenshot's.
pub(super) const EXCLUDED_DATE_CONTEXT: &[&str] = &[
    "due date",
    "due:",
    "due by",
    "deadline",
    "last modified",
    "last updated",
    "modified:",
    "updated:",
    "updated on",
    "posted",
    "published",
    "created",
    "written",
    "prepared",
    "expires",
    "expiry",
    "valid until",
    "must end by",
    "report date",
    "date of report",
    "reviewed",
    "as of",
    "screenshot",
    "meeting",
    "retro on",
    "retrospective on",
    "follow-up on",
    "follow up on",
];

// ---------------------------------------------------------------------------------
// Action items

/// Lines of an action section that introduce, not list ("The following", "We will").
pub(super) const FILLER_STARTS: &[&str] = &[
    "by implementing",
    "by taking",
    "by addressing",
    "these measures",
    "these steps",
    "this postmortem",
    "this post-mortem",
    "this incident",
    "in conclusion",
    "overall",
    "the following",
    "to prevent",
    "hope this",
    "thanks",
    "thank you",
    "in order to",
    "we will take the following",
    "in summary",
    "none",
];

// ---------------------------------------------------------------------------------
// Documents that are not postmortems

/// Phrases of a guide or an assignment, not of a report.
pub(super) const INSTRUCTION_PHRASES: &[&str] = &[
    "must contain",
    "requirements",
    "read or watch",
    "mandatory",
    "your postmortem",
    "your post-mortem",
    "write a postmortem",
    "write a post-mortem",
    "you should",
    "you must",
    "you will",
    "in this guide",
    "this guide",
    "this tutorial",
    "step 1",
    "step-by-step",
    "getting started",
    "installation",
    "prerequisites",
    "npm install",
    "pip install",
    "cargo install",
    "learning objectives",
    "by the end of this",
    "task body",
    "request a review",
    "manual qa review",
    "make sure you",
    "be brief",
    "your peers",
    "how to write",
    "how to run",
    "template",
    "usage:",
];

// ---------------------------------------------------------------------------------
// Several incidents in one document

/// Words of a summary that reports more than one incident.
pub(super) const REPEATED: &[&str] = &[
    "twice",
    "two separate",
    "two incidents",
    "two outages",
    "second incident",
    "second outage",
    "a second time",
    "happened again",
    "three times",
];

// ---------------------------------------------------------------------------------
// Titles

/// Words of a title that says nothing about the incident ("Postmortem", "Incident report").
pub(super) const GENERIC_TITLE_WORDS: &[&str] = &[
    "postmortem",
    "postmortems",
    "post",
    "mortem",
    "post-mortem",
    "postmorterm",
    "posmortem",
    "report",
    "incident",
    "outage",
    "my",
    "first",
    "the",
    "a",
    "an",
    "project",
    "0x19",
    "task",
    "clipboard",
    "retrospective",
    "rca",
    "analysis",
    "summary",
    "of",
    "our",
    "write-up",
    "writeup",
    "0",
    "1",
    "2",
];
// ---------------------------------------------------------------------------------
// Timeline entries that report trouble, or recovery

/// Words of an entry that reports trouble: "error rates rise", "site down", "alert fired".
pub(super) const IMPACT_WORDS: &[&str] = &[
    "down",
    "outage",
    "error",
    "errors",
    "fail",
    "fails",
    "failed",
    "failing",
    "failure",
    "failures",
    "unresponsive",
    "unavailable",
    "unreachable",
    "timeout",
    "timeouts",
    "crash",
    "crashed",
    "crashes",
    "slow",
    "latency",
    "unable",
    "cannot",
    "can't",
    "broken",
    "alert",
    "alerts",
    "alerted",
    "degraded",
    "halt",
    "halts",
    "halted",
    "wrong",
    "rejecting",
    "rejects",
    "rejected",
    "climbing",
    "climbs",
    "rising",
    "rises",
    "stuck",
    "hung",
    "hangs",
    "overloaded",
    "saturated",
    "exhausted",
    "dropping",
    "stale",
    "deferring",
    "deferred",
    "delayed",
    "delays",
    "backlog",
    "incorrect",
    "corrupt",
    "corrupted",
    "stall",
    "stalled",
    "500",
    "502",
    "503",
    "504",
    "5xx",
    "incident",
    "stops",
    "spike",
];

/// Phrases of an entry that says service came back.
pub(super) const RECOVERY: &[&str] = &[
    "recover",
    "restored",
    "resumed",
    "back to normal",
    "back online",
    "back up",
    "restarted",
    "working again",
    "operational",
    "moving again",
    "up again",
    "came back",
    "comes back",
    "is back",
    "resumes",
    "errors stop",
    "errors stopped",
    "errors cleared",
    "no more errors",
    "normalized",
    "normalised",
    "fixed",
];

// ---------------------------------------------------------------------------------
// Markers in a timeline

/// Words an author puts in a timeline to mark where impact began.
pub(super) const START_MARKERS: &[&str] = &[
    "start of outage",
    "outage begins",
    "outage began",
    "outage starts",
    "outage started",
    "start of impact",
    "impact begins",
    "impact started",
    "impact starts",
    "incident begins",
    "incident began",
    "incident starts",
    "incident started",
    "officially begins",
    "officially began",
];

/// Words that mark where impact ended.
pub(super) const END_MARKERS: &[&str] = &[
    "incident over",
    "incident is over",
    "incident closed",
    "end of incident",
    "end of the incident",
    "incident ended",
    "end of outage",
    "outage ends",
    "outage ended",
    "end of impact",
    "impact ends",
    "impact ended",
    "outage resolved",
];

/// Words that mark where impact was mitigated.
pub(super) const MITIGATED_MARKERS: &[&str] = &["outage mitigated", "impact mitigated"];

// ---------------------------------------------------------------------------------
// Action items: findings and suggestions are not tasks

/// A finding, not a task: "`iasql_upgrade` didn't have a test case at all".
pub(super) const FINDINGS: &[&str] = &[
    "didn't ",
    "did not ",
    "had never",
    "never had",
    "wasn't ",
    "weren't ",
    "was not ",
    "were not ",
    "hadn't ",
    "only had ",
    "had only ",
    "had no ",
    "lacked ",
];

/// Words of a section title that holds ideas rather than follow-ups.
pub(super) const SUGGESTION_TITLES: &[&str] = &[
    "possible",
    "recommend",
    "suggest",
    "ideas",
    "could",
    "consider",
];

// ---------------------------------------------------------------------------------
// Dates that are not the incident's (after the date)

/// Words just after a date that put it before the incident.
pub(super) const BEFORE_THE_INCIDENT: &[&str] = &[
    "before the incident",
    "before this incident",
    "before the outage",
    "before this outage",
    "prior to the",
    "weeks before",
    "days before",
    "months before",
    "weeks earlier",
    "days earlier",
    "months earlier",
];

/// Words of a section title about what came before.
pub(super) const BACKGROUND_TITLES: &[&str] = &["background", "context", "history"];

// ---------------------------------------------------------------------------------
// Documents that are not postmortems (what one calls itself)

/// What a postmortem calls itself in its title or first heading.
pub(super) const REPORT_NAMES: &[&str] = &[
    "postmortem",
    "post-mortem",
    "post mortem",
    "incident report",
    "outage report",
    "rca",
    "root cause analysis",
    "retrospective",
    "incident review",
    "disclosure",
    "outage",
    "downtime",
];

/// A title about postmortems in general ("How we write postmortems")...
pub(super) const ABOUT_POSTMORTEMS: &[&str] = &[
    "postmortems",
    "post-mortems",
    "post mortems",
    "incident reviews",
    "incident reports",
    "postmortem",
    "post-mortem",
    "incident review",
];

/// ...that is a guide to them.
pub(super) const GUIDE_WORDS: &[&str] = &[
    "how we ",
    "how to ",
    "guide",
    "guidelines",
    "handbook",
    "process",
    "playbook",
    "writing",
    "checklist",
];
