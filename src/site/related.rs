//! Related incidents: for each postmortem, the few most similar others and why.
//!
//! Similarity is a sum of integer weights, so it is exact and explainable: the same
//! primary root cause, other shared root causes, shared services, shared tags, and shared
//! distinctive words of the title and body (weighted by rarity, capped). Ties are broken
//! by slug, so the lists are deterministic.
//!
//! It must scale to 100,000 postmortems, so there is no all-pairs comparison. Each
//! feature (a root cause, service, tag, word, and each primary root cause × service pair)
//! has an inverted index: its postmortems in site order (most recent first). A
//! postmortem's candidates are, for each of its features, the few postmortems on each side
//! of it in that feature's list (the incidents nearest in time that share it; see
//! [`Windows`]), and for words only its rarest few; only candidates are scored. The pair
//! index puts the likeliest matches (same cause on the same service) among the candidates
//! even when a cause or a service alone has thousands of postmortems. The cost per
//! postmortem is bounded by a constant, whatever the library's size, and the body is read
//! only up to [`BODY_BYTES`].
//! Input: the sorted postmortems of [`super::Site`]; output: one list per postmortem.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use super::PostmortemId;
use crate::content::Postmortem;
use crate::keys::{RootCauseKey, ServiceKey};

/// At most this many related incidents per postmortem.
pub const MAX_RELATED: usize = 5;

/// Neighbours taken on each side of a postmortem in one list of each kind of feature.
#[derive(Debug, Clone, Copy)]
pub struct Windows;

impl Windows {
    /// Primary root cause × service.
    pub const PAIR: usize = 6;
    /// Root cause.
    pub const CAUSE: usize = 3;
    /// Service.
    pub const SERVICE: usize = 3;
    /// Tag.
    pub const TAG: usize = 2;
    /// Word (only for the [`Windows::RARE_WORDS`] rarest words of a postmortem).
    pub const WORD: usize = 3;
    /// How many of a postmortem's words bring candidates.
    pub const RARE_WORDS: usize = 3;
}

/// Only the start of a body is read for words: the summary says what happened; the rest
/// would cost time in proportion to the library's text on every build and edit.
pub const BODY_BYTES: usize = 600;

/// Below this score a candidate is not shown: a lone shared tag or word is not enough.
pub const MIN_SCORE: u32 = 20;

const SAME_PRIMARY: u32 = 40;
const SHARED_ROOT_CAUSE: u32 = 15;
const SHARED_SERVICE: u32 = 25;
const SHARED_TAG: u32 = 10;
const MAX_WORD: u32 = 20;
const MAX_WORDS_TOTAL: u32 = 40;
/// Distinctive words taken from a body (the most frequent ones), besides every title word.
const BODY_WORDS: usize = 6;
/// Words named in a reason.
const REASON_WORDS: usize = 3;

/// One related incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The other postmortem.
    pub id: PostmortemId,
    /// How similar (higher is closer).
    pub score: u32,
    /// Why, strongest first.
    pub reasons: Vec<Reason>,
}

/// Why two postmortems are related.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Both have this primary root cause.
    SameRootCause(RootCauseKey),
    /// They share these root causes besides a common primary one.
    SharedRootCauses(Vec<RootCauseKey>),
    /// They name these services.
    SharedServices(Vec<ServiceKey>),
    /// They carry these tags.
    SharedTags(Vec<String>),
    /// Their titles or bodies use these uncommon words.
    SimilarWords(Vec<String>),
}

/// Interned features of one postmortem (each list sorted, no duplicates).
#[derive(Debug, Default)]
/// All in one buffer, `[pairs | causes | services | tags | words]`, because scoring reads
/// the features of many candidates in random order: one allocation each keeps that to one
/// cache miss per candidate instead of five.
struct Features {
    primary: Option<u32>,
    ids: Box<[u32]>,
    /// End of each part in `ids`.
    ends: [u16; 5],
}

impl Features {
    fn new(primary: Option<u32>, parts: [Vec<u32>; 5]) -> Self {
        let mut ids = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        let mut ends = [0u16; 5];
        for (end, part) in ends.iter_mut().zip(parts) {
            ids.extend(part);
            *end = u16::try_from(ids.len()).unwrap_or(u16::MAX);
        }
        Self {
            primary,
            ids: ids.into_boxed_slice(),
            ends,
        }
    }

    fn part(&self, i: usize) -> &[u32] {
        let start = if i == 0 {
            0
        } else {
            usize::from(self.ends[i - 1])
        };
        let end = usize::from(self.ends[i]).min(self.ids.len());
        self.ids.get(start..end).unwrap_or_default()
    }

    fn pairs(&self) -> &[u32] {
        self.part(0)
    }

    fn causes(&self) -> &[u32] {
        self.part(1)
    }

    fn services(&self) -> &[u32] {
        self.part(2)
    }

    fn tags(&self) -> &[u32] {
        self.part(3)
    }

    fn words(&self) -> &[u32] {
        self.part(4)
    }
}

/// FNV-1a: interning hashes short keys hundreds of thousands of times per build, where
/// the default SipHash (built against hostile input) is the slow part; the keys here
/// come from the site's own files and only feed an in-memory map.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Strings of one kind of feature ↔ dense ids, with each id's postmortems.
///
/// Ids are handed out in the order features are first seen, which differs between an
/// index built at once and one updated after an edit; so nothing that decides a result
/// depends on them, only on the strings (ties are broken by the text).
#[derive(Debug, Default)]
struct Index {
    ids: HashMap<Box<str>, u32, std::hash::BuildHasherDefault<Fnv>>,
    names: Vec<Box<str>>,
    /// Each feature's postmortems, sorted (site order).
    postings: Vec<Vec<u32>>,
}

impl Index {
    /// Interns `values` for postmortem `pm` and adds `pm` to their postings.
    fn add<'v>(&mut self, pm: u32, values: impl IntoIterator<Item = &'v str>) -> Vec<u32> {
        let mut out: Vec<u32> = values
            .into_iter()
            .map(|value| match self.ids.get(value) {
                Some(id) => *id,
                None => {
                    let id = self.names.len() as u32;
                    self.ids.insert(value.into(), id);
                    self.names.push(value.into());
                    self.postings.push(Vec::new());
                    id
                }
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        for id in &out {
            let posting = &mut self.postings[*id as usize];
            // A build adds postmortems in site order (a push); an edit anywhere.
            if posting.last().is_none_or(|last| *last < pm) {
                posting.push(pm);
            } else if let Err(at) = posting.binary_search(&pm) {
                posting.insert(at, pm);
            }
        }
        out
    }

    /// Takes `pm` out of the postings of `features`.
    fn remove(&mut self, pm: u32, features: &[u32]) {
        for id in features {
            let posting = &mut self.postings[*id as usize];
            if let Ok(at) = posting.binary_search(&pm) {
                posting.remove(at);
            }
        }
    }

    /// Renumbers the postmortems after the one at `from` moved to `to` (and was taken out
    /// of every posting): the ones in between move up or down by one, which keeps every
    /// posting sorted.
    fn renumber(&mut self, from: u32, to: u32) {
        for posting in &mut self.postings {
            for pm in posting.iter_mut() {
                *pm = moved(*pm, from, to);
            }
        }
    }

    /// Adds to `out` the `window` neighbours on each side of `pm` in the posting list of
    /// `feature`.
    fn neighbours(&self, feature: u32, pm: u32, window: usize, out: &mut Vec<u32>) {
        let posting = &self.postings[feature as usize];
        let Ok(at) = posting.binary_search(&pm) else {
            return;
        };
        let from = at.saturating_sub(window);
        let to = (at + window + 1).min(posting.len());
        out.extend(posting[from..to].iter().filter(|other| **other != pm));
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// Where the postmortem at `pm` is after the one at `from` moved to `to`.
pub(crate) fn moved(pm: u32, from: u32, to: u32) -> u32 {
    if pm == from {
        to
    } else if from < to && pm > from && pm <= to {
        pm - 1
    } else if to < from && pm >= to && pm < from {
        pm + 1
    } else {
        pm
    }
}

/// Rarer words weigh more: 8 × ln(N / df), at most MAX_WORD; a word in one postmortem
/// only relates nothing, and one in most of them says little.
fn word_weight(total: usize, postmortems_with_it: usize) -> u32 {
    if postmortems_with_it < 2 {
        return 0;
    }
    let ratio = total.max(1) as f64 / postmortems_with_it as f64;
    ((8.0 * ratio.ln()).round() as u32).min(MAX_WORD)
}

/// The related incidents of every postmortem, indexed like `postmortems`.
pub fn find(postmortems: &[Postmortem]) -> Vec<Vec<Related>> {
    RelatedIndex::new(postmortems).find_all(postmortems)
}

/// The features of every postmortem and the inverted index of each kind, kept by the
/// site model so that after an edit to one postmortem the index is updated in place
/// ([`RelatedIndex::replace`]) rather than rebuilt from the text of every postmortem,
/// and the edited one's list is found at once. Lists from an updated index equal those
/// of an index built from scratch over the same postmortems (see the `Index` notes on
/// ids).
#[derive(Debug, Default)]
pub struct RelatedIndex {
    features: Vec<Features>,
    pairs: Index,
    causes: Index,
    services: Index,
    tags: Index,
    words: Index,
    /// Each word's weight (see [`word_weight`]), indexed like `words`.
    word_weight: Vec<u32>,
}

impl RelatedIndex {
    /// Indexes `postmortems`, in site order.
    pub fn new(postmortems: &[Postmortem]) -> Self {
        let word_lists: Vec<Vec<String>> = postmortems.par_iter().map(distinctive_words).collect();
        let mut index = Self::default();
        for (i, (p, words)) in postmortems.iter().zip(&word_lists).enumerate() {
            let features = index.add(i as u32, p, words);
            index.features.push(features);
        }
        let total = postmortems.len();
        index.word_weight = index
            .words
            .postings
            .iter()
            .map(|posting| word_weight(total, posting.len()))
            .collect();
        index
    }

    /// Interns the features of `p` (whose distinctive words are `words`) as postmortem
    /// `pm`.
    fn add(&mut self, pm: u32, p: &Postmortem, words: &[String]) -> Features {
        let cause = p.primary_root_cause().map_or("", RootCauseKey::as_str);
        let pair_keys: Vec<String> = p
            .services
            .iter()
            .map(|s| format!("{cause}\u{0}{s}"))
            .collect();
        let cause_ids = self
            .causes
            .add(pm, p.root_causes.iter().map(RootCauseKey::as_str));
        Features::new(
            p.primary_root_cause()
                .and_then(|k| self.causes.ids.get(k.as_str()).copied()),
            [
                self.pairs.add(pm, pair_keys.iter().map(String::as_str)),
                cause_ids,
                self.services
                    .add(pm, p.services.iter().map(ServiceKey::as_str)),
                self.tags.add(pm, p.tags.iter().map(String::as_str)),
                self.words.add(pm, words.iter().map(String::as_str)),
            ],
        )
    }

    /// Replaces the postmortem at `from` by `postmortem`, which is at `to` in the new site
    /// order (the ones in between shift by one). The number of postmortems stays the same;
    /// the lists of the others are not recomputed here ([`RelatedIndex::find_all`]).
    pub fn replace(&mut self, from: usize, to: usize, postmortem: &Postmortem) {
        let (from, to) = (from as u32, to as u32);
        let old = self.features.remove(from as usize);
        self.pairs.remove(from, old.pairs());
        self.causes.remove(from, old.causes());
        self.services.remove(from, old.services());
        self.tags.remove(from, old.tags());
        self.words.remove(from, old.words());
        if from != to {
            for index in [
                &mut self.pairs,
                &mut self.causes,
                &mut self.services,
                &mut self.tags,
                &mut self.words,
            ] {
                index.renumber(from, to);
            }
        }
        let features = self.add(to, postmortem, &distinctive_words(postmortem));
        // Only the weights of words the postmortem had or has now can change.
        let total = self.features.len() + 1;
        self.word_weight.resize(self.words.postings.len(), 0);
        for word in old.words().iter().chain(features.words()) {
            self.word_weight[*word as usize] =
                word_weight(total, self.words.postings[*word as usize].len());
        }
        self.features.insert(to as usize, features);
    }

    /// The related incidents of the postmortem at `pm` (`postmortems` in site order, as
    /// indexed).
    pub fn find(&self, postmortems: &[Postmortem], pm: PostmortemId) -> Vec<Related> {
        self.scorer(postmortems).related(pm.0)
    }

    /// The related incidents of every postmortem, indexed like `postmortems`.
    pub fn find_all(&self, postmortems: &[Postmortem]) -> Vec<Vec<Related>> {
        let scorer = self.scorer(postmortems);
        (0..self.features.len())
            .into_par_iter()
            .map(|i| scorer.related(i as u32))
            .collect()
    }

    /// Every postmortem that has `pm` among its candidates, and so may list it, sorted: a
    /// postmortem's candidates are its neighbours within a window in the posting lists of
    /// its features, and that relation is symmetric for one feature and window. For words
    /// every word of `pm` counts, not only the rarest few of the other postmortem's, so
    /// this is a superset.
    pub fn referrers(&self, pm: PostmortemId) -> Vec<PostmortemId> {
        let pm = pm.0;
        let Some(mine) = self.features.get(pm as usize) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let kinds = [
            (&self.pairs, mine.pairs(), Windows::PAIR),
            (&self.causes, mine.causes(), Windows::CAUSE),
            (&self.services, mine.services(), Windows::SERVICE),
            (&self.tags, mine.tags(), Windows::TAG),
            (&self.words, mine.words(), Windows::WORD),
        ];
        for (index, features, window) in kinds {
            for f in features {
                index.neighbours(*f, pm, window, &mut found);
            }
        }
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(PostmortemId).collect()
    }

    fn scorer<'a>(&'a self, postmortems: &'a [Postmortem]) -> Scorer<'a> {
        debug_assert_eq!(postmortems.len(), self.features.len());
        Scorer {
            postmortems,
            index: self,
        }
    }
}

struct Scorer<'a> {
    postmortems: &'a [Postmortem],
    index: &'a RelatedIndex,
}

impl Scorer<'_> {
    fn related(&self, pm: u32) -> Vec<Related> {
        let index = self.index;
        let weight = |w: &u32| index.word_weight[*w as usize];
        let mine = &index.features[pm as usize];
        let mut candidates = Vec::new();
        for f in mine.pairs() {
            index
                .pairs
                .neighbours(*f, pm, Windows::PAIR, &mut candidates);
        }
        for f in mine.causes() {
            index
                .causes
                .neighbours(*f, pm, Windows::CAUSE, &mut candidates);
        }
        for f in mine.services() {
            index
                .services
                .neighbours(*f, pm, Windows::SERVICE, &mut candidates);
        }
        for f in mine.tags() {
            index.tags.neighbours(*f, pm, Windows::TAG, &mut candidates);
        }
        // The rarest words (highest weight; ties by the word, not by its id, which
        // depends on the order the index saw the words in).
        let mut rare: Vec<u32> = mine
            .words()
            .iter()
            .copied()
            .filter(|w| weight(w) > 0)
            .collect();
        rare.sort_by(|a, b| {
            weight(b)
                .cmp(&weight(a))
                .then_with(|| index.words.name(*a).cmp(index.words.name(*b)))
        });
        for f in rare.into_iter().take(Windows::RARE_WORDS) {
            index
                .words
                .neighbours(f, pm, Windows::WORD, &mut candidates);
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut scored: Vec<(u32, u32)> = candidates
            .into_iter()
            .map(|other| (self.score(mine, &index.features[other as usize]), other))
            .filter(|(score, _)| *score >= MIN_SCORE)
            .collect();
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| {
                self.postmortems[a.1 as usize]
                    .slug
                    .cmp(&self.postmortems[b.1 as usize].slug)
            })
        });
        scored.truncate(MAX_RELATED);
        scored
            .into_iter()
            .map(|(score, other)| Related {
                id: PostmortemId(other),
                score,
                reasons: self.reasons(mine, &index.features[other as usize]),
            })
            .collect()
    }

    fn score(&self, a: &Features, b: &Features) -> u32 {
        let same_primary = a.primary.is_some() && a.primary == b.primary;
        let shared_causes = count_common(a.causes(), b.causes()) - u32::from(same_primary);
        let word_score: u32 = common(a.words(), b.words())
            .map(|w| self.index.word_weight[w as usize])
            .sum();
        u32::from(same_primary) * SAME_PRIMARY
            + shared_causes * SHARED_ROOT_CAUSE
            + count_common(a.services(), b.services()) * SHARED_SERVICE
            + count_common(a.tags(), b.tags()) * SHARED_TAG
            + word_score.min(MAX_WORDS_TOTAL)
    }

    fn reasons(&self, a: &Features, b: &Features) -> Vec<Reason> {
        let index = self.index;
        let mut reasons = Vec::new();
        let primary = a.primary.filter(|p| b.primary == Some(*p));
        if let Some(p) = primary {
            reasons.push(Reason::SameRootCause(RootCauseKey::new(
                index.causes.name(p),
            )));
        }
        let other_causes: Vec<RootCauseKey> = common(a.causes(), b.causes())
            .filter(|c| Some(*c) != primary)
            .map(|c| RootCauseKey::new(index.causes.name(c)))
            .collect();
        if !other_causes.is_empty() {
            reasons.push(Reason::SharedRootCauses(sorted(other_causes)));
        }
        let services: Vec<ServiceKey> = common(a.services(), b.services())
            .map(|s| ServiceKey::new(index.services.name(s)))
            .collect();
        if !services.is_empty() {
            reasons.push(Reason::SharedServices(sorted(services)));
        }
        let tags: Vec<String> = common(a.tags(), b.tags())
            .map(|t| index.tags.name(t).to_string())
            .collect();
        if !tags.is_empty() {
            reasons.push(Reason::SharedTags(sorted(tags)));
        }
        let mut shared_words: Vec<(u32, &str)> = common(a.words(), b.words())
            .map(|w| (index.word_weight[w as usize], index.words.name(w)))
            .filter(|(weight, _)| *weight > 0)
            .collect();
        shared_words.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)));
        if !shared_words.is_empty() {
            reasons.push(Reason::SimilarWords(
                shared_words
                    .into_iter()
                    .take(REASON_WORDS)
                    .map(|(_, w)| w.to_string())
                    .collect(),
            ));
        }
        reasons
    }
}

fn sorted<T: Ord>(mut values: Vec<T>) -> Vec<T> {
    values.sort();
    values
}

/// The values in both sorted, duplicate-free lists (a merge, no allocation).
fn common<'a>(a: &'a [u32], b: &'a [u32]) -> Common<'a> {
    Common { a, b }
}

struct Common<'a> {
    a: &'a [u32],
    b: &'a [u32],
}

impl Iterator for Common<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        loop {
            let (&x, &y) = (self.a.first()?, self.b.first()?);
            match x.cmp(&y) {
                std::cmp::Ordering::Less => self.a = &self.a[1..],
                std::cmp::Ordering::Greater => self.b = &self.b[1..],
                std::cmp::Ordering::Equal => {
                    self.a = &self.a[1..];
                    self.b = &self.b[1..];
                    return Some(x);
                }
            }
        }
    }
}

fn count_common(a: &[u32], b: &[u32]) -> u32 {
    common(a, b).count() as u32
}

/// The start of the body that words are taken from (up to [`BODY_BYTES`]): an edit
/// after it cannot change any related list.
pub fn body_read(p: &Postmortem) -> &str {
    let mut end = p.body_markdown.len().min(BODY_BYTES);
    while !p.body_markdown.is_char_boundary(end) {
        end -= 1;
    }
    &p.body_markdown[..end]
}

/// Every title word, plus the most frequent words of the start of the body; lowercase,
/// at least four letters, not a common English or postmortem-template word.
fn distinctive_words(p: &Postmortem) -> Vec<String> {
    let mut out: Vec<String> = tokens(&p.title).map(Cow::into_owned).collect();
    let mut all: Vec<Cow<'_, str>> = tokens(body_read(p)).collect();
    all.sort_unstable();
    let mut body: Vec<(Cow<'_, str>, u32)> = Vec::new();
    for word in all {
        match body.last_mut() {
            Some((last, count)) if *last == word => *count += 1,
            _ => body.push((word, 1)),
        }
    }
    body.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.extend(
        body.into_iter()
            .take(BODY_WORDS)
            .map(|(w, _)| w.into_owned()),
    );
    out.sort();
    out.dedup();
    out
}

/// Words of `text`, lowercased (borrowed when already lowercase, the common case).
fn tokens(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4 && w.chars().nth(3).is_some())
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
        .filter(|w| STOP_WORDS.binary_search(&w.as_ref()).is_err())
}

/// Sorted (binary search): words too common to say two incidents are alike.
const STOP_WORDS: &[&str] = &[
    "about",
    "action",
    "after",
    "again",
    "also",
    "because",
    "been",
    "before",
    "being",
    "both",
    "cause",
    "caused",
    "could",
    "does",
    "done",
    "down",
    "during",
    "each",
    "every",
    "first",
    "from",
    "have",
    "having",
    "here",
    "impact",
    "incident",
    "into",
    "items",
    "just",
    "last",
    "like",
    "made",
    "many",
    "more",
    "most",
    "much",
    "must",
    "next",
    "only",
    "other",
    "over",
    "owner",
    "postmortem",
    "resolution",
    "root",
    "same",
    "should",
    "some",
    "such",
    "summary",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "time",
    "timeline",
    "under",
    "until",
    "very",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "with",
    "within",
    "without",
    "would",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::test_site;

    const CONFIG: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n[root_causes]\nconfiguration = { name = \"Configuration\" }\ndeployment = { name = \"Deployment\" }\ncapacity = { name = \"Capacity\" }\n";

    fn file(title: &str, date: &str, causes: &str, services: &str, tags: &str) -> String {
        format!(
            "---\ntitle: {title}\ndate: {date}\nseverity: SEV2\nroot_cause: {causes}\nservices: {services}\ntags: {tags}\n---\n"
        )
    }

    /// Scores by hand, seen from `target` (configuration; mysql, web-app; tag creds):
    /// same-cause-two-services 40 + 25 + 25 = 90; same-cause-mysql-a and -b 40 + 25 = 65
    /// (a tie, broken by slug); other-cause-mysql 25 + tag 10 = 35; secondary 15 + 25 = 40;
    /// unrelated 0 (not shown); tag-only 10 (below the threshold).
    #[test]
    fn related_are_ranked_by_score_then_slug_with_reasons() {
        let files = [
            (
                "content/target.md",
                file(
                    "Zeta outage",
                    "2024-08-14",
                    "configuration",
                    "[mysql, web-app]",
                    "[creds]",
                ),
            ),
            (
                "content/same-cause-two-services.md",
                file(
                    "Alpha",
                    "2024-01-01",
                    "configuration",
                    "[mysql, web-app]",
                    "[]",
                ),
            ),
            (
                "content/same-cause-mysql-b.md",
                file("Beta", "2024-02-01", "configuration", "[mysql]", "[]"),
            ),
            (
                "content/same-cause-mysql-a.md",
                file("Gamma", "2024-03-01", "configuration", "[mysql]", "[]"),
            ),
            (
                "content/other-cause-mysql.md",
                file("Delta", "2024-04-01", "capacity", "[mysql]", "[creds]"),
            ),
            (
                "content/secondary.md",
                file(
                    "Epsilon",
                    "2024-05-01",
                    "[deployment, configuration]",
                    "[web-app]",
                    "[]",
                ),
            ),
            (
                "content/unrelated.md",
                file("Eta", "2024-06-01", "deployment", "[api]", "[]"),
            ),
            (
                "content/tag-only.md",
                file("Theta", "2024-07-01", "deployment", "[api]", "[creds]"),
            ),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let site = test_site(CONFIG, &files);
        let target = site.by_slug[&crate::keys::Slug::new("target")];
        let related: Vec<(&str, u32)> = site.related[target.index()]
            .iter()
            .map(|r| (site.postmortem(r.id).slug.as_str(), r.score))
            .collect();
        assert_eq!(
            related,
            [
                ("same-cause-two-services", 90),
                ("same-cause-mysql-a", 65),
                ("same-cause-mysql-b", 65),
                ("secondary", 40),
                ("other-cause-mysql", 35),
            ]
        );
        let top = &site.related[target.index()][0];
        assert_eq!(
            top.reasons,
            [
                Reason::SameRootCause(RootCauseKey::new("configuration")),
                Reason::SharedServices(vec![ServiceKey::new("mysql"), ServiceKey::new("web-app")]),
            ]
        );
        let secondary = &site.related[target.index()][3];
        assert_eq!(
            secondary.reasons,
            [
                Reason::SharedRootCauses(vec![RootCauseKey::new("configuration")]),
                Reason::SharedServices(vec![ServiceKey::new("web-app")]),
            ]
        );
    }

    #[test]
    fn rare_shared_words_relate_postmortems() {
        let body =
            "---\ntitle: {t}\ndate: 2024-01-0{d}\nseverity: SEV2\nroot_cause: {c}\n---\n{b}\n";
        let make = |t: &str, d: u8, c: &str, b: &str| {
            body.replace("{t}", t)
                .replace("{d}", &d.to_string())
                .replace("{c}", c)
                .replace("{b}", b)
        };
        let a = make(
            "Binlog purge stalled replication",
            1,
            "capacity",
            "The binlog purge job stalled.",
        );
        let b = make(
            "Replication lag after binlog growth",
            2,
            "deployment",
            "Binlog files grew.",
        );
        // Fourteen others, so that a word in two of sixteen postmortems is rare:
        // 8 × ln(16 / 2) = 17 each, 34 for the two shared words.
        let others: Vec<(String, String)> = (0..14)
            .map(|i| {
                (
                    format!("content/other{i}.md"),
                    make(&format!("Filler {i}"), 3, "configuration", "Nothing alike."),
                )
            })
            .collect();
        let mut files = vec![("content/a.md", a.as_str()), ("content/b.md", b.as_str())];
        files.extend(others.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        let site = test_site(CONFIG, &files);
        let a_id = site.by_slug[&crate::keys::Slug::new("a")];
        let related = &site.related[a_id.index()];
        assert_eq!(related.len(), 1, "{related:?}");
        assert_eq!(site.postmortem(related[0].id).slug.as_str(), "b");
        assert_eq!(
            related[0].reasons,
            [Reason::SimilarWords(vec![
                "binlog".to_string(),
                "replication".to_string()
            ])]
        );
    }

    #[test]
    fn related_lists_are_deterministic() {
        let files: Vec<(String, String)> = (0..60)
            .map(|i| {
                (
                    format!("content/p{i:02}.md"),
                    file(
                        &format!("Incident {i}"),
                        &format!("2024-01-{:02}", i % 28 + 1),
                        ["configuration", "deployment", "capacity"][i % 3],
                        ["[mysql]", "[api, mysql]", "[web]"][i % 3],
                        "[]",
                    ),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let first = test_site(CONFIG, &refs).related;
        let mut reversed = refs.clone();
        reversed.reverse();
        assert_eq!(first, test_site(CONFIG, &reversed).related);
        assert!(first.iter().all(|list| list.len() == MAX_RELATED));
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tokens_skip_short_numeric_and_common_words() {
        let words: Vec<Cow<'_, str>> =
            tokens("The MySQL password was mistyped in 2024, after a deploy").collect();
        assert_eq!(words, ["mysql", "password", "mistyped", "deploy"]);
    }
}
