//! Fuzz target of the SSE parser: any bytes, in any chunking, under tight and default
//! caps. It must never panic, and chunking must never change the items, whether the
//! stream failed, or the last event id.

#![no_main]

use catalyst_tui::api::sse::{Limits, SseItem, SseParser};
use libfuzzer_sys::fuzz_target;

/// Items, whether a cap tripped, and the last event id.
type Outcome = (Vec<SseItem>, bool, Option<String>);

fn run(limits: Limits, input: &[u8], chunk: usize) -> Outcome {
    let mut parser = SseParser::new(limits);
    let mut items = Vec::new();
    let mut failed = false;
    for piece in input.chunks(chunk.max(1)) {
        if parser.feed(piece).is_err() {
            failed = true;
            break;
        }
        items.extend(parser.drain());
    }
    items.extend(parser.drain());
    if !failed {
        parser.finish();
    }
    (items, failed, parser.last_event_id().map(str::to_owned))
}

fuzz_target!(|data: &[u8]| {
    let Some((&seed, input)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(seed % 17) + 1;
    let tight = Limits {
        max_line: usize::from(seed % 64) + 1,
        max_event: usize::from(seed / 4) + 1,
    };
    for limits in [Limits::default(), tight] {
        let whole = run(limits, input, input.len());
        let pieces = run(limits, input, chunk);
        // Which cap trips first may depend on chunking; whether one trips may not.
        assert_eq!(whole, pieces);
    }
});
