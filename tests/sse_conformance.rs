//! The SSE parser against the WHATWG examples and each rule of QUALITY R1, and its caps
//! (R2). Every case is also fed one byte at a time: chunking must not matter.

use catalyst_tui::api::sse::{Limits, Oversize, SseError, SseEvent, SseItem, SseParser};

fn feed_with(limits: Limits, input: &[u8], chunk: usize) -> (Vec<SseItem>, Option<SseError>) {
    let mut parser = SseParser::new(limits);
    let mut items = Vec::new();
    let mut error = None;
    for piece in input.chunks(chunk.max(1)) {
        if let Err(e) = parser.feed(piece) {
            error = Some(e);
            break;
        }
        items.extend(parser.drain());
    }
    items.extend(parser.drain());
    if error.is_none() {
        parser.finish();
        items.extend(parser.drain());
    }
    (items, error)
}

/// Parses `input` whole and byte by byte, asserts both agree, returns the items.
fn parse(input: &[u8]) -> Vec<SseItem> {
    let (whole, err) = feed_with(Limits::default(), input, usize::MAX);
    assert_eq!(err, None);
    for chunk in [1, 2, 3, 7] {
        let (pieces, err) = feed_with(Limits::default(), input, chunk);
        assert_eq!(err, None);
        assert_eq!(pieces, whole, "chunks of {chunk} bytes disagree");
    }
    whole
}

fn events(input: &[u8]) -> Vec<SseEvent> {
    parse(input)
        .into_iter()
        .filter_map(|i| match i {
            SseItem::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn ev(event: &str, data: &str, id: Option<&str>) -> SseEvent {
    SseEvent {
        event: event.to_owned(),
        data: data.to_owned(),
        id: id.map(str::to_owned),
    }
}

fn msg(data: &str) -> SseEvent {
    ev("message", data, None)
}

// --- The examples of the HTML standard, section "Server-sent events" ---

#[test]
fn whatwg_stock_ticker_joins_data_lines() {
    assert_eq!(
        events(b"data: YHOO\ndata: +2\ndata: 10\n\n"),
        [msg("YHOO\n+2\n10")]
    );
}

#[test]
fn whatwg_test_stream_ids_and_leading_space() {
    let input = b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n";
    assert_eq!(
        parse(input),
        [
            SseItem::Comment,
            SseItem::Event(ev("message", "first event", Some("1"))),
            SseItem::Event(msg("second event")),
            SseItem::Event(msg(" third event")),
        ]
    );
}

#[test]
fn whatwg_empty_data_fields() {
    // "data" without colon is an empty value; two of them make a single LF; the last
    // block has no blank line and is never dispatched.
    assert_eq!(events(b"data\n\ndata\ndata\n\ndata:"), [msg(""), msg("\n")]);
}

#[test]
fn whatwg_one_space_is_optional() {
    assert_eq!(
        events(b"data:test\n\ndata: test\n\n"),
        [msg("test"), msg("test")]
    );
}

#[test]
fn whatwg_event_types() {
    let input =
        b"event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n";
    assert_eq!(
        events(input),
        [
            ev("add", "73857293", None),
            ev("remove", "2153", None),
            ev("add", "113411", None)
        ]
    );
}

// --- R1, rule by rule ---

#[test]
fn one_leading_bom_is_stripped() {
    assert_eq!(events(b"\xEF\xBB\xBFdata: a\n\n"), [msg("a")]);
    // A second BOM is part of the first field's name, which is then unknown.
    assert_eq!(
        events(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n"),
        [msg("b")]
    );
    // A BOM later in the stream is content.
    assert_eq!(events(b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"), [msg("a")]);
}

#[test]
fn a_bom_split_across_chunks_is_still_stripped() {
    let mut parser = SseParser::default();
    for piece in [&b"\xEF"[..], b"", b"\xBB", b"\xBF", b"data: a\n\n"] {
        parser.feed(piece).unwrap();
    }
    assert_eq!(
        parser.drain().collect::<Vec<_>>(),
        [SseItem::Event(msg("a"))]
    );
}

#[test]
fn a_partial_bom_is_content_not_lost() {
    // Two BOM bytes then a field: the bytes belong to the field name (lossy UTF-8).
    assert_eq!(events(b"\xEF\xBBdata: a\n\ndata: b\n\n"), [msg("b")]);
    assert_eq!(events(b"\xEF\xBB\n\ndata: b\n\n"), [msg("b")]);
}

#[test]
fn cr_lf_and_crlf_all_end_lines() {
    for input in [
        &b"data: a\ndata: b\n\n"[..],
        b"data: a\rdata: b\r\r",
        b"data: a\r\ndata: b\r\n\r\n",
        b"data: a\rdata: b\n\r\n",
    ] {
        assert_eq!(events(input), [msg("a\nb")], "{input:?}");
    }
}

#[test]
fn a_cr_ending_one_chunk_and_a_lf_starting_the_next_are_one_line_end() {
    let mut parser = SseParser::default();
    parser.feed(b"data: a\r").unwrap();
    parser.feed(b"\ndata: b\r").unwrap();
    parser.feed(b"\n\r").unwrap();
    parser.feed(b"\n").unwrap();
    assert_eq!(
        parser.drain().collect::<Vec<_>>(),
        [SseItem::Event(msg("a\nb"))]
    );
    // CR then CR is two line ends: the second one dispatches.
    let mut parser = SseParser::default();
    parser.feed(b"data: a\r").unwrap();
    parser.feed(b"\r").unwrap();
    assert_eq!(
        parser.drain().collect::<Vec<_>>(),
        [SseItem::Event(msg("a"))]
    );
}

#[test]
fn comments_are_reported_but_carry_nothing() {
    assert_eq!(
        parse(b": keepalive\n:\ndata: x\n: inside an event\n\n"),
        [
            SseItem::Comment,
            SseItem::Comment,
            SseItem::Comment,
            SseItem::Event(msg("x"))
        ]
    );
}

#[test]
fn a_field_without_colon_has_an_empty_value() {
    assert_eq!(events(b"event\ndata\n\n"), [msg("")]);
    assert_eq!(events(b"event: x\nevent\ndata: a\n\n"), [msg("a")]);
}

#[test]
fn only_one_space_after_the_colon_is_stripped() {
    assert_eq!(events(b"data:   three\n\n"), [msg("  three")]);
    assert_eq!(events(b"data:\tx\n\n"), [msg("\tx")]);
    assert_eq!(events(b"data: a:b: c\n\n"), [msg("a:b: c")]);
}

#[test]
fn field_names_are_exact() {
    assert_eq!(events(b"Data: x\ndata : y\ndata: z\n\n"), [msg("z")]);
    assert_eq!(events(b"foo: bar\ndata: z\n\n"), [msg("z")]);
}

#[test]
fn an_id_containing_nul_is_ignored() {
    assert_eq!(
        events(b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"),
        [ev("message", "a", Some("1")), ev("message", "b", Some("1"))]
    );
}

#[test]
fn the_id_persists_until_changed_or_cleared() {
    assert_eq!(
        events(b"id: 7\ndata: a\n\ndata: b\n\nid:\ndata: c\n\n"),
        [
            ev("message", "a", Some("7")),
            ev("message", "b", Some("7")),
            msg("c")
        ]
    );
}

#[test]
fn the_last_event_id_changes_only_on_dispatch() {
    let mut parser = SseParser::default();
    parser.feed(b"id: 1\n\nid: 2\ndata: x\n").unwrap();
    assert_eq!(parser.last_event_id(), Some("1"));
    parser.feed(b"\n").unwrap();
    assert_eq!(parser.last_event_id(), Some("2"));
    // The stream ends inside an event: its id never became the last event id.
    parser.feed(b"id: 3\ndata: y\n").unwrap();
    parser.finish();
    assert_eq!(parser.last_event_id(), Some("2"));
}

#[test]
fn a_seeded_last_event_id_is_carried_by_events() {
    let mut parser = SseParser::default();
    parser.set_last_event_id("41");
    parser.feed(b"data: a\n\nid: 42\ndata: b\n\n").unwrap();
    let ids: Vec<_> = parser
        .drain()
        .filter_map(|i| match i {
            SseItem::Event(e) => e.id,
            _ => None,
        })
        .collect();
    assert_eq!(ids, ["41", "42"]);
}

#[test]
fn retry_only_when_all_ascii_digits() {
    assert_eq!(
        parse(b"retry: 3000\nretry: 10a\nretry: -1\nretry:  5\nretry\nretry: 1.5\nretry:0\n\n"),
        [SseItem::Retry(3000), SseItem::Retry(0)]
    );
    assert_eq!(parse("retry: ３\n".as_bytes()), []);
}

#[test]
fn the_event_type_resets_after_each_dispatch() {
    assert_eq!(
        events(b"event: a\ndata: 1\n\ndata: 2\n\nevent: b\n\ndata: 3\n\n"),
        [ev("a", "1", None), msg("2"), msg("3")]
    );
}

#[test]
fn blank_lines_without_data_dispatch_nothing() {
    assert_eq!(parse(b"\n\n\r\n\r\revent: x\n\nid: 5\n\n"), []);
}

#[test]
fn an_unfinished_event_at_end_of_stream_is_dropped() {
    assert_eq!(events(b"data: a\n\ndata: b\n"), [msg("a")]);
    assert_eq!(events(b"data: a\n\ndata: b"), [msg("a")]);
    let mut parser = SseParser::default();
    parser.feed(b"data: half").unwrap();
    parser.finish();
    parser.feed(b"data: fresh\n\n").unwrap();
    assert_eq!(
        parser.drain().collect::<Vec<_>>(),
        [SseItem::Event(msg("fresh"))]
    );
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    assert_eq!(
        events(b"data: caf\xC3\n\nevent: \xFF\ndata: \xE2\x82\xAC\n\n"),
        [msg("caf\u{FFFD}"), ev("\u{FFFD}", "\u{20AC}", None)]
    );
    assert_eq!(
        events(b"id: \xFF\ndata: x\n\n"),
        [ev("message", "x", Some("\u{FFFD}"))]
    );
}

#[test]
fn multibyte_characters_split_across_chunks_survive() {
    let input = "data: żółw 🐢\n\n".as_bytes();
    for chunk in 1..input.len() {
        let (items, _) = feed_with(Limits::default(), input, chunk);
        assert_eq!(items, [SseItem::Event(msg("żółw 🐢"))]);
    }
}

#[test]
fn the_provisioning_stream_framing() {
    let input = b"data: {\"time\":\"2025-01-01T00:00:00Z\",\"phase\":\"tofu-init\",\"level\":\"info\",\"message\":\"init\"}\n\n\
event: done\ndata: {\"id\":\"0123456789abcdef\",\"status\":\"ready\"}\n\n";
    let evs = events(input);
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[0].event, "message");
    assert_eq!(evs[1].event, "done");
    assert!(evs[1].data.contains("\"ready\""));
}

#[test]
fn the_console_stream_framing() {
    let input = b"retry: 3000\n\n: keepalive\n\nid: 17\nevent: application.updated\ndata: {\"name\":\"shop\"}\n\n\
id: 18\nevent: reset\ndata: {}\n\n";
    assert_eq!(
        parse(input),
        [
            SseItem::Retry(3000),
            SseItem::Comment,
            SseItem::Event(ev("application.updated", "{\"name\":\"shop\"}", Some("17"))),
            SseItem::Event(ev("reset", "{}", Some("18"))),
        ]
    );
}

// --- R2: caps ---

fn small() -> Limits {
    Limits {
        max_line: 16,
        max_event: 32,
    }
}

#[test]
fn lines_and_events_up_to_the_caps_pass() {
    let line = format!("data: {}\n\n", "x".repeat(10)); // 16-byte line
    let (items, err) = feed_with(small(), line.as_bytes(), usize::MAX);
    assert_eq!(err, None);
    assert_eq!(items.len(), 1);
    // The data buffer holds 11 + 11 + 10 = 32 bytes, the LF removed at dispatch included.
    let input = b"data: 0123456789\ndata: 0123456789\ndata: 012345678\n\n";
    let (items, err) = feed_with(small(), input, usize::MAX);
    assert_eq!(err, None, "{items:?}");
}

#[test]
fn a_line_over_its_cap_stops_the_stream() {
    let input = format!("data: ok\n\ndata: {}\n\n", "x".repeat(11));
    for chunk in [usize::MAX, 1, 5] {
        let (items, err) = feed_with(small(), input.as_bytes(), chunk);
        assert_eq!(items, [SseItem::Event(msg("ok"))]);
        assert_eq!(
            err,
            Some(SseError::TooLarge {
                what: Oversize::Line,
                limit: 16
            })
        );
    }
    // Any field, not only data.
    let (_, err) = feed_with(small(), format!("id: {}\n", "9".repeat(20)).as_bytes(), 3);
    assert!(matches!(
        err,
        Some(SseError::TooLarge {
            what: Oversize::Line,
            ..
        })
    ));
}

#[test]
fn an_event_over_its_cap_stops_the_stream() {
    let input = b"data: 0123456789\ndata: 0123456789\ndata: 0123456789\n\n";
    for chunk in [usize::MAX, 1, 4] {
        let (_, err) = feed_with(small(), input, chunk);
        assert_eq!(
            err,
            Some(SseError::TooLarge {
                what: Oversize::Event,
                limit: 32
            })
        );
    }
}

#[test]
fn an_unterminated_flood_fails_as_soon_as_it_passes_the_cap() {
    let limits = Limits {
        max_line: 1024,
        max_event: 1024,
    };
    for prefix in [&b"data: "[..], b": ", b"event: ", b""] {
        let mut parser = SseParser::new(limits);
        parser.feed(prefix).unwrap();
        let mut fed = prefix.len();
        let err = loop {
            match parser.feed(&[b'x'; 100]) {
                Ok(()) => fed += 100,
                Err(e) => break e,
            }
            assert!(fed <= 1024, "buffered past the cap");
        };
        assert!(matches!(err, SseError::TooLarge { limit: 1024, .. }));
        // The parser stays failed and says the same thing.
        assert_eq!(parser.feed(b"\n\n"), Err(err));
    }
}

#[test]
fn the_cap_error_reads_well() {
    let err = SseError::TooLarge {
        what: Oversize::Line,
        limit: 1_048_576,
    };
    assert_eq!(
        err.to_string(),
        "the server sent an event-stream line larger than 1048576 bytes; \
         the stream was stopped to keep memory bounded"
    );
}

#[test]
fn a_huge_line_within_raised_caps_is_parsed_across_many_chunks() {
    let limits = Limits {
        max_line: 4 << 20,
        max_event: 4 << 20,
    };
    let payload = "y".repeat(3 << 20);
    let input = format!("data: {payload}\n\n");
    let (items, err) = feed_with(limits, input.as_bytes(), 4096);
    assert_eq!(err, None);
    assert_eq!(items, [SseItem::Event(msg(&payload))]);
}
