//! Property tests of the SSE parser: chunking never changes the result (QUALITY R1),
//! caps hold whatever the input, and on valid streams our parser agrees with the
//! independent `sse-stream` crate.

// Test helpers fail loudly, like the tests that call them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::convert::Infallible;

use bytes::Bytes;
use catalyst_tui::api::sse::{Limits, SseEvent, SseItem, SseParser};
use futures::StreamExt;
use proptest::prelude::*;

/// Items and whether the stream failed, feeding `input` split at `cuts`.
fn run(limits: Limits, input: &[u8], cuts: &[usize]) -> (Vec<SseItem>, bool, Option<String>) {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    cuts.sort_unstable();
    let mut parser = SseParser::new(limits);
    let mut items = Vec::new();
    let mut start = 0;
    let mut failed = false;
    for end in cuts.into_iter().chain([input.len()]) {
        if parser.feed(&input[start..end]).is_err() {
            failed = true;
            break;
        }
        items.extend(parser.drain());
        start = end;
    }
    items.extend(parser.drain());
    if !failed {
        parser.finish();
    }
    (items, failed, parser.last_event_id().map(str::to_owned))
}

/// Byte soup biased towards what matters to the grammar.
fn stream_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"data".to_vec()),
        Just(b"data:".to_vec()),
        Just(b"data: ".to_vec()),
        Just(b"event:".to_vec()),
        Just(b"id:".to_vec()),
        Just(b"retry:".to_vec()),
        Just(b":".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xEF\xBB".to_vec()),
        Just(b"\x00".to_vec()),
        Just("é🐢".as_bytes().to_vec()),
        Just(b"42".to_vec()),
        prop::collection::vec(any::<u8>(), 1..6),
        "[a-z]{1,8}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(token, 0..80).prop_map(|t| t.concat())
}

fn with_cuts(
    bytes: impl Strategy<Value = Vec<u8>>,
) -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    bytes.prop_flat_map(|b| {
        let len = b.len();
        (Just(b), prop::collection::vec(0..=len, 0..24))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_chunking_gives_the_same_items((input, cuts) in with_cuts(stream_bytes())) {
        let whole = run(Limits::default(), &input, &[]);
        let pieces = run(Limits::default(), &input, &cuts);
        prop_assert_eq!(&pieces, &whole);
        let bytewise: Vec<usize> = (0..input.len()).collect();
        prop_assert_eq!(run(Limits::default(), &input, &bytewise), whole);
    }

    #[test]
    fn caps_hold_whatever_the_chunking((input, cuts) in with_cuts(stream_bytes())) {
        let limits = Limits { max_line: 12, max_event: 20 };
        let (items, failed, _) = run(limits, &input, &[]);
        let (chunked_items, chunked_failed, _) = run(limits, &input, &cuts);
        prop_assert_eq!(failed, chunked_failed);
        prop_assert_eq!(&chunked_items, &items);
        for item in items {
            if let SseItem::Event(e) = item {
                prop_assert!(e.data.len() <= 20 * 3, "data far beyond the cap: {}", e.data.len());
            }
        }
    }
}

// --- Agreement with sse-stream on valid streams ---

#[derive(Debug, Clone)]
enum Line {
    Data(String),
    DataNoSpace(String),
    DataNoColon,
    Event(String),
    Id(String),
    Retry(String),
    Comment(String),
    Unknown(String, String),
}

fn value() -> impl Strategy<Value = String> {
    "[a-z0-9 :é🐢\u{0}]{0,10}"
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        4 => value().prop_map(Line::Data),
        1 => value().prop_map(Line::DataNoSpace),
        1 => Just(Line::DataNoColon),
        1 => "[a-z.]{0,8}".prop_map(Line::Event),
        1 => value().prop_map(Line::Id),
        1 => prop_oneof!["[0-9]{1,6}", "[0-9a ]{1,4}", Just("99999999999999999999999".to_owned())]
            .prop_map(Line::Retry),
        1 => value().prop_map(Line::Comment),
        1 => ("[a-z]{1,6}", value()).prop_map(|(n, v)| Line::Unknown(n, v)),
    ]
}

fn line_end() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r"), Just("\r\n")]
}

/// Blocks of lines, each ended by a blank line; at most one `retry` per block, since
/// sse-stream reports only the last one of a block. A blank line never starts with LF
/// right after a CR, where it would merge into a CRLF and join two blocks.
fn valid_stream() -> impl Strategy<Value = String> {
    let block = (
        prop::collection::vec((line(), line_end()), 0..6),
        line_end(),
    );
    (any::<bool>(), prop::collection::vec(block, 0..12)).prop_map(|(bom, blocks)| {
        let mut out = String::new();
        if bom {
            out.push('\u{FEFF}');
        }
        for (lines, mut blank) in blocks {
            let mut retried = false;
            for (line, end) in lines {
                let text = match line {
                    Line::Data(v) => format!("data: {v}"),
                    Line::DataNoSpace(v) => format!("data:{v}"),
                    Line::DataNoColon => "data".to_owned(),
                    Line::Event(v) => format!("event: {v}"),
                    Line::Id(v) => format!("id: {v}"),
                    Line::Retry(_) if retried => continue,
                    Line::Retry(v) => {
                        retried = true;
                        format!("retry: {v}")
                    }
                    Line::Comment(v) => format!(":{v}"),
                    Line::Unknown(n, v) => format!("{n}x: {v}"),
                };
                out.push_str(&text);
                out.push_str(end);
            }
            if out.ends_with('\r') && blank == "\n" {
                blank = "\r";
            }
            out.push_str(blank);
        }
        out
    })
}

/// sse-stream's blocks turned into our items: it neither inherits ids across blocks
/// nor defaults the event type, and reports a block's `retry` with the block.
fn oracle(input: &str) -> Vec<SseItem> {
    let body = futures::stream::iter([Ok::<_, Infallible>(Bytes::from(input.to_owned()))]);
    let blocks: Vec<sse_stream::Sse> = futures::executor::block_on(
        sse_stream::SseByteStream::new(body)
            .map(|b| b.expect("sse-stream rejected a valid stream"))
            .collect(),
    );
    let mut id: Option<String> = None;
    let mut items = Vec::new();
    for block in blocks {
        if let Some(new_id) = block.id {
            id = Some(new_id).filter(|i| !i.is_empty());
        }
        if let Some(ms) = block.retry {
            items.push(SseItem::Retry(ms));
        }
        if let Some(data) = block.data {
            items.push(SseItem::Event(SseEvent {
                event: block
                    .event
                    .filter(|e| !e.is_empty())
                    .unwrap_or_else(|| "message".to_owned()),
                data,
                id: id.clone(),
            }));
        }
    }
    items
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn agrees_with_sse_stream_on_valid_streams(input in valid_stream(), cuts in prop::collection::vec(0..4096usize, 0..12)) {
        let (ours, failed, _) = run(Limits::default(), input.as_bytes(), &cuts);
        prop_assert!(!failed);
        let ours: Vec<SseItem> = ours.into_iter().filter(|i| *i != SseItem::Comment).collect();
        prop_assert_eq!(ours, oracle(&input));
    }
}

#[test]
fn the_oracle_sees_events() {
    // Guards the comparison itself: an oracle that saw nothing would agree vacuously.
    let items = oracle("id: 1\ndata: a\n\nretry: 5\nevent: x\ndata: b\n\n");
    assert_eq!(items.len(), 3);
}
