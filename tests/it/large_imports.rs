//! The importer on freeform documents shaped to make it slow (issue 22, class 6): a million
//! blank lines, a date on every line, one paragraph of thousands of times, and the shapes
//! around them that each once made every mention re-read its whole paragraph (a stated
//! zone, spans, labels, durations, wrapped lines, timeline entries, prose dates, an
//! incident per section). Each runs on 1× and 8× the input in one process, and 8× may
//! cost at most `MAX_RATIO` times as much (quadratic is 64×).

use crate::large_inputs::{assert_linear, hints, import_len};

/// `00:00`, `00:01`, ... for the `i`th mention.
fn clock(i: usize) -> String {
    format!("{:02}:{:02}", i / 60 % 24, i % 60)
}

/// One shape: its name and the document for `n` units of it.
type Shape = (&'static str, fn(usize) -> String);

const SHAPES: &[Shape] = &[
    ("blank lines", |n| {
        format!("# Outage\n{}The database failed.\n", "\n".repeat(n * 60))
    }),
    ("a date on every line", |n| {
        let lines: String = (0..n)
            .map(|i| format!("2024-05-{:02}\n", i % 28 + 1))
            .collect();
        format!("# Outage\n\n{lines}")
    }),
    ("one paragraph of times", |n| {
        let words: Vec<String> = (0..n).map(|i| format!("{} event.", clock(i))).collect();
        format!("# Outage\n\n## Summary\n\n{}\n", words.join(" "))
    }),
    ("one sentence of zoned times", |n| {
        let words: Vec<String> = (0..n)
            .map(|i| format!("on 2024-05-01 at {} UTC it broke,", clock(i)))
            .collect();
        format!("# Outage\n\n## Summary\n\n{}\n", words.join(" "))
    }),
    ("one sentence of spans", |n| {
        let words: Vec<String> = (0..n)
            .map(|i| format!("between {} and {},", clock(i), clock(i + 1)))
            .collect();
        format!("# Outage\n\n## Summary\n\n{}\n", words.join(" "))
    }),
    ("a paragraph wrapped on every time", |n| {
        let lines: String = (0..n).map(|i| format!("{} event\n", clock(i))).collect();
        format!("# Outage\n\n## Summary\n\n{lines}")
    }),
    ("a time label on every line", |n| {
        let lines: String = (0..n)
            .map(|i| format!("Start time: {} UTC\n", clock(i)))
            .collect();
        format!("# Outage\n\n{lines}")
    }),
    ("one paragraph of durations", |n| {
        let words: Vec<String> = (0..n)
            .map(|i| format!("It lasted {} minutes.", i % 50 + 1))
            .collect();
        format!("# Outage\n\n## Summary\n\n{}\n", words.join(" "))
    }),
    ("one paragraph of prose dates", |n| {
        let words: Vec<String> = (0..n)
            .map(|i| format!("On May {}, 2024 it broke.", i % 28 + 1))
            .collect();
        format!("# Outage\n\n## Summary\n\n{}\n", words.join(" "))
    }),
    ("a timeline entry on every line", |n| {
        let lines: String = (0..n)
            .map(|i| format!("- {} UTC the event happened\n", clock(i)))
            .collect();
        format!("# Outage\n\nOn 2024-05-01 it broke.\n\n## Timeline\n\n{lines}")
    }),
    ("a table row with a date in every cell", |n| {
        let cells: Vec<String> = (0..n)
            .map(|i| format!("2024-05-{:02}", i % 28 + 1))
            .collect();
        let header = vec!["Date"; n].join(" | ");
        let rule = vec!["---"; n].join(" | ");
        format!(
            "# Outage\n\n## Summary\n\n| {header} |\n| {rule} |\n| {} |\n",
            cells.join(" | ")
        )
    }),
];

#[test]
fn the_importer_reads_every_adversarial_shape_in_linear_time() {
    let hints = hints();
    for (name, document) in SHAPES {
        let units = 600;
        assert_linear(
            &format!("import of {name}"),
            &document(units),
            &document(8 * units),
            |t| import_len(t, &hints),
        );
    }
}

/// Each incident of a document is read with the document's opening and closing, so the
/// sections are what grows here: 40 incidents (numbers go to 99), each with more lines.
#[test]
fn a_document_of_many_incidents_imports_in_linear_time() {
    let hints = hints();
    let document = |lines: usize| {
        let sections: String = (0..40)
            .map(|i| {
                let body: String = (0..lines)
                    .map(|k| format!("At {} UTC the queue grew.\n", clock(k)))
                    .collect();
                format!("## Incident {i}\n\nOn 2024-05-01 at 10:00 UTC it broke.\n{body}\n")
            })
            .collect();
        format!("# Outages\n\n{sections}")
    };
    assert_linear(
        "import of 40 incidents",
        &document(10),
        &document(80),
        |t| import_len(t, &hints),
    );
}
