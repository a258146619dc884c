//! How deep the elements of an HTML fragment nest, counted with html5ever's tokenizer
//! (linear), before the sanitiser builds a tree: html5ever's tree builder checks the stack
//! of open elements at each tag, so a body of `<ul><li>` × 80,000 took 74 s.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Raw HTML may nest at most this many elements (Markdown's own nesting is flattened past
/// 100 levels, a few elements each, long before).
pub(crate) const MAX_HTML_DEPTH: usize = 1_000;

/// Elements that never hold others, or whose end tag the parser supplies when a sibling
/// starts (`<li>`, `<p>`): they are not counted, so a list of unclosed items is flat.
const UNCOUNTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc",
    "thead", "tbody", "tfoot", "colgroup", "html", "head", "body",
];

#[derive(Default)]
struct DepthSink {
    depth: Cell<usize>,
    deepest: Cell<usize>,
    /// Open counted elements by name: an end tag closes one only if one is open, so
    /// misnested tags (`<b>x</i>`) still count as the nesting they make.
    open: RefCell<HashMap<String, usize>>,
}

impl TokenSink for DepthSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(Tag {
            kind,
            name,
            self_closing,
            ..
        }) = token
        {
            let name: &str = &name;
            if UNCOUNTED.contains(&name) {
                return TokenSinkResult::Continue;
            }
            let mut open = self.open.borrow_mut();
            match kind {
                TagKind::StartTag if !self_closing => {
                    *open.entry(name.to_string()).or_default() += 1;
                    self.depth.set(self.depth.get() + 1);
                    self.deepest.set(self.deepest.get().max(self.depth.get()));
                }
                TagKind::EndTag => {
                    if let Some(count) = open.get_mut(name).filter(|c| **c > 0) {
                        *count -= 1;
                        self.depth.set(self.depth.get().saturating_sub(1));
                    }
                }
                TagKind::StartTag => {}
            }
        }
        TokenSinkResult::Continue
    }
}

/// The deepest nesting of counted elements in `html` (see [`UNCOUNTED`]).
pub(crate) fn deepest(html: &str) -> usize {
    let tokenizer = Tokenizer::new(DepthSink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.deepest.get()
}

#[cfg(test)]
mod tests {
    use super::deepest;

    #[test]
    fn nesting_is_counted_and_flat_or_misnested_tags_are_read_as_a_parser_would_nest_them() {
        assert_eq!(deepest("<div><div><span>x</span></div></div>"), 3);
        assert_eq!(deepest("<ul><li>a<li>b<li>c</ul>"), 1);
        assert_eq!(deepest(&"<p>x".repeat(100)), 0);
        assert_eq!(deepest(&"<b>x</i>".repeat(50)), 50);
        assert_eq!(deepest(&"<ul><li>".repeat(50)), 50);
        assert_eq!(deepest("<br><img src=x><hr/>"), 0);
    }
}
