//! The document as text: line endings, indentation, wrappers, and one cleaned line per
//! visual line for the other passes (no Markdown emphasis, no HTML, no URLs).
//!
//! Input: the file's text. Output: [`Source`] (normalised text for the body) and
//! [`Line`]s (for reading). Never fails: anything it does not understand stays text.

use super::times::pattern;

/// The normalised document: what the body is cut from.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// CRLF folded, dedented, wrappers removed.
    pub(crate) text: String,
    /// A title found in an MDX/JS preamble (`title: '...'`), which is removed from `text`.
    pub(crate) preamble_title: Option<String>,
    /// What normalisation did, for the report.
    pub(crate) notes: Vec<String>,
    /// For each line of `text`, its 1-based line number in the file as given, so that
    /// evidence points at the line the reader sees.
    pub(crate) origin: Vec<usize>,
    /// For one incident of a document that reports several: the lines of `text` that are
    /// its own section (the rest is the document's opening and closing, shared by all).
    pub(crate) own_lines: Option<std::ops::Range<usize>>,
}

impl Source {
    /// The 1-based line of the file as given for line `src` of `text`.
    pub(crate) fn line_number(&self, src: usize) -> usize {
        self.origin.get(src).copied().unwrap_or(src + 1)
    }
}

/// The `max` bytes of `text` just before byte `at` (a few more where a character starts
/// before them): the words a check reads before a mention, without copying everything
/// that precedes it (which made each mention cost the length of its paragraph).
pub(crate) fn window_before(text: &str, at: usize, max: usize) -> &str {
    let at = text.floor_char_boundary(at);
    let from = text.floor_char_boundary(at.saturating_sub(max));
    text.get(from..at).unwrap_or("")
}

/// At most `max` bytes of `text` from byte `at` on, cut at a character boundary.
pub(crate) fn window_after(text: &str, at: usize, max: usize) -> &str {
    let at = text.floor_char_boundary(at);
    let to = text.floor_char_boundary(at.saturating_add(max));
    text.get(at..to).unwrap_or("")
}

/// Whether `text` starts with the ASCII `prefix`, in any case.
pub(crate) fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// One cleaned line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    /// Plain text, trimmed, with emphasis, links, images, tags and URLs removed.
    pub(crate) text: String,
    /// Markdown or HTML heading level (1..=6).
    pub(crate) heading: Option<u8>,
    /// The whole line was bold (`**Timeline:**`).
    pub(crate) bold: bool,
    /// The whole line was italic (`*Fill in the owners*`): template instructions.
    pub(crate) italic: bool,
    /// A list item (`-`, `*`, `+`, `•`, `1.`).
    pub(crate) item: bool,
    /// A task-list checkbox: `Some(true)` when ticked.
    pub(crate) task: Option<bool>,
    /// Leading whitespace width of the source line.
    pub(crate) indent: usize,
    /// Inside a fenced code block.
    pub(crate) code: bool,
    /// A blockquote (`> ...`): a quoted message, an alert's text.
    pub(crate) quote: bool,
    /// Cells when the line is a table row.
    pub(crate) cells: Option<Vec<String>>,
    /// Index of the source line in the normalised text.
    pub(crate) src: usize,
}

impl Line {
    /// Blank after cleaning.
    pub(crate) fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Normalises line endings, removes an MDX preamble and a ```markdown wrapper, and dedents
/// a document that is indented as a whole.
pub(crate) fn normalize(input: &str) -> Source {
    let mut notes = Vec::new();
    let text = input.trim_start_matches('\u{feff}');
    let had_crlf = text.contains('\r');
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if had_crlf {
        notes.push("line endings: CRLF normalised to LF".to_string());
    }
    let mut lines: Vec<String> = text.split('\n').map(|l| l.trim_end().to_string()).collect();
    let mut origin: Vec<usize> = (1..=lines.len()).collect();
    let mut preamble_title = None;

    // A front-matter block another generator left (`---` ... `---` at the very top): its
    // `title:` is the document's; the rest (a publication date, layout keys) is not the
    // incident's.
    let first = lines.iter().position(|l| !l.trim().is_empty());
    if let Some(first) = first
        && lines.get(first).is_some_and(|l| l.trim() == "---")
        && let Some(close) = lines
            .iter()
            .skip(first + 1)
            .position(|l| l.trim() == "---")
            .map(|k| first + 1 + k)
        && close - first <= 40
    {
        for line in lines.get(first + 1..close).unwrap_or(&[]) {
            if preamble_title.is_none()
                && let Some(rest) = line.trim().strip_prefix("title:")
            {
                let v = rest.trim().trim_matches(|c| c == '\'' || c == '"');
                if !v.is_empty() {
                    preamble_title = Some(v.to_string());
                }
            }
        }
        lines.drain(first..=close);
        origin.drain(first..=close);
        notes.push(
            "body: dropped the front-matter block at the top (another generator's)".to_string(),
        );
    }

    // A JS/MDX preamble (`import ...`, `export const post = {...}`).
    let first = lines.iter().position(|l| !l.trim().is_empty());
    if let Some(first) = first {
        let head = lines.get(first).map(|l| l.trim_start()).unwrap_or("");
        if head.starts_with("import ") || head.starts_with("export ") {
            let mut depth: i32 = 0;
            let mut end = first;
            for (i, line) in lines.iter().enumerate().skip(first) {
                let t = line.trim();
                let starts_js = t.starts_with("import ") || t.starts_with("export ");
                if depth == 0 && !starts_js && !t.is_empty() {
                    break;
                }
                if depth > 0
                    && preamble_title.is_none()
                    && let Some(rest) = t.strip_prefix("title:")
                {
                    let v = rest.trim().trim_end_matches(',').trim();
                    let v = v.trim_matches(|c| c == '\'' || c == '"' || c == '`');
                    if !v.is_empty() {
                        preamble_title = Some(v.to_string());
                    }
                }
                depth += t.matches('{').count() as i32 - t.matches('}').count() as i32;
                depth = depth.max(0);
                end = i + 1;
            }
            lines.drain(first..end);
            origin.drain(first..end);
            notes.push("body: dropped the MDX/JS preamble (import/export lines)".to_string());
        }
    }

    // A document wrapped in a ```markdown fence.
    if let Some(open) = lines.iter().position(|l| {
        let t = l.trim().to_ascii_lowercase();
        t == "```markdown" || t == "```md" || t == "~~~markdown" || t == "~~~md"
    }) {
        let close = lines
            .iter()
            .enumerate()
            .skip(open + 1)
            .find(|(_, l)| {
                let t = l.trim();
                t == "```" || t == "~~~"
            })
            .map(|(i, _)| i);
        let inner_end = close.unwrap_or(lines.len());
        let inner = lines.get(open + 1..inner_end).unwrap_or(&[]);
        if inner.iter().any(|l| l.trim_start().starts_with('#')) || inner.len() >= 5 {
            if let Some(close) = close {
                lines.remove(close);
                origin.remove(close);
            }
            lines.remove(open);
            origin.remove(open);
            notes.push("body: unwrapped the ```markdown fence around the document".to_string());
        }
    }

    // Dedent a document that is entirely indented (a code block turned into Markdown).
    let widths: Vec<usize> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent_width(l))
        .collect();
    let min = widths.iter().copied().min().unwrap_or(0);
    if min >= 4 {
        for line in &mut lines {
            *line = remove_indent(line, min);
        }
        notes.push(format!(
            "body: the whole document was indented by {min}; dedented"
        ));
    }
    let leading_blank = lines.iter().take_while(|l| l.is_empty()).count();
    lines.drain(..leading_blank);
    origin.drain(..leading_blank);
    Source {
        text: lines.join("\n"),
        preamble_title,
        notes,
        origin,
        own_lines: None,
    }
}

/// Leading whitespace width, a tab counting 4.
pub(crate) fn indent_width(line: &str) -> usize {
    let mut w = 0;
    for c in line.chars() {
        match c {
            ' ' => w += 1,
            '\t' => w += 4,
            _ => break,
        }
    }
    w
}

fn remove_indent(line: &str, width: usize) -> String {
    let mut removed = 0;
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while removed < width {
        match chars.peek() {
            Some(' ') => removed += 1,
            Some('\t') => removed += 4,
            _ => break,
        }
        chars.next();
    }
    out.extend(chars);
    out
}

pattern!(HTML_COMMENT = r"(?s)<!--.*?-->");
pattern!(HTML_HEADING_OPEN = r"(?i)<h([1-6])\b[^>]*>");
pattern!(
    HTML_BREAKS = r"(?i)</h[1-6]\s*>|<br\s*/?>|</?(?:p|div|ul|ol|tr|table|tbody|thead|hr|blockquote|section|article|header|footer|center)\b[^>]*>|</li\s*>"
);
pattern!(HTML_LI = r"(?i)<li\b[^>]*>");
pattern!(HTML_CELL = r"(?i)</?t[dh]\b[^>]*>");
pattern!(HTML_TAG = r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>");
pattern!(IMAGE = r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]|!\[[^\]]*\]");
pattern!(LINK = r"\[([^\]]*)\]\([^)]*\)");
pattern!(REF_LINK = r"\[([^\]]+)\]\[[^\]]*\]");
pattern!(URL = r"https?://[^\s)>\]]+");
pattern!(UNDERSCORE_EDGE = r"(^|[\s(\[])_+|_+($|[\s)\]:,.;!?])");
pattern!(ENTITY = r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);");
pattern!(LIST_MARKER = r"^(?:[-*+•●▪◦=]|\d{1,2}[.)])\s+");
pattern!(TASK_BOX = r"^\[([ xX])\]\s*");
pattern!(HEADING = r"^(#{1,6})\s*(.*?)\s*#*\s*$");

fn replace_all(re: &super::times::Pattern, text: &str, with: &str) -> String {
    match re.as_ref() {
        Some(re) => re.replace_all(text, with).into_owned(),
        None => text.to_string(),
    }
}

/// Decodes the HTML entities people leave in Markdown.
pub(crate) fn decode_entities(text: &str) -> String {
    let Some(re) = ENTITY.as_ref() else {
        return text.to_string();
    };
    re.replace_all(text, |c: &regex::Captures<'_>| {
        let name = c.get(1).map_or("", |m| m.as_str());
        let decoded = if let Some(hex) = name.strip_prefix("#x") {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = name.strip_prefix('#') {
            dec.parse::<u32>().ok().and_then(char::from_u32)
        } else {
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "hellip" => Some('…'),
                "rsquo" | "lsquo" => Some('\''),
                "ldquo" | "rdquo" => Some('"'),
                "bull" => Some('•'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => c.to_string(),
            None => c.get(0).map_or(String::new(), |m| m.as_str().to_string()),
        }
    })
    .into_owned()
}

/// Removes inline Markdown: images, links (keeping their text), URLs, emphasis, code
/// ticks, escapes; collapses whitespace.
pub(crate) fn clean_inline(text: &str) -> String {
    let t = replace_all(&IMAGE, text, " ");
    let t = replace_all(&LINK, &t, "$1");
    let t = replace_all(&REF_LINK, &t, "$1");
    let t = replace_all(&URL, &t, " ");
    let t = t
        .replace("**", "")
        .replace("__", "")
        .replace(['*', '`'], "");
    let t = replace_all(&UNDERSCORE_EDGE, &t, "$1$2");
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek()
                && next.is_ascii_punctuation()
            {
                out.push(next);
                chars.next();
                continue;
            }
            continue;
        }
        if c == '\u{a0}' || c == '\t' {
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `|` of a line outside backtick code spans (`` `ps aux | grep exe` `` is a command in a
/// sentence, not a table row).
fn pipes_outside_code(text: &str) -> usize {
    text.split('`')
        .step_by(2)
        .map(|part| part.matches('|').count())
        .sum()
}

/// Cleans the normalised text into one [`Line`] per visual line.
pub(crate) fn lines(text: &str) -> Vec<Line> {
    // Comments become as many empty lines as they spanned, so line numbers stay.
    let text = match HTML_COMMENT.as_ref() {
        Some(re) => re
            .replace_all(text, |c: &regex::Captures<'_>| {
                "\n".repeat(c.get(0).map_or(0, |m| m.as_str().matches('\n').count()))
            })
            .into_owned(),
        None => text.to_string(),
    };
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for (src, raw) in text.split('\n').enumerate() {
        let first_new = out.len();
        let trimmed = raw.trim_start();
        // Fences: ``` or ~~~ with an info string that has no backtick.
        let fence_mark = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        if let Some(mark) = fence_mark {
            let info = trimmed.trim_start_matches(mark.chars().next().unwrap_or('`'));
            let opener = !info.contains('`');
            match &fence {
                Some(open) if trimmed.starts_with(open.as_str()) && info.trim().is_empty() => {
                    fence = None;
                    out.push(Line {
                        code: true,
                        src,
                        ..Line::default()
                    });
                    continue;
                }
                None if opener => {
                    fence = Some(mark.to_string());
                    out.push(Line {
                        code: true,
                        src,
                        ..Line::default()
                    });
                    continue;
                }
                _ => {}
            }
        }
        if fence.is_some() {
            out.push(Line {
                text: raw.to_string(),
                code: true,
                src,
                ..Line::default()
            });
            continue;
        }
        let indent = indent_width(raw);
        // HTML blocks become lines of their own.
        let mut converted = raw.to_string();
        if converted.contains('<') {
            if let Some(re) = HTML_HEADING_OPEN.as_ref() {
                converted = re
                    .replace_all(&converted, |c: &regex::Captures<'_>| {
                        let n = c
                            .get(1)
                            .and_then(|m| m.as_str().parse::<usize>().ok())
                            .unwrap_or(1);
                        format!("\n{} ", "#".repeat(n))
                    })
                    .into_owned();
            }
            converted = replace_all(&HTML_LI, &converted, "\n- ");
            converted = replace_all(&HTML_BREAKS, &converted, "\n");
            converted = replace_all(&HTML_CELL, &converted, " | ");
            converted = replace_all(&HTML_TAG, &converted, " ");
        }
        let converted = decode_entities(&converted);
        let pieces: Vec<&str> = converted.split('\n').collect();
        let many = pieces.len() > 1;
        for piece in pieces {
            if many && piece.trim().is_empty() {
                continue;
            }
            out.push(clean_line(
                piece,
                if many {
                    indent_width(piece).max(indent)
                } else {
                    indent
                },
            ));
        }
        for line in out.iter_mut().skip(first_new) {
            line.src = src;
        }
    }
    out
}

fn clean_line(raw: &str, indent: usize) -> Line {
    let mut line = Line {
        indent,
        ..Line::default()
    };
    let mut t = raw.trim().to_string();
    // Blockquotes.
    while let Some(rest) = t.strip_prefix('>') {
        t = rest.trim_start().to_string();
        line.quote = true;
    }
    if let Some(c) = HEADING.as_ref().and_then(|re| re.captures(&t)) {
        let level = c.get(1).map_or(1, |m| m.as_str().len());
        let body = c.get(2).map_or("", |m| m.as_str()).to_string();
        // "#1" or "#hashtag" are not headings; "###Posmortem" is.
        let looks_like_heading = !body.is_empty()
            && !body
                .starts_with(|c: char| c.is_ascii_digit() && level == 1 && !t.starts_with("# "));
        if looks_like_heading {
            line.heading = u8::try_from(level).ok();
            t = body;
        }
    }
    if line.heading.is_none() {
        // A quoted message with `|` in it is prose; a table in a quote starts with `|`.
        if t.starts_with('|')
            || (pipes_outside_code(&t) >= 2 && !t.starts_with("- ") && !line.quote)
        {
            let inner = t.trim().trim_start_matches('|').trim_end_matches('|');
            let cells: Vec<String> = inner.split('|').map(|c| clean_inline(c.trim())).collect();
            let separator = cells
                .iter()
                .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
            line.text = if separator {
                String::new()
            } else {
                cells.join(" | ")
            };
            // A separator row keeps an empty cell list so it does not end the table.
            line.cells = Some(if separator { Vec::new() } else { cells });
            return line;
        }
        if let Some(m) = LIST_MARKER.as_ref().and_then(|re| re.find(&t)) {
            // "*14:51 PST* - ..." starts with '*' but is emphasis, not a marker.
            let marker = m.as_str().trim();
            let emphasis = marker == "*"
                && t.get(m.end()..).is_some_and(|r| r.contains('*'))
                && !t.starts_with("* ");
            if !emphasis {
                line.item = true;
                t = t.get(m.end()..).unwrap_or("").to_string();
            }
        }
        if let Some(c) = TASK_BOX.as_ref().and_then(|re| re.captures(&t)) {
            line.task = Some(c.get(1).is_some_and(|m| m.as_str() != " "));
            let end = c.get(0).map_or(0, |m| m.end());
            t = t.get(end..).unwrap_or("").to_string();
        }
    }
    let stripped = t.trim();
    let inner = stripped.trim_end_matches([':', ';', '.', ' ']);
    if (inner.starts_with("**")
        && inner.ends_with("**")
        && inner.len() > 4
        && !inner.get(2..inner.len() - 2).unwrap_or("").contains("**"))
        || (inner.starts_with("__") && inner.ends_with("__") && inner.len() > 4)
    {
        line.bold = true;
    } else if (stripped.starts_with('*')
        && stripped.ends_with('*')
        && !stripped.starts_with("**")
        && stripped.len() > 2)
        || (stripped.starts_with('_')
            && stripped.ends_with('_')
            && !stripped.starts_with("__")
            && stripped.len() > 2)
    {
        line.italic = true;
    }
    line.text = clean_inline(&t);
    line
}

/// A paragraph: wrapped lines joined with spaces, and where each line starts in it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paragraph {
    pub(crate) text: String,
    /// For each joined line: its byte offset in `text` and its `src`.
    pub(crate) starts: Vec<(usize, usize)>,
}

impl Paragraph {
    /// The `src` of the line that holds byte `at`.
    pub(crate) fn src_at(&self, at: usize) -> usize {
        self.line_holding(at)
            .or(self.starts.first())
            .map_or(0, |(_, src)| *src)
    }

    /// The (offset, source line) of the line holding byte `at`; `starts` is in order.
    fn line_holding(&self, at: usize) -> Option<&(usize, usize)> {
        let after = self.starts.partition_point(|(offset, _)| *offset <= at);
        after.checked_sub(1).and_then(|i| self.starts.get(i))
    }

    /// Where the line that holds byte `at` starts in `text`.
    pub(crate) fn line_start(&self, at: usize) -> usize {
        self.line_holding(at).map_or(0, |(offset, _)| *offset)
    }

    /// This paragraph followed by `next`, with a space between.
    pub(crate) fn joined(mut self, next: Paragraph) -> Paragraph {
        let shift = self.text.len() + 1;
        self.text.push(' ');
        self.text.push_str(&next.text);
        self.starts
            .extend(next.starts.into_iter().map(|(o, src)| (o + shift, src)));
        self
    }
}

/// Joins wrapped lines into paragraphs: a list item, a heading, a table row, a field
/// (`Impact: ...`) or a line after a blank or after a label (`Duration:`) starts a new one.
pub(crate) fn paragraphs<'a>(lines: impl Iterator<Item = &'a Line>) -> Vec<String> {
    paragraphs_at(lines).into_iter().map(|p| p.text).collect()
}

/// [`paragraphs`], each with where its lines start.
pub(crate) fn paragraphs_at<'a>(lines: impl Iterator<Item = &'a Line>) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut open = false;
    for line in lines {
        if line.code || line.is_blank() || line.cells.is_some() {
            open = false;
            continue;
        }
        let text = line.text.trim();
        let field = text.find(':').is_some_and(|c| {
            let label = text.get(..c).unwrap_or("");
            !label.is_empty()
                && label.split_whitespace().count() <= 4
                && !label.chars().any(|ch| ch.is_ascii_digit())
        });
        let section_name = text.split_whitespace().count() <= 5
            && !text.ends_with(['.', ',', ';'])
            && super::sections::classify(text) != super::sections::Kind::Other;
        let starts =
            !open || line.item || line.heading.is_some() || line.bold || field || section_name;
        match out.last_mut() {
            Some(last) if !starts => {
                last.text.push(' ');
                last.starts.push((last.text.len(), line.src));
                last.text.push_str(text);
            }
            _ => out.push(Paragraph {
                text: text.to_string(),
                starts: vec![(0, line.src)],
            }),
        }
        open = !(text.ends_with(':') || line.heading.is_some() || line.bold || section_name);
    }
    out
}

/// The first sentence of `text`, at most `max` characters (cut at a word).
pub(crate) fn first_sentence(text: &str, max: usize) -> String {
    let mut end = text.len();
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        if matches!(c, '.' | '!' | '?') {
            let next = bytes.get(k + 1).map(|&(_, n)| n);
            let prev_word: String = text
                .get(..i)
                .unwrap_or("")
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            // "p.m." "e.g." "a.m." and single letters do not end a sentence.
            let abbreviation =
                prev_word.chars().count() <= 1 || prev_word == "g" || prev_word == "e";
            if next.is_none_or(char::is_whitespace) && !abbreviation {
                end = i + c.len_utf8();
                break;
            }
        }
    }
    let sentence = text.get(..end).unwrap_or(text).trim();
    truncate_words(sentence, max)
}

/// Cuts `text` to at most `max` characters at a word boundary, with an ellipsis.
pub(crate) fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches([',', ';', ':', '-', ' ']).to_string();
    format!("{out}…")
}

/// Sentences of a paragraph (split after `.`, `!`, `?` followed by a space).
pub(crate) fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?' | ';') {
            let next = chars.get(k + 1).map(|&(_, n)| n);
            let prev_word: String = text
                .get(..i)
                .unwrap_or("")
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let abbreviation = prev_word.chars().count() <= 1
                || matches!(
                    prev_word.as_str(),
                    "g" | "e" | "approx" | "vs" | "etc" | "St" | "Dr" | "Mr"
                );
            let before_digit = next.is_some_and(|n| n.is_ascii_digit());
            if next.is_none_or(char::is_whitespace) && !abbreviation && !before_digit {
                let end = i + c.len_utf8();
                out.push((start, end));
                start = end;
            }
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Relative links to other Markdown documents (`[the earlier outage](2022-02-18-proxy.md)`)
/// replaced by their text: the imported file has a new name in a new folder, so the path
/// no longer points anywhere, and the build rejects a link to a missing postmortem. Links
/// to web pages, anchors and images are kept. Returns the body and the targets unlinked.
pub(crate) fn unlink_documents(body: &str) -> (String, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut cuts: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    let mut targets = Vec::new();
    // The link being read: its whole range, its target, and the range of its text.
    let mut open: Option<(
        std::ops::Range<usize>,
        String,
        Option<std::ops::Range<usize>>,
    )> = None;
    for (event, range) in Parser::new_ext(body, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if is_document_link(&dest_url) => {
                open = Some((range, dest_url.to_string(), None));
            }
            Event::End(TagEnd::Link) => {
                if let Some((whole, target, inner)) = open.take() {
                    let inner = inner.unwrap_or(whole.start..whole.start);
                    cuts.push((whole, inner));
                    targets.push(target);
                }
            }
            _ => {
                if let Some((_, _, inner)) = open.as_mut() {
                    *inner = Some(match inner.take() {
                        Some(seen) => seen.start.min(range.start)..seen.end.max(range.end),
                        None => range,
                    });
                }
            }
        }
    }
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for (whole, inner) in cuts {
        if whole.start < at || whole.end > body.len() {
            continue;
        }
        out.push_str(&body[at..whole.start]);
        out.push_str(body.get(inner).unwrap_or_default());
        at = whole.end;
    }
    out.push_str(&body[at..]);
    (out, targets)
}

/// A link the build would resolve as a postmortem file: no scheme, not an anchor, a path
/// ending in `.md`.
fn is_document_link(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or_default();
    let has_scheme = path.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    !has_scheme && !dest.starts_with('#') && path.ends_with(".md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_indentation_are_normalised() {
        let src = normalize("    # Title\r\n\r\n    Body line\r\n        code\r\n");
        assert_eq!(src.text, "# Title\n\nBody line\n    code\n");
        assert!(src.notes.iter().any(|n| n.contains("CRLF")));
    }

    #[test]
    fn markdown_wrapper_and_mdx_preamble_are_removed() {
        let src = normalize("Sure! Here it is:\n\n```markdown\n# Title\n\nText\n```\n");
        assert_eq!(src.text, "Sure! Here it is:\n\n# Title\n\nText\n");
        let src = normalize(
            "import X from 'y'\n\nexport const post = {\n  title: 'Relay: outage',\n}\n\n## Hi\n",
        );
        assert_eq!(src.preamble_title.as_deref(), Some("Relay: outage"));
        assert_eq!(src.text, "## Hi\n");
    }

    #[test]
    fn lines_are_cleaned() {
        let ls = lines(
            "<h1>POSTMORTEM</h1>\n<li><strong>10:30 AM:</strong>Issue detected</li>\n- **14:00 UTC** - [alert](http://x) fired\n| 2:30 PM | Event |\n|---|---|\n* [x] done thing\n_5:30 PM_ – tuned\n&lt;START&gt;",
        );
        let texts: Vec<&str> = ls.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "POSTMORTEM",
                "10:30 AM: Issue detected",
                "14:00 UTC - alert fired",
                "2:30 PM | Event",
                "",
                "done thing",
                "5:30 PM – tuned",
                "<START>"
            ]
        );
        assert_eq!(ls[0].heading, Some(1));
        assert!(ls[1].item);
        assert!(ls[3].cells.is_some());
        assert_eq!(ls[5].task, Some(true));
    }

    #[test]
    fn code_fences_are_marked() {
        let ls = lines("a\n```\n12:00 log\n```\nb\n```cat x```\nc");
        let code: Vec<bool> = ls.iter().map(|l| l.code).collect();
        assert_eq!(code, [false, true, true, true, false, false, false]);
    }

    #[test]
    fn sentences_and_truncation() {
        assert_eq!(
            first_sentence("At 12:00 p.m. EAT it broke. Then fixed.", 100),
            "At 12:00 p.m. EAT it broke."
        );
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }
}
