//! Report pages of time buckets, shared by the provider admin reports
//! (OpenAI Usage/Costs API, Anthropic usage/cost report): a page is
//! `{"data": [bucket, ...], "has_more": ..., "next_page": ...}` and a bucket
//! `{"start_time" | "starting_at": ..., "results": [result, ...]}`.
//!
//! A file may hold one page, pages one per line (a paginated download), or
//! a JSON array of pages. Each result is handed to the adapter with its
//! bucket's start and reported at its own line; a bucket without results
//! and a page without buckets are `ignored` (envelopes that carry no usage).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::parse::json::{LineCursor, Val};
use crate::parse::sink::Sink;
use crate::record::{Ignored, Reason};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Page<'a> {
    #[serde(borrow)]
    data: Vec<Bucket<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Bucket<'a> {
    #[serde(borrow)]
    start_time: Val<'a>,
    #[serde(borrow)]
    starting_at: Val<'a>,
    #[serde(borrow, alias = "result")]
    results: Vec<&'a RawValue>,
}

/// The start of a bucket: OpenAI's `start_time` (Unix seconds) or
/// Anthropic's `starting_at` (RFC 3339), with the field's name.
pub type BucketStart<'a> = (Val<'a>, &'static str);

/// Calls `each(start, result, sink)` for every result of every page in
/// `doc`, after pointing the sink at the result's line.
pub fn for_each_result<'a>(
    doc: &'a [u8],
    sink: &mut dyn Sink,
    mut each: impl FnMut(BucketStart<'a>, &'a [u8], &mut dyn Sink),
) {
    let mut lines = LineCursor::new(doc);
    let mut page_of = |page: Page<'a>, lines: &mut LineCursor<'a>, sink: &mut dyn Sink| {
        if page.data.is_empty() {
            return sink.ignored(Ignored::Empty);
        }
        for bucket in page.data {
            let start = if bucket.start_time.is_some() {
                (bucket.start_time, "start_time")
            } else {
                (bucket.starting_at, "starting_at")
            };
            if bucket.results.is_empty() {
                sink.ignored(Ignored::Empty);
                continue;
            }
            for raw in bucket.results {
                let bytes = raw.get().as_bytes();
                sink.at_line(lines.line_of(bytes));
                each(start.clone(), bytes, sink);
            }
        }
    };
    if crate::parse::json::is_array_document(doc) {
        match serde_json::from_slice::<Vec<Page<'a>>>(doc) {
            Ok(pages) => pages.into_iter().for_each(|p| page_of(p, &mut lines, sink)),
            Err(e) => {
                sink.at_line(e.line() as u64);
                sink.malformed(Reason::InvalidJson);
            }
        }
        return;
    }
    for page in serde_json::Deserializer::from_slice(doc).into_iter::<Page<'a>>() {
        match page {
            Ok(p) => page_of(p, &mut lines, sink),
            Err(e) => {
                sink.at_line(e.line() as u64);
                return sink.malformed(Reason::InvalidJson);
            }
        }
    }
}
