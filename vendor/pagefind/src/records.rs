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
use crate::fossick::{FossickedWord, MetaFossickedWord};
use crate::fragments::PageFragmentData;
use crate::index::{
    chunk_meta_from_bounds, meta_positions_to_packed, pack_page, positions_to_packed_page,
    PagefindIndexes,
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
}

/// One record, split, stemmed and packed, ready to be pushed.
pub struct PreparedRecord {
    /// False when the record has no word to index (Pagefind leaves such pages out).
    indexed: bool,
    words: Vec<PreparedWord>,
    /// The CBOR of each word's locations on this page (`PackedPage` without its number).
    bytes: Vec<u8>,
    filters: Vec<(String, String)>,
    fragment_hash: String,
    fragment_gz: Vec<u8>,
    word_count: usize,
}

struct PreparedWord {
    word: String,
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
    fn append(bytes: &mut Vec<u8>, locs: &[i32], meta_locs: &[i32]) -> Result<Self> {
        let start = bytes.len() as u32;
        minicbor::Encoder::new(&mut *bytes)
            .encode(locs)?
            .encode(meta_locs)?;
        Ok(Self {
            start,
            end: bytes.len() as u32,
            size: (locs.len() + meta_locs.len() + 1) as u32,
        })
    }
}

/// A fragment file's bytes: the fragment's JSON gzipped at level 1, for either path. A
/// fragment is fetched only for a result shown, so speed of the build wins over the
/// last few hundred bytes (BENCHMARKS.md, "Search").
fn compress_fragment(json: &str) -> Vec<u8> {
    crate::output::gzip_at(json.as_bytes(), flate2::Compression::new(1))
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
    words: HashMap<String, Postings>,
    filters: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Fragment name (a prefix of its hash) → the fragment's whole hash.
    fragment_hashes: HashMap<String, String>,
    /// Each page's fragment name and word count, in page order.
    page_fragments: Vec<(String, usize)>,
    /// Fragment name → the gzipped fragment.
    fragment_files: Vec<(String, Vec<u8>)>,
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
        for (word, packed_word) in packed.word_map {
            // A page holds at most one entry per word (and per variant of it).
            let page = packed_word.pages.first().map(&mut encode).transpose()?;
            let mut variants = Vec::with_capacity(packed_word.additional_variants.len());
            for variant in &packed_word.additional_variants {
                if let Some(page) = variant.pages.first() {
                    variants.push((variant.form.clone(), encode(page)?));
                }
            }
            words.push(PreparedWord {
                word,
                page,
                variants,
            });
        }
        let fragment_gz = compress_fragment(&packed.encoded_page.encoded_data);
        Ok(PreparedRecord {
            indexed,
            words,
            bytes,
            filters: packed
                .filter_entries
                .into_iter()
                .map(|(filter, value, _)| (filter, value))
                .collect(),
            fragment_hash: packed.encoded_page.full_hash,
            fragment_gz,
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
            // The content words, as `Fossicker::parse_digest` tracks them: every
            // whitespace-separated token (zero-width spaces removed) takes a position.
            let mut page = PlainPage::default();
            let mut text = String::with_capacity(content.len());
            let mut position: u32 = 0;
            const WORD_WEIGHT: u8 = 24; // weight 1.0 × Pagefind's multiplier of 24
            for token in content.split_whitespace() {
                let base: std::borrow::Cow<str> = if token.contains('\u{200B}') {
                    token.replace('\u{200B}', "").into()
                } else {
                    token.into()
                };
                if base.is_empty() {
                    continue;
                }
                text.push_str(&base);
                text.push(' ');
                let words = memo.token(&base, stemmer.as_ref(), &options.include_characters);
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
                    let entry = page.entry(&word.stem);
                    let occurrence = FossickedWord {
                        position,
                        weight,
                        original_word: None,
                    };
                    match &word.original {
                        None => entry.content.push(occurrence),
                        Some(form) => push_variant(&mut entry.content_variants, form, occurrence),
                    }
                }
                position += 1;
            }
            text.pop();
            let word_count = position.max(1) as usize;
            if page.entries.is_empty() {
                return Ok(Some(PreparedRecord {
                    indexed: false,
                    words: Vec::new(),
                    bytes: Vec::new(),
                    filters: Vec::new(),
                    fragment_hash: String::new(),
                    fragment_gz: Vec::new(),
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
                    for indexable in crate::fossick::splitting::get_indexable_words(
                        word,
                        stemmer.as_ref(),
                        &options.include_characters,
                    ) {
                        let stem = memo.intern(&indexable.stemmed);
                        let entry = page.entry(&stem);
                        let occurrence = MetaFossickedWord {
                            field_id,
                            position: word_position as u32,
                            original_word: None,
                        };
                        match indexable.original {
                            None => entry.meta.push(occurrence),
                            Some(form) => {
                                let form = memo.intern(&form);
                                match entry.meta_variants.iter_mut().find(|(f, _)| *f == form) {
                                    Some((_, occurrences)) => occurrences.push(occurrence),
                                    None => entry.meta_variants.push((form, vec![occurrence])),
                                }
                            }
                        }
                    }
                }
            }

            // Packed as `pack_page` packs them.
            let mut bytes = Vec::new();
            let mut words = Vec::with_capacity(page.entries.len());
            for entry in page.entries {
                let mut locations =
                    |locs: &[i32], meta_locs: &[i32]| Locations::append(&mut bytes, locs, meta_locs);
                let locs = packed_positions(entry.content);
                let meta_locs = meta_positions_to_packed(entry.meta);
                let page_locations = if locs.is_empty() && meta_locs.is_empty() {
                    None
                } else {
                    Some(locations(&locs, &meta_locs)?)
                };
                let mut variants: Vec<(std::rc::Rc<str>, Vec<i32>, Vec<i32>)> = entry
                    .content_variants
                    .into_iter()
                    .map(|(form, occurrences)| {
                        (form, packed_positions(occurrences), Vec::new())
                    })
                    .collect();
                variants.sort_by(|a, b| a.0.cmp(&b.0));
                let mut meta_variants = entry.meta_variants;
                meta_variants.sort_by(|a, b| a.0.cmp(&b.0));
                for (form, occurrences) in meta_variants {
                    let meta_locs = meta_positions_to_packed(occurrences);
                    match variants.iter_mut().find(|(f, _, _)| *f == form) {
                        Some(variant) => variant.2 = meta_locs,
                        None => variants.push((form, Vec::new(), meta_locs)),
                    }
                }
                let variants = variants
                    .into_iter()
                    .map(|(form, locs, meta_locs)| Ok((form.to_string(), locations(&locs, &meta_locs)?)))
                    .collect::<Result<Vec<_>>>()?;
                words.push(PreparedWord {
                    word: entry.stem.to_string(),
                    page: page_locations,
                    variants,
                });
            }

            let fragment = PageFragmentData {
                url: url.to_string(),
                content: text,
                word_count,
                filters: filters.clone(),
                meta: meta.clone(),
                anchors: Vec::new(),
            };
            let encoded = serde_json::to_string(&fragment)?;
            Ok(Some(PreparedRecord {
                indexed: true,
                words,
                bytes,
                filters: filters
                    .iter()
                    .flat_map(|(filter, values)| {
                        values.iter().map(move |value| (filter.clone(), value.clone()))
                    })
                    .collect(),
                fragment_hash: format!("{}_{}", self.language, full_hash(encoded.as_bytes())),
                fragment_gz: compress_fragment(&encoded),
                word_count,
            }))
        })
    }

    /// An empty index to push prepared records into.
    pub fn builder(&self) -> IndexBuilder<'_> {
        IndexBuilder {
            indexer: self,
            words: HashMap::new(),
            filters: HashMap::new(),
            fragment_hashes: HashMap::new(),
            page_fragments: Vec::new(),
            fragment_files: Vec::new(),
            pages: 0,
        }
    }
}

/// The CBOR head of a `PackedPage` (an array of three) and its page number, as
/// minicbor's derived encoding writes them.
fn page_head(out: &mut Vec<u8>, page_delta: usize) {
    let mut encoder = minicbor::Encoder::new(out);
    let _ = encoder.array(3).and_then(|e| e.u64(page_delta as u64));
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
            let postings = match self.words.get_mut(word.word.as_str()) {
                Some(postings) => postings,
                None => self.words.entry(word.word.clone()).or_default(),
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
        while let Some(taken_by) = self.fragment_hashes.get(short_hash) {
            if taken_by == full {
                break;
            }
            short_hash = &full[0..=short_hash.len()];
        }
        if !self.fragment_hashes.contains_key(short_hash) {
            self.fragment_hashes
                .insert(short_hash.to_string(), full.clone());
            self.fragment_files
                .push((short_hash.to_string(), record.fragment_gz.clone()));
        }
        self.page_fragments
            .push((short_hash.to_string(), record.word_count));
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
    pub async fn files(self) -> Result<Vec<SyntheticFile>> {
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
        let pages: Vec<MetaPage> = self
            .page_fragments
            .into_iter()
            .map(|(hash, word_count)| MetaPage {
                hash,
                word_count: word_count as u32,
                group_hash: String::new(),
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
        let mut words: Vec<(String, Postings)> = self.words.into_iter().collect();
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

/// `positions_to_packed_page(occurrences).locs`, without its sort in the common case: the
/// occurrences come in position order, so when they all have one weight the sort (by
/// weight, then position) leaves them as they are.
fn packed_positions(occurrences: Vec<FossickedWord>) -> Vec<i32> {
    let Some(first) = occurrences.first() else {
        return Vec::new();
    };
    let weight = first.weight;
    let in_order = occurrences.windows(2).all(|pair| pair[0].position <= pair[1].position);
    if !in_order || occurrences.iter().any(|o| o.weight != weight) {
        return positions_to_packed_page(occurrences, 0).locs;
    }
    // As `positions_to_packed_page` writes them: weight 25 is implied at the start, any
    // other weight is announced by `-(weight) - 1` and an absolute position.
    let mut locs = Vec::with_capacity(occurrences.len() + 1);
    let mut last = 0;
    for (i, occurrence) in occurrences.iter().enumerate() {
        if i == 0 && weight != 25 {
            locs.push(-(weight as i32) - 1);
            locs.push(occurrence.position as i32);
        } else {
            locs.push((occurrence.position - last) as i32);
        }
        last = occurrence.position;
    }
    locs
}

/// One page's words in `Indexer::prepare_plain`, in order of first occurrence.
#[derive(Default)]
struct PlainPage {
    /// Interned stem (by address) → index in `entries`.
    index: HashMap<usize, usize>,
    entries: Vec<PlainEntry>,
}

struct PlainEntry {
    stem: std::rc::Rc<str>,
    content: Vec<FossickedWord>,
    /// Occurrences whose original form differs (diacritics), by that form.
    content_variants: Vec<(std::rc::Rc<str>, Vec<FossickedWord>)>,
    meta: Vec<MetaFossickedWord>,
    meta_variants: Vec<(std::rc::Rc<str>, Vec<MetaFossickedWord>)>,
}

impl PlainPage {
    /// The entry of an interned stem.
    fn entry(&mut self, stem: &std::rc::Rc<str>) -> &mut PlainEntry {
        let key = std::rc::Rc::as_ptr(stem) as *const u8 as usize;
        let next = self.entries.len();
        let index = *self.index.entry(key).or_insert(next);
        if index == next {
            self.entries.push(PlainEntry {
                stem: stem.clone(),
                content: Vec::new(),
                content_variants: Vec::new(),
                meta: Vec::new(),
                meta_variants: Vec::new(),
            });
        }
        &mut self.entries[index]
    }
}

fn push_variant(
    variants: &mut Vec<(std::rc::Rc<str>, Vec<FossickedWord>)>,
    form: &std::rc::Rc<str>,
    occurrence: FossickedWord,
) {
    match variants.iter_mut().find(|(f, _)| std::rc::Rc::ptr_eq(f, form)) {
        Some((_, occurrences)) => occurrences.push(occurrence),
        None => variants.push((form.clone(), vec![occurrence])),
    }
}

/// The indexable words of one token, with interned stems and forms.
struct TokenWords {
    words: Vec<TokenWord>,
    compound_count: usize,
}

struct TokenWord {
    stem: std::rc::Rc<str>,
    original: Option<std::rc::Rc<str>>,
    compound: bool,
}

/// Per-thread memo of `prepare_plain`: each token's indexable words (a pure function of
/// the token, the language and the extra word characters), and interned strings so a
/// page's words are told apart by address. Bounded: cleared at `PlainMemo::LIMIT` tokens.
struct PlainMemo {
    language: String,
    include_characters: Vec<char>,
    tokens: HashMap<String, std::rc::Rc<TokenWords>>,
    strings: hashbrown::HashSet<std::rc::Rc<str>>,
}

impl PlainMemo {
    const LIMIT: usize = 200_000;

    fn with<T>(language: &str, include_characters: &[char], f: impl FnOnce(&mut Self) -> T) -> T {
        thread_local! {
            static MEMO: std::cell::RefCell<PlainMemo> = std::cell::RefCell::new(PlainMemo {
                language: String::new(),
                include_characters: Vec::new(),
                tokens: HashMap::new(),
                strings: hashbrown::HashSet::new(),
            });
        }
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.language != language
                || memo.include_characters != include_characters
                || memo.tokens.len() >= Self::LIMIT
            {
                memo.language = language.to_string();
                memo.include_characters = include_characters.to_vec();
                memo.tokens.clear();
                memo.strings.clear();
            }
            f(&mut memo)
        })
    }

    fn intern(&mut self, text: &str) -> std::rc::Rc<str> {
        if let Some(interned) = self.strings.get(text) {
            return interned.clone();
        }
        let interned: std::rc::Rc<str> = text.into();
        self.strings.insert(interned.clone());
        interned
    }

    fn token(
        &mut self,
        token: &str,
        stemmer: Option<&pagefind_stem::Stemmer>,
        include_characters: &[char],
    ) -> std::rc::Rc<TokenWords> {
        if let Some(words) = self.tokens.get(token) {
            return words.clone();
        }
        let mut indexable =
            crate::fossick::splitting::get_indexable_words(token, stemmer, include_characters);
        let tails = crate::fossick::splitting::get_dotted_tails(
            token,
            stemmer,
            include_characters,
            &indexable,
        );
        indexable.extend(tails);
        let words = std::rc::Rc::new(TokenWords {
            compound_count: indexable.iter().filter(|w| w.is_compound_part).count(),
            words: indexable
                .into_iter()
                .map(|w| TokenWord {
                    stem: self.intern(&w.stemmed),
                    original: w.original.as_deref().map(|o| self.intern(o)),
                    compound: w.is_compound_part,
                })
                .collect(),
        });
        self.tokens.insert(token.to_string(), words.clone());
        words
    }
}
