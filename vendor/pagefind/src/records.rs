//! hindsight patch: an index of plain-text records, built as the records come.
//!
//! `api::PagefindIndex` keeps every page's words (a `String` and a `Vec` of positions per
//! word and page) until the index is built, then packs, merges, sorts and encodes them
//! all at once: at 10,000 pages that was over a gigabyte and most of a site's build time.
//! Here the per-page work (`Indexer::prepare`: splitting, stemming, packing the positions,
//! the fragment and its gzip) runs on any thread, and `IndexBuilder::push`, called in
//! page order, appends each word's page to that word's postings already CBOR-encoded,
//! so what the builder holds is about the size of the finished index.
//!
//! The files are the ones `api::PagefindIndex::get_files` makes from the same records
//! (the same words, chunks, hashes and bytes): a test in hindsight compares both. What
//! this path does not do: sort keys, fragment grouping (`max_fragments`), and meta fields
//! not declared up front (the meta field numbers are fixed before the first record).

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use hashbrown::HashMap;
use minicbor::encode::Write as _;
use rayon::prelude::*;
use rust_patch::Patch;

use crate::fossick::{parser::DomParserResult, Fossicker};
use crate::index::index_filter::{FilterIndex, PackedValue};
use crate::index::index_metadata::{MetaChunk, MetaFilter, MetaIndex, MetaPage};
use crate::index::index_words::PackedPage;
use crate::index::{
    chunk_meta_from_bounds, pack_page, PagefindIndexes,
};
use crate::options::PagefindServiceConfig;
use crate::output::SyntheticFile;
use crate::utils::full_hash;
use crate::{PagefindInboundConfig, SearchOptions};

/// What records are indexed with: the options, the language and the meta fields.
/// Shared by the threads that prepare records.
pub struct Indexer {
    options: SearchOptions,
    language: String,
    meta_fields: Vec<String>,
    /// Fragments per fragment file (`Indexer::with_fragment_groups`); 1: a file each.
    fragment_group: usize,
}

/// One record, split, stemmed and packed, ready to be pushed.
pub struct PreparedRecord {
    /// False when the record has no word to index (Pagefind leaves such pages out).
    indexed: bool,
    words: Vec<PreparedWord>,
    /// The words' text, one after the other (`PreparedWord::word` is a range of it).
    word_text: String,
    /// The CBOR of each word's locations on this page (`PackedPage` without its number).
    bytes: Vec<u8>,
    filters: Vec<(String, String)>,
    fragment_hash: String,
    /// The fragment as the builder keeps it: its file, gzipped, when each fragment is a
    /// file of its own; its JSON with the keys sorted (as a group file holds it) when
    /// fragments are grouped.
    fragment: Vec<u8>,
    word_count: usize,
}

struct PreparedWord {
    word: std::ops::Range<u32>,
    /// `word_hash` of the word: computed once per thread and word, not per push.
    hash: u64,
    page: Option<Locations>,
    variants: Vec<(String, Locations)>,
}

/// A page's locations of one word, as a range of `PreparedRecord::bytes`.
#[derive(Clone, Copy)]
struct Locations {
    start: u32,
    end: u32,
    /// What Pagefind counts towards a chunk's size: locations + meta locations + 1.
    size: u32,
}

impl Locations {
    /// Appends a page's locations of one word to `bytes`, as CBOR (a `PackedPage`
    /// without its page number, which `IndexBuilder::push` writes).
    fn append(bytes: &mut Vec<u8>, locs: &[i32], meta_locs: &[i32]) -> Self {
        let start = bytes.len() as u32;
        for list in [locs, meta_locs] {
            cbor_head(bytes, CBOR_ARRAY, list.len() as u64);
            for &n in list {
                cbor_int(bytes, n);
            }
        }
        Self {
            start,
            end: bytes.len() as u32,
            size: (locs.len() + meta_locs.len() + 1) as u32,
        }
    }
}

const CBOR_UNSIGNED: u8 = 0;
const CBOR_NEGATIVE: u8 = 1;
const CBOR_ARRAY: u8 = 4;

/// A CBOR head (major type and argument) in its shortest form, as minicbor writes it.
/// Written by hand because these are most of the index's bytes, and minicbor's encoder
/// took ~600 instructions for a word's few locations.
fn cbor_head(out: &mut Vec<u8>, major: u8, value: u64) {
    let major = major << 5;
    if value < 24 {
        out.push(major | value as u8);
    } else if let Ok(value) = u8::try_from(value) {
        out.extend_from_slice(&[major | 24, value]);
    } else if let Ok(value) = u16::try_from(value) {
        out.push(major | 25);
        out.extend_from_slice(&value.to_be_bytes());
    } else if let Ok(value) = u32::try_from(value) {
        out.push(major | 26);
        out.extend_from_slice(&value.to_be_bytes());
    } else {
        out.push(major | 27);
        out.extend_from_slice(&value.to_be_bytes());
    }
}

/// A CBOR integer, as minicbor writes an `i32`.
fn cbor_int(out: &mut Vec<u8>, n: i32) {
    if n >= 0 {
        cbor_head(out, CBOR_UNSIGNED, n as u64);
    } else {
        cbor_head(out, CBOR_NEGATIVE, (-1 - i64::from(n)) as u64);
    }
}

/// A fragment file's bytes: the fragment's JSON gzipped at libdeflate's level 1, for
/// either path: as fast as zlib's level 1 and a quarter smaller (BENCHMARKS.md,
/// "Search"). Group files too.
fn compress_fragment(json: &[u8]) -> Vec<u8> {
    crate::output::gzip_at(json, 1)
}

/// A word's pages so far, encoded.
#[derive(Default)]
struct Postings {
    bytes: Vec<u8>,
    pages: u64,
    last_page: usize,
    size: usize,
    variants: Vec<VariantPostings>,
}

struct VariantPostings {
    form: String,
    bytes: Vec<u8>,
    pages: u64,
    last_page: usize,
}

/// The index being built, records pushed in page order.
pub struct IndexBuilder<'a> {
    indexer: &'a Indexer,
    /// Each word (with its `word_hash`) and its postings so far.
    words: hashbrown::HashTable<(u64, compact_str::CompactString, Postings)>,
    filters: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Fragment name (a prefix of its hash) → the fragment's whole hash and the number of
    /// its file in `fragment_files`.
    fragment_hashes: HashMap<String, (String, usize)>,
    /// Each page's fragment name, word count and file number, in page order.
    page_fragments: Vec<(String, usize, usize)>,
    /// Fragment name → the gzipped fragment; when fragments are grouped, group name →
    /// the gzipped group.
    fragment_files: Vec<(String, Vec<u8>)>,
    /// When fragments are grouped, the group being filled: fragment name → its JSON.
    /// Its file will be `fragment_files[fragment_files.len()]`.
    open_group: Vec<(String, Vec<u8>)>,
    /// Group names taken. A colliding group name grows a character at a time, as
    /// `build_indexes` grows it (not two at a time, as `short_unique` grows chunk names).
    group_names: hashbrown::HashSet<String>,
    pages: usize,
}

impl Indexer {
    /// `meta_fields`: every meta key a record may have.
    pub fn new(
        config: PagefindServiceConfig,
        language: &str,
        meta_fields: &[&str],
    ) -> Result<Self> {
        let mut service_options: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");
        service_options.service = true;
        service_options = config.apply(service_options);
        let options = SearchOptions::load(service_options)?;
        if options.max_fragments.is_some_and(|m| m > 0) {
            bail!("max_fragments is not supported when indexing records");
        }
        let mut meta_fields: Vec<String> = meta_fields.iter().map(|f| f.to_string()).collect();
        meta_fields.sort();
        meta_fields.dedup();
        Ok(Self {
            language: options
                .force_language
                .clone()
                .unwrap_or_else(|| language.to_string()),
            options,
            meta_fields,
            fragment_group: 1,
        })
    }

    /// Fragments written `size` to a file, in page order, as Pagefind's `max_fragments`
    /// bundles them (its group files, which the browser side reads): a site of `n` pages
    /// then has `n / size` fragment files instead of `n`. Pagefind's option fixes the
    /// number of files instead; here the size is fixed, so what a search result fetches
    /// does not grow with the site. 0 and 1: a file per fragment.
    pub fn with_fragment_groups(mut self, size: usize) -> Self {
        self.fragment_group = size.max(1);
        self
    }

    /// What a prepared record keeps of its fragment: `json` (as Pagefind hashes and
    /// writes a fragment of its own) gzipped, or, when fragments are grouped,
    /// `sorted_json`: the same fragment with its keys sorted, as upstream's group files
    /// hold it (it re-reads each fragment into a `serde_json::Value`).
    fn fragment_bytes(&self, json: &str, sorted_json: impl FnOnce() -> Result<String>) -> Result<Vec<u8>> {
        Ok(if self.fragment_group > 1 {
            sorted_json()?.into_bytes()
        } else {
            compress_fragment(json.as_bytes())
        })
    }

    /// Splits, stems and packs one record; any thread, any order.
    pub fn prepare(
        &self,
        url: String,
        content: String,
        meta: BTreeMap<String, String>,
        filters: BTreeMap<String, Vec<String>>,
    ) -> Result<PreparedRecord> {
        if let Some(field) = meta.keys().find(|key| !self.meta_fields.contains(key)) {
            bail!("{url}: meta field {field:?} was not declared");
        }
        if let Some(page) = self.prepare_plain(&url, &content, &meta, &filters)? {
            return Ok(page);
        }
        let data = DomParserResult {
            digest: content,
            filters,
            sort: BTreeMap::new(),
            meta,
            anchor_content: BTreeMap::new(),
            anchor_titles: BTreeMap::new(),
            has_custom_body: false,
            force_inclusion: true,
            has_html_element: true,
            has_old_bundle_reference: false,
            has_default_ui_reference: false,
            language: self.language.clone(),
        };
        let page = Fossicker::new_with_data(url, data).fossick_sync(&self.options)?;
        let indexed = !page.word_data.is_empty();
        let packed = pack_page(page, &self.meta_fields, &self.language);

        let mut bytes = Vec::new();
        let mut encode =
            |page: &PackedPage| Locations::append(&mut bytes, &page.locs, &page.meta_locs);
        let mut words = Vec::with_capacity(packed.word_map.len());
        let mut word_text = String::new();
        for (word, packed_word) in packed.word_map {
            // A page holds at most one entry per word (and per variant of it).
            let page = packed_word.pages.first().map(&mut encode);
            let mut variants = Vec::with_capacity(packed_word.additional_variants.len());
            for variant in &packed_word.additional_variants {
                if let Some(page) = variant.pages.first() {
                    variants.push((variant.form.clone(), encode(page)));
                }
            }
            let start = word_text.len() as u32;
            word_text.push_str(&word);
            words.push(PreparedWord {
                word: start..word_text.len() as u32,
                hash: word_hash(&word),
                page,
                variants,
            });
        }
        let encoded = &packed.encoded_page.encoded_data;
        let fragment = self.fragment_bytes(encoded, || {
            Ok(serde_json::to_string(&serde_json::from_str::<serde_json::Value>(encoded)?)?)
        })?;
        Ok(PreparedRecord {
            indexed,
            words,
            word_text,
            bytes,
            filters: packed
                .filter_entries
                .into_iter()
                .map(|(filter, value, _)| (filter, value))
                .collect(),
            fragment_hash: packed.encoded_page.full_hash,
            fragment,
            word_count: packed.encoded_page.word_count,
        })
    }

    /// `prepare` for the common record: plain text without Pagefind's private markers.
    /// It gives what `Fossicker::fossick_sync` + `pack_page` give (the same words,
    /// positions, weights, variants and fragment) without building a `String` and a
    /// `Vec` per word and page and taking them apart again: the per-page words are
    /// numbered through a per-thread memo of each token's indexable words, whose stems
    /// are interned. `None` when the record needs the general path.
    fn prepare_plain(
        &self,
        url: &str,
        content: &str,
        meta: &BTreeMap<String, String>,
        filters: &BTreeMap<String, Vec<String>>,
    ) -> Result<Option<PreparedRecord>> {
        const PRIVATE: &str = "___";
        if content.contains(PRIVATE)
            || meta.values().any(|v| v.contains(PRIVATE))
            || filters.values().flatten().any(|v| v.contains(PRIVATE))
        {
            return Ok(None);
        }
        let options = &self.options;
        let stemmer = crate::fossick::get_stemmer(&self.language);
        PlainMemo::with(&self.language, &options.include_characters, |memo| {
            let PlainMemo {
                tokens,
                meta_tokens,
                strings,
                slots,
                page,
                text,
                ..
            } = memo;
            // The content words, as `Fossicker::parse_digest` tracks them: every
            // whitespace-separated token (zero-width spaces removed) takes a position.
            // Each occurrence is one element of a flat list, grouped by word afterwards,
            // rather than one `Vec` per word.
            page.clear();
            text.clear();
            let mut position: u32 = 0;
            const WORD_WEIGHT: u8 = 24; // weight 1.0 × Pagefind's multiplier of 24
            // The fragment's text is the tokens joined by single spaces. Where the content
            // already has them so, it is copied a run of tokens at a time (`verbatim`, a
            // range of `content`), not a token at a time.
            let mut verbatim: Option<std::ops::Range<usize>> = None;
            let flush = |text: &mut String, verbatim: &mut Option<std::ops::Range<usize>>| {
                if let Some(run) = verbatim.take() {
                    text.push_str(&content[run]);
                    text.push(' ');
                }
            };
            let has_zero_width_spaces = content.contains('\u{200B}');
            for token in split_whitespace(content) {
                let base: std::borrow::Cow<str> = if has_zero_width_spaces && token.contains('\u{200B}') {
                    token.replace('\u{200B}', "").into()
                } else {
                    token.into()
                };
                if base.is_empty() {
                    continue;
                }
                if let std::borrow::Cow::Borrowed(token) = base {
                    let start = token.as_ptr() as usize - content.as_ptr() as usize;
                    let end = start + token.len();
                    match &mut verbatim {
                        Some(run) if run.end + 1 == start && content.as_bytes()[run.end] == b' ' => {
                            run.end = end;
                        }
                        _ => {
                            flush(text, &mut verbatim);
                            verbatim = Some(start..end);
                        }
                    }
                } else {
                    flush(text, &mut verbatim);
                    text.push_str(&base);
                    text.push(' ');
                }
                let words = PlainMemo::token(
                    tokens,
                    strings,
                    &base,
                    stemmer.as_ref(),
                    &options.include_characters,
                );
                let partial_weight = if words.compound_count > 0 {
                    (WORD_WEIGHT / u8::try_from(words.compound_count).unwrap_or(u8::MAX)).max(1)
                } else {
                    0
                };
                for word in &words.words {
                    let weight = if word.compound {
                        partial_weight
                    } else {
                        WORD_WEIGHT
                    };
                    let entry = page.entry(slots, word.stem);
                    match word.original {
                        None => page.content.push((entry, position, weight)),
                        Some(form) => page.content_variants.push((entry, form, position, weight)),
                    }
                }
                position += 1;
            }
            flush(text, &mut verbatim);
            text.pop();
            let word_count = position.max(1) as usize;
            if page.entries.is_empty() {
                return Ok(Some(PreparedRecord {
                    indexed: false,
                    words: Vec::new(),
                    word_text: String::new(),
                    bytes: Vec::new(),
                    filters: Vec::new(),
                    fragment_hash: String::new(),
                    fragment: Vec::new(),
                    word_count,
                }));
            }

            // Meta words, as `Fossicker::parse_meta_words` finds them (no dotted tails),
            // with the field numbers of the site.
            for (name, value) in meta {
                let field_id = self
                    .meta_fields
                    .iter()
                    .position(|f| f == name)
                    .unwrap_or_default() as u16;
                for (word_position, word) in value.split_whitespace().enumerate() {
                    let words = PlainMemo::token(
                        meta_tokens,
                        strings,
                        word,
                        stemmer.as_ref(),
                        &options.include_characters,
                    );
                    for indexable in &words.words {
                        let entry = page.entry(slots, indexable.stem);
                        let place = (field_id, word_position as u32);
                        match indexable.original {
                            None => page.meta.push((entry, place)),
                            Some(form) => page.meta_variants.push((entry, form, place)),
                        }
                    }
                }
            }
            // The slots are the memo's, shared by the pages this thread prepares.
            for &stem in &page.entries {
                slots[stem as usize] = u32::MAX;
            }

            // Packed as `pack_page` packs them. Grouped by word, each word's occurrences
            // in the order they were found (stable).
            let names = &strings.names;
            let content_by_word = group_by_entry(&page.content, page.entries.len(), |o| o.0);
            page.meta.sort_by_key(|&(entry, _)| entry);
            page.content_variants.sort_by_key(|&(entry, _, _, _)| entry);
            page.meta_variants.sort_by_key(|&(entry, _, _)| entry);
            let mut content_rest = content_by_word.as_slice();
            let mut meta_rest = page.meta.as_slice();
            let mut variants_rest = page.content_variants.as_slice();
            let mut meta_variants_rest = page.meta_variants.as_slice();
            let mut bytes = Vec::new();
            let mut word_text = String::new();
            let mut words = Vec::with_capacity(page.entries.len());
            let mut occurrences: Vec<(u32, u8)> = Vec::new();
            let mut places: Vec<(u16, u32)> = Vec::new();
            let (mut locs, mut meta_locs) = (Vec::new(), Vec::new());
            for (entry, &stem) in page.entries.iter().enumerate() {
                let entry = entry as u32;
                let here = take_while_entry(&mut content_rest, entry, |o| o.0);
                // In position order (the counting sort is stable): with one weight, they
                // need no sort, so no copy either.
                let pairs = here.iter().map(|&(_, position, weight)| (position, weight));
                if here.iter().all(|o| o.2 == here[0].2) {
                    packed_locs(pairs, &mut locs);
                } else {
                    occurrences.clear();
                    occurrences.extend(pairs);
                    packed_positions(&mut occurrences, &mut locs);
                }
                places.clear();
                let here = take_while_entry(&mut meta_rest, entry, |o| o.0);
                places.extend(here.iter().map(|&(_, place)| place));
                packed_meta_positions(&mut places, &mut meta_locs);
                let page_locations = if locs.is_empty() && meta_locs.is_empty() {
                    None
                } else {
                    Some(Locations::append(&mut bytes, &locs, &meta_locs))
                };

                // Forms with diacritics, by form, sorted by form: each one's content and
                // meta occurrences.
                let content_variants = take_while_entry(&mut variants_rest, entry, |o| o.0);
                let meta_variants = take_while_entry(&mut meta_variants_rest, entry, |o| o.0);
                // As `pack_page` orders them: the content's forms sorted, then forms
                // found only in meta, sorted.
                let by_text = |a: &u32, b: &u32| names[*a as usize].cmp(&names[*b as usize]);
                let mut forms: Vec<u32> = content_variants.iter().map(|o| o.1).collect();
                forms.sort_by(by_text);
                forms.dedup();
                let mut meta_forms: Vec<u32> = meta_variants
                    .iter()
                    .map(|o| o.1)
                    .filter(|form| !forms.contains(form))
                    .collect();
                meta_forms.sort_by(by_text);
                meta_forms.dedup();
                forms.extend(meta_forms);
                let mut variants = Vec::with_capacity(forms.len());
                for form in forms {
                    occurrences.clear();
                    occurrences.extend(
                        content_variants
                            .iter()
                            .filter(|o| o.1 == form)
                            .map(|&(_, _, position, weight)| (position, weight)),
                    );
                    packed_positions(&mut occurrences, &mut locs);
                    places.clear();
                    places.extend(
                        meta_variants
                            .iter()
                            .filter(|o| o.1 == form)
                            .map(|&(_, _, place)| place),
                    );
                    packed_meta_positions(&mut places, &mut meta_locs);
                    variants.push((
                        names[form as usize].to_string(),
                        Locations::append(&mut bytes, &locs, &meta_locs),
                    ));
                }
                let start = word_text.len() as u32;
                word_text.push_str(&names[stem as usize]);
                words.push(PreparedWord {
                    word: start..word_text.len() as u32,
                    hash: strings.hashes[stem as usize],
                    page: page_locations,
                    variants,
                });
            }

            let fragment = FragmentJson {
                url,
                content: text,
                word_count,
                filters,
                meta,
                anchors: &[],
            };
            let encoded = serde_json::to_string(&fragment)?;
            let fragment_bytes = self.fragment_bytes(&encoded, || {
                Ok(serde_json::to_string(&SortedFragmentJson {
                    anchors: fragment.anchors,
                    content: fragment.content,
                    filters: fragment.filters,
                    meta: fragment.meta,
                    url: fragment.url,
                    word_count: fragment.word_count,
                })?)
            })?;
            Ok(Some(PreparedRecord {
                indexed: true,
                words,
                word_text,
                bytes,
                filters: filters
                    .iter()
                    .flat_map(|(filter, values)| {
                        values.iter().map(move |value| (filter.clone(), value.clone()))
                    })
                    .collect(),
                fragment_hash: format!("{}_{}", self.language, full_hash(encoded.as_bytes())),
                fragment: fragment_bytes,
                word_count,
            }))
        })
    }

    /// An empty index to push prepared records into.
    pub fn builder(&self) -> IndexBuilder<'_> {
        IndexBuilder {
            indexer: self,
            words: hashbrown::HashTable::new(),
            filters: HashMap::new(),
            fragment_hashes: HashMap::new(),
            page_fragments: Vec::new(),
            fragment_files: Vec::new(),
            open_group: Vec::new(),
            group_names: hashbrown::HashSet::new(),
            pages: 0,
        }
    }
}

/// The CBOR head of a `PackedPage` (an array of three) and its page number, as
/// minicbor's derived encoding writes them.
fn page_head(out: &mut Vec<u8>, page_delta: usize) {
    cbor_head(out, CBOR_ARRAY, 3);
    cbor_head(out, CBOR_UNSIGNED, page_delta as u64);
}

impl IndexBuilder<'_> {
    /// Adds a record; records must come in page order (the order of the site).
    pub fn push(&mut self, record: &PreparedRecord) {
        if !record.indexed {
            return;
        }
        let page_number = self.pages;
        self.pages += 1;
        for word in &record.words {
            let text = &record.word_text[word.word.start as usize..word.word.end as usize];
            let postings = match self
                .words
                .find_entry(word.hash, |(hash, key, _)| *hash == word.hash && key == text)
            {
                Ok(known) => &mut known.into_mut().2,
                Err(absent) => {
                    let entry = (word.hash, text.into(), Postings::default());
                    &mut absent
                        .into_table()
                        .insert_unique(word.hash, entry, |(hash, _, _)| *hash)
                        .into_mut()
                        .2
                }
            };
            if let Some(locations) = word.page {
                page_head(&mut postings.bytes, page_number - postings.last_page);
                postings.bytes.extend_from_slice(
                    &record.bytes[locations.start as usize..locations.end as usize],
                );
                postings.last_page = page_number;
                postings.pages += 1;
                postings.size += locations.size as usize;
            }
            for (form, locations) in &word.variants {
                let index = match postings.variants.iter().position(|v| &v.form == form) {
                    Some(index) => index,
                    None => {
                        postings.variants.push(VariantPostings {
                            form: form.clone(),
                            bytes: Vec::new(),
                            pages: 0,
                            last_page: 0,
                        });
                        postings.size += 1;
                        postings.variants.len() - 1
                    }
                };
                let variant = &mut postings.variants[index];
                page_head(&mut variant.bytes, page_number - variant.last_page);
                variant.bytes.extend_from_slice(
                    &record.bytes[locations.start as usize..locations.end as usize],
                );
                variant.last_page = page_number;
                variant.pages += 1;
                postings.size += locations.size as usize;
            }
        }
        for (filter, value) in &record.filters {
            let values = match self.filters.get_mut(filter.as_str()) {
                Some(values) => values,
                None => self.filters.entry(filter.clone()).or_default(),
            };
            match values.get_mut(value.as_str()) {
                Some(pages) => pages.push(page_number),
                None => {
                    values.insert(value.clone(), vec![page_number]);
                }
            }
        }

        // The fragment's name: the shortest prefix of its hash that no earlier page took,
        // as `build_indexes` names them. (Two identical fragments would need the same
        // URL twice; they share the name.)
        let language = &self.indexer.language;
        let full = &record.fragment_hash;
        let mut short_hash = &full[0..=(language.len() + 7)];
        while let Some((taken_by, _)) = self.fragment_hashes.get(short_hash) {
            if taken_by == full {
                break;
            }
            short_hash = &full[0..=short_hash.len()];
        }
        let file = match self.fragment_hashes.get(short_hash) {
            Some(&(_, file)) => file,
            None => {
                let file = self.fragment_files.len();
                self.fragment_hashes
                    .insert(short_hash.to_string(), (full.clone(), file));
                self.add_fragment(short_hash, &record.fragment);
                file
            }
        };
        self.page_fragments
            .push((short_hash.to_string(), record.word_count, file));
    }

    /// Adds a fragment to the files, or to the group being filled.
    fn add_fragment(&mut self, name: &str, fragment: &[u8]) {
        if self.indexer.fragment_group > 1 {
            self.open_group.push((name.to_string(), fragment.to_vec()));
            if self.open_group.len() == self.indexer.fragment_group {
                self.close_group();
            }
        } else {
            self.fragment_files
                .push((name.to_string(), fragment.to_vec()));
        }
    }

    /// Writes the group being filled as one file, as `build_indexes` writes a group: a
    /// JSON object of fragment name → fragment, named by its hash. Done as each group
    /// fills, so the builder holds the groups compressed.
    fn close_group(&mut self) {
        if self.open_group.is_empty() {
            return;
        }
        let mut group = std::mem::take(&mut self.open_group);
        group.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        let size: usize = group.iter().map(|(name, json)| name.len() + json.len() + 4).sum();
        let mut json = Vec::with_capacity(size + 2);
        json.push(b'{');
        for (i, (name, fragment)) in group.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            // A fragment name is the language and hex digits: nothing to escape.
            json.push(b'"');
            json.extend_from_slice(name.as_bytes());
            json.extend_from_slice(b"\":");
            json.extend_from_slice(fragment);
        }
        json.push(b'}');
        let prefix = format!("{}_group_", self.indexer.language);
        let hash = format!("{prefix}{}", full_hash(&json));
        let mut length = (prefix.len() + 7).min(hash.len());
        while self.group_names.contains(&hash[..length]) && length < (prefix.len() + 40).min(hash.len()) {
            length += 1;
        }
        let name = hash[..length].to_string();
        self.group_names.insert(name.clone());
        self.fragment_files.push((name, compress_fragment(&json)));
    }

    /// Number of records in the index.
    pub fn len(&self) -> usize {
        self.pages
    }

    /// True when no record with words was pushed.
    pub fn is_empty(&self) -> bool {
        self.pages == 0
    }

    /// Pagefind's bundle: the index, the fragments, and the browser side; paths relative to
    /// the bundle folder.
    pub async fn files(mut self) -> Result<Vec<SyntheticFile>> {
        self.close_group();
        let indexer = self.indexer;
        let options = &indexer.options;
        let language = indexer.language.clone();
        let outdir = &options.bundle_output;
        if self.pages == 0 {
            return Ok(relative(
                crate::output::write_common_to_memory(
                    Vec::new(),
                    options.write_playground,
                    outdir,
                    options,
                )
                .await,
                outdir,
            ));
        }

        let page_count = self.page_fragments.len();
        let grouped = indexer.fragment_group > 1;
        let fragment_files = &self.fragment_files;
        let pages: Vec<MetaPage> = self
            .page_fragments
            .into_iter()
            .map(|(hash, word_count, file)| MetaPage {
                hash,
                word_count: word_count as u32,
                group_hash: if grouped {
                    fragment_files[file].0.clone()
                } else {
                    String::new()
                },
            })
            .collect();

        // Filters.
        let mut filters: Vec<_> = self.filters.into_iter().collect();
        filters.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        let encoded_filters: Vec<(String, Vec<u8>, String)> = filters
            .into_par_iter()
            .map(|(filter, values)| {
                let mut values: Vec<_> = values.into_iter().collect();
                values.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
                let mut filter_index: Vec<u8> = Vec::new();
                let _ = minicbor::encode::<FilterIndex, &mut Vec<u8>>(
                    FilterIndex {
                        filter: filter.clone(),
                        values: values
                            .into_iter()
                            .map(|(value, pages)| PackedValue { value, pages })
                            .collect(),
                    },
                    filter_index.as_mut(),
                );
                let hash = format!("{}_{}", language, full_hash(&filter_index));
                (filter, filter_index, hash)
            })
            .collect();
        let mut filter_indexes = hashbrown::HashMap::new();
        let mut meta_filters = Vec::new();
        for (filter, filter_index, hash) in encoded_filters {
            let short = short_unique(&hash, language.len(), |h| filter_indexes.contains_key(h));
            filter_indexes.insert(short.clone(), filter_index);
            meta_filters.push(MetaFilter {
                filter,
                hash: short,
            });
        }

        // Words, sorted and cut into chunks as `chunk_index` cuts them.
        let word_count = self.words.len();
        let mut words: Vec<(String, Postings)> = self
            .words
            .into_iter()
            .map(|(_, word, postings)| (word.into_string(), postings))
            .collect();
        words.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        let mut chunks: Vec<Vec<(String, Postings)>> = Vec::new();
        let mut chunk = Vec::new();
        let mut chunk_size = 0;
        for (word, postings) in words {
            chunk_size += postings.size;
            chunk.push((word, postings));
            if chunk_size >= options.index_chunk_size {
                chunks.push(std::mem::take(&mut chunk));
                chunk_size = 0;
            }
        }
        if !chunk.is_empty() {
            chunks.push(chunk);
        }
        let mut index_chunks: Vec<MetaChunk> = chunk_meta_from_bounds(
            chunks
                .iter()
                .map(|chunk| {
                    (
                        chunk.first().map_or(String::new(), |(w, _)| w.clone()),
                        chunk.last().map_or(String::new(), |(w, _)| w.clone()),
                    )
                })
                .collect(),
        );
        let encoded_chunks: Vec<(Vec<u8>, String)> = chunks
            .into_par_iter()
            .map(|chunk| {
                let bytes = encode_chunk(chunk);
                let hash = format!("{}_{}", language, full_hash(&bytes));
                (bytes, hash)
            })
            .collect();
        let mut word_indexes = hashbrown::HashMap::new();
        for (i, (bytes, hash)) in encoded_chunks.into_iter().enumerate() {
            let short = short_unique(&hash, language.len(), |h| word_indexes.contains_key(h));
            word_indexes.insert(short.clone(), bytes);
            index_chunks[i].hash = short;
        }

        let meta = MetaIndex {
            version: options.version.into(),
            pages,
            index_chunks,
            filters: meta_filters,
            sorts: Vec::new(),
            meta_fields: indexer.meta_fields.clone(),
        };
        let mut meta_index: Vec<u8> = Vec::new();
        let _ = minicbor::encode::<MetaIndex, &mut Vec<u8>>(meta, meta_index.as_mut());
        let meta_hash = format!(
            "{}_{}",
            language,
            &full_hash(&meta_index)[0..=(language.len() + 7)]
        );

        let indexes = PagefindIndexes {
            word_indexes,
            filter_indexes,
            meta_index: (meta_hash, meta_index),
            fragments: Vec::new(),
            sorts: Vec::new(),
            language,
            word_count,
            page_count,
        };
        let mut files = indexes.files_in_memory(options, outdir);
        files.extend(
            self.fragment_files
                .into_iter()
                .map(|(name, contents)| SyntheticFile {
                    filename: outdir.join(format!("fragment/{name}.pf_fragment")),
                    contents,
                }),
        );
        files.extend(
            crate::output::write_common_to_memory(
                vec![indexes.get_lang_meta(options)],
                options.write_playground,
                outdir,
                options,
            )
            .await,
        );
        Ok(relative(files, outdir))
    }
}

/// The shortest prefix of `hash` (at least the language, `_` and 7 characters) that
/// `taken` does not hold, as `build_indexes` picks it.
fn short_unique(hash: &str, language_len: usize, taken: impl Fn(&str) -> bool) -> String {
    let mut short = &hash[0..=(language_len + 7)];
    while taken(short) {
        let new_length = short.len() + 1;
        short = &hash[0..=new_length];
        if short.len() == hash.len() {
            break;
        }
    }
    short.to_string()
}

/// A `WordIndex` chunk as minicbor's derived encoding writes it:
/// `[[ [word, [pages…], [[form, [pages…]]…]] … ]]`.
fn encode_chunk(chunk: Vec<(String, Postings)>) -> Vec<u8> {
    let size: usize = chunk
        .iter()
        .map(|(w, p)| {
            w.len()
                + p.bytes.len()
                + p.variants
                    .iter()
                    .map(|v| v.form.len() + v.bytes.len() + 16)
                    .sum::<usize>()
                + 16
        })
        .sum();
    let mut out = Vec::with_capacity(size + 16);
    {
        let mut e = minicbor::Encoder::new(&mut out);
        let _ = e.array(1).and_then(|e| e.array(chunk.len() as u64));
    }
    for (word, postings) in chunk {
        {
            let mut e = minicbor::Encoder::new(&mut out);
            let _ = e
                .array(3)
                .and_then(|e| e.str(&word))
                .and_then(|e| e.array(postings.pages));
        }
        let _ = out.write_all(&postings.bytes);
        {
            let mut e = minicbor::Encoder::new(&mut out);
            let _ = e.array(postings.variants.len() as u64);
        }
        for variant in postings.variants {
            {
                let mut e = minicbor::Encoder::new(&mut out);
                let _ = e
                    .array(2)
                    .and_then(|e| e.str(&variant.form))
                    .and_then(|e| e.array(variant.pages));
            }
            let _ = out.write_all(&variant.bytes);
        }
    }
    out
}

/// Paths relative to the bundle folder, as `get_files` gives them.
fn relative(mut files: Vec<SyntheticFile>, outdir: &std::path::Path) -> Vec<SyntheticFile> {
    for file in files.iter_mut() {
        if let Ok(relative_path) = file.filename.strip_prefix(outdir) {
            file.filename = relative_path.to_path_buf();
        }
    }
    files
}

/// `positions_to_packed_page` of a word's `(position, weight)` occurrences, into `locs`;
/// without its sort in the common case: the occurrences come in position order, so when
/// they all have one weight the sort (by weight, then position) leaves them as they are.
fn packed_positions(occurrences: &mut [(u32, u8)], locs: &mut Vec<i32>) {
    locs.clear();
    let Some(&(_, weight)) = occurrences.first() else {
        return;
    };
    let in_order = occurrences.windows(2).all(|pair| pair[0].0 <= pair[1].0);
    if !in_order || occurrences.iter().any(|o| o.1 != weight) {
        occurrences.sort_by_key(|&(position, weight)| (if weight == 25 { 0 } else { weight }, position));
    }
    packed_locs(occurrences.iter().copied(), locs);
}

/// `occurrences` (sorted as `positions_to_packed_page` sorts them) as it writes them into
/// `locs`: weight 25 is implied at the start, any other weight is announced by
/// `-(weight) - 1` and an absolute position.
fn packed_locs(occurrences: impl Iterator<Item = (u32, u8)>, locs: &mut Vec<i32>) {
    locs.clear();
    let mut current_weight = 25;
    let mut last = 0;
    for (position, weight) in occurrences {
        if weight != current_weight {
            locs.push(-(weight as i32) - 1);
            locs.push(position as i32);
            current_weight = weight;
        } else {
            locs.push((position - last) as i32);
        }
        last = position;
    }
}

/// `meta_positions_to_packed` of a word's `(field, position)` occurrences, into `locs`.
fn packed_meta_positions(places: &mut [(u16, u32)], locs: &mut Vec<i32>) {
    locs.clear();
    places.sort_unstable();
    let mut current_field = None;
    let mut last = 0;
    for &(field, position) in places.iter() {
        if current_field != Some(field) {
            locs.push(-(field as i32) - 1);
            current_field = Some(field);
            last = 0;
        }
        locs.push((position - last) as i32);
        last = position;
    }
}

/// `items` sorted by their entry (`0..entries`), stably: a counting sort, as a page has
/// hundreds of occurrences of a few hundred words.
fn group_by_entry<T: Copy>(items: &[T], entries: usize, entry_of: impl Fn(&T) -> u32) -> Vec<T> {
    let mut next = vec![0usize; entries + 1];
    for item in items {
        next[entry_of(item) as usize + 1] += 1;
    }
    for entry in 1..next.len() {
        next[entry] += next[entry - 1];
    }
    let mut grouped = items.to_vec();
    for item in items {
        let slot = &mut next[entry_of(item) as usize];
        grouped[*slot] = *item;
        *slot += 1;
    }
    grouped
}

/// The leading elements of `rest` that belong to `entry` (`rest` is sorted by entry);
/// `rest` keeps the others.
fn take_while_entry<'r, T>(rest: &mut &'r [T], entry: u32, entry_of: impl Fn(&T) -> u32) -> &'r [T] {
    let len = rest.iter().take_while(|o| entry_of(o) == entry).count();
    let (here, others) = rest.split_at(len);
    *rest = others;
    here
}

/// `PageFragmentData` as it serializes (the same fields in the same order), borrowing
/// the record's parts instead of a copy of each.
#[derive(serde::Serialize)]
struct FragmentJson<'a> {
    url: &'a str,
    content: &'a str,
    word_count: usize,
    filters: &'a BTreeMap<String, Vec<String>>,
    meta: &'a BTreeMap<String, String>,
    anchors: &'a [crate::fragments::PageAnchorData],
}

/// `FragmentJson` with its keys sorted, as a fragment is in a group file (upstream reads
/// each fragment back into a `serde_json::Value`, whose keys are sorted, to group it).
#[derive(serde::Serialize)]
struct SortedFragmentJson<'a> {
    anchors: &'a [crate::fragments::PageAnchorData],
    content: &'a str,
    filters: &'a BTreeMap<String, Vec<String>>,
    meta: &'a BTreeMap<String, String>,
    url: &'a str,
    word_count: usize,
}

/// One page's words in `Indexer::prepare_plain`: the words (interned stems) in order of
/// first occurrence, and every occurrence with the number of its word in that order.
#[derive(Default)]
struct PlainPage {
    entries: Vec<u32>,
    /// (word, position, weight).
    content: Vec<(u32, u32, u8)>,
    /// (word, original form, position, weight): occurrences whose form differs
    /// (diacritics).
    content_variants: Vec<(u32, u32, u32, u8)>,
    /// (word, (meta field, position)).
    meta: Vec<(u32, (u16, u32))>,
    /// (word, original form, (meta field, position)).
    meta_variants: Vec<(u32, u32, (u16, u32))>,
}

impl PlainPage {
    /// Empty, keeping the capacity (the memo reuses one page for every page).
    fn clear(&mut self) {
        self.entries.clear();
        self.content.clear();
        self.content_variants.clear();
        self.meta.clear();
        self.meta_variants.clear();
    }

    /// The number of interned `stem` among this page's words; `slots` maps a stem to it
    /// (`u32::MAX`: not on this page yet).
    fn entry(&mut self, slots: &mut Vec<u32>, stem: u32) -> u32 {
        if slots.len() <= stem as usize {
            slots.resize(stem as usize + 1, u32::MAX);
        }
        let slot = &mut slots[stem as usize];
        if *slot == u32::MAX {
            *slot = self.entries.len() as u32;
            self.entries.push(stem);
        }
        *slot
    }
}

/// The indexable words of one token, as interned strings. Most tokens have one word, kept
/// inline with the token in the memo's table, as short tokens are (`CompactString`): a
/// lookup then reads one place in memory instead of three.
struct TokenWords {
    words: smallvec::SmallVec<[TokenWord; 2]>,
    compound_count: usize,
}

struct TokenWord {
    stem: u32,
    original: Option<u32>,
    compound: bool,
}

/// `text.split_whitespace()`, a byte at a time over ASCII: `str::split_whitespace`
/// decodes every character through a generic pattern search.
fn split_whitespace(text: &str) -> impl Iterator<Item = &str> {
    /// The character at `at` (a character boundary) and whether it is whitespace.
    fn char_at(text: &str, at: usize) -> (usize, bool) {
        match text.as_bytes()[at] {
            byte @ 0..0x80 => (1, matches!(byte, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')),
            _ => text[at..]
                .chars()
                .next()
                .map_or((1, false), |c| (c.len_utf8(), c.is_whitespace())),
        }
    }
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < text.len() {
            let (len, space) = char_at(text, at);
            if !space {
                break;
            }
            at += len;
        }
        if at == text.len() {
            return None;
        }
        let start = at;
        while at < text.len() {
            let (len, space) = char_at(text, at);
            if space {
                break;
            }
            at += len;
        }
        Some(&text[start..at])
    })
}

/// Strings numbered in the order they were first seen.
#[derive(Default)]
struct Interned {
    numbers: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    /// `word_hash` of each name.
    hashes: Vec<u64>,
}

/// The hash `IndexBuilder` files a word under. Fixed, so a thread's memo computes it once
/// for every indexer; the keys are the site's own words, not an attacker's.
fn word_hash(word: &str) -> u64 {
    use std::hash::BuildHasher;
    const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
    foldhash::fast::FixedState::with_seed(SEED).hash_one(word)
}

impl Interned {
    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&number) = self.numbers.get(text) {
            return number;
        }
        let number = self.names.len() as u32;
        self.names.push(text.into());
        self.hashes.push(word_hash(text));
        self.numbers.insert(text.into(), number);
        number
    }
}

/// Per-thread memo of `prepare_plain`: each token's indexable words (a pure function of
/// the token, the language and the extra word characters), with their stems and forms
/// interned, so a page tells its words apart by number. Bounded: cleared at
/// `PlainMemo::LIMIT` tokens, content and meta together.
struct PlainMemo {
    language: String,
    include_characters: Vec<char>,
    /// Content tokens: their words include the dotted tails.
    tokens: Tokens,
    /// Meta tokens: the same words without the dotted tails, as Pagefind splits meta.
    meta_tokens: Tokens,
    strings: Interned,
    /// Interned stem → its number on the page being prepared (see `PlainPage::entry`);
    /// all `u32::MAX` between pages.
    slots: Vec<u32>,
    /// The page being prepared and its fragment's text: buffers kept from page to page.
    page: PlainPage,
    text: String,
}

impl PlainMemo {
    const LIMIT: usize = 200_000;

    fn with<T>(language: &str, include_characters: &[char], f: impl FnOnce(&mut Self) -> T) -> T {
        thread_local! {
            static MEMO: std::cell::RefCell<PlainMemo> = std::cell::RefCell::new(PlainMemo {
                language: String::new(),
                include_characters: Vec::new(),
                tokens: Tokens::new(true),
                meta_tokens: Tokens::new(false),
                strings: Interned::default(),
                slots: Vec::new(),
                page: PlainPage::default(),
                text: String::new(),
            });
        }
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.language != language
                || memo.include_characters != include_characters
                || memo.tokens.table.len() + memo.meta_tokens.table.len() >= Self::LIMIT
            {
                memo.language = language.to_string();
                memo.include_characters = include_characters.to_vec();
                memo.tokens.table.clear();
                memo.meta_tokens.table.clear();
                memo.strings = Interned::default();
                memo.slots.clear();
            }
            f(&mut memo)
        })
    }

    /// `token`'s words (from the memo's `tokens`, its strings interned in `strings`).
    fn token<'m>(
        tokens: &'m mut Tokens,
        strings: &mut Interned,
        token: &str,
        stemmer: Option<&pagefind_stem::Stemmer>,
        include_characters: &[char],
    ) -> &'m TokenWords {
        use std::hash::BuildHasher;
        let hash = tokens.hasher.hash_one(token);
        let absent = match tokens.table.find_entry(hash, |(key, _)| key.as_str() == token) {
            Ok(known) => return &known.into_mut().1,
            Err(absent) => absent,
        };
        let mut indexable =
            crate::fossick::splitting::get_indexable_words(token, stemmer, include_characters);
        if tokens.dotted_tails {
            let tails = crate::fossick::splitting::get_dotted_tails(
                token,
                stemmer,
                include_characters,
                &indexable,
            );
            indexable.extend(tails);
        }
        let words = TokenWords {
            compound_count: indexable.iter().filter(|w| w.is_compound_part).count(),
            words: indexable
                .into_iter()
                .map(|w| TokenWord {
                    stem: strings.intern(&w.stemmed),
                    original: w.original.as_deref().map(|o| strings.intern(o)),
                    compound: w.is_compound_part,
                })
                .collect(),
        };
        let hasher = &tokens.hasher;
        let entry = absent.into_table().insert_unique(hash, (token.into(), words), |(key, _)| {
            hasher.hash_one(key.as_str())
        });
        &entry.into_mut().1
    }
}

/// The memo's tokens and their words: a table of its own, to look a token up with one
/// hash whether it is there or not.
struct Tokens {
    table: hashbrown::HashTable<(compact_str::CompactString, TokenWords)>,
    hasher: hashbrown::DefaultHashBuilder,
    /// Whether a token's words include its dotted tails (content's do, meta's do not).
    dotted_tails: bool,
}

impl Tokens {
    fn new(dotted_tails: bool) -> Self {
        Tokens {
            table: hashbrown::HashTable::new(),
            hasher: hashbrown::DefaultHashBuilder::default(),
            dotted_tails,
        }
    }
}
