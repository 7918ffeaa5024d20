//! SSE parsing speed (QUALITY P6): throughput on a realistic mixed stream, side by side
//! with the `sse-stream` crate, and linearity: one 8 MiB line fed in one chunk versus
//! in 1,024 chunks (the budget is at most 2× slower; a parser that re-scans the pending
//! line on every chunk is hundreds of times slower).
//!
//! Run: `cargo bench --bench sse_parse -- --warm-up-time 1 --measurement-time 3`.

use std::convert::Infallible;
use std::hint::black_box;

use bytes::Bytes;
use catalyst_tui::api::sse::{Limits, SseError, SseItem, SseParser};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt;

/// About 4 MiB of what the console really reads: provisioning events (JSON, some with
/// ANSI colours), console events with ids and types, keep-alives, a `retry:`, a few
/// multi-line and CRLF-framed events.
fn mixed_stream() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"retry: 3000\n\n");
    let mut i = 0u64;
    while out.len() < 4 << 20 {
        i += 1;
        match i % 10 {
            0 => out.extend_from_slice(b": keepalive\n\n"),
            1..=5 => out.extend_from_slice(
                format!(
                    "data: {{\"time\":\"2025-06-01T12:{:02}:{:02}Z\",\"phase\":\"tofu\",\"level\":\"info\",\
                     \"message\":\"\\u001b[0m\\u001b[1mhcloud_server.cp[{i}]: Still creating... [{}s elapsed]\\u001b[0m\"}}\n\n",
                    (i / 60) % 60,
                    i % 60,
                    i % 300
                )
                .as_bytes(),
            ),
            6 | 7 => out.extend_from_slice(
                format!(
                    "id: {i}\nevent: application.updated\ndata: {{\"name\":\"shop-{i}\",\"environment\":\"acme-prod\",\
                     \"org\":\"acme\",\"status\":\"running\",\"pods\":{{\"ready\":3,\"total\":3}},\"revision\":{i}}}\n\n"
                )
                .as_bytes(),
            ),
            8 => out.extend_from_slice(
                format!(
                    "id: {i}\r\nevent: operation.progress\r\ndata: {{\"operation_id\":\"op-{i}\",\"percent\":{}}}\r\n\r\n",
                    i % 100
                )
                .as_bytes(),
            ),
            _ => out.extend_from_slice(
                format!("data: line one of {i}\ndata: line two\ndata: line three\n\n").as_bytes(),
            ),
        }
    }
    out
}

fn parse_ours(input: &[u8], chunk: usize, limits: Limits) -> Result<usize, SseError> {
    let mut parser = SseParser::new(limits);
    let mut events = 0;
    for piece in input.chunks(chunk) {
        parser.feed(piece)?;
        events += parser
            .drain()
            .filter(|item| matches!(item, SseItem::Event(_)))
            .count();
    }
    parser.finish();
    Ok(events)
}

fn parse_sse_stream(input: &[u8], chunk: usize) -> usize {
    let pieces: Vec<Result<Bytes, Infallible>> = input
        .chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let stream = sse_stream::SseByteStream::new(futures::stream::iter(pieces));
    futures::executor::block_on(
        stream
            .filter(|b| futures::future::ready(matches!(b, Ok(s) if s.data.is_some())))
            .count(),
    )
}

fn throughput(c: &mut Criterion) {
    let input = mixed_stream();
    let ours = parse_ours(&input, 16 * 1024, Limits::default());
    assert_eq!(ours.ok(), Some(parse_sse_stream(&input, 16 * 1024)));
    let mut group = c.benchmark_group("mixed_4MiB");
    group.throughput(Throughput::Bytes(input.len() as u64));
    for chunk in [16 * 1024, 1024] {
        group.bench_with_input(BenchmarkId::new("ours", chunk), &chunk, |b, &chunk| {
            b.iter(|| parse_ours(black_box(&input), chunk, Limits::default()));
        });
        group.bench_with_input(
            BenchmarkId::new("sse-stream", chunk),
            &chunk,
            |b, &chunk| {
                b.iter(|| parse_sse_stream(black_box(&input), chunk));
            },
        );
    }
    group.finish();
}

fn linearity(c: &mut Criterion) {
    const LINE: usize = 8 << 20;
    let mut input = b"data: ".to_vec();
    input.resize(LINE, b'x');
    input.extend_from_slice(b"\n\n");
    let limits = Limits {
        max_line: 16 << 20,
        max_event: 16 << 20,
    };
    assert_eq!(parse_ours(&input, input.len(), limits).ok(), Some(1));
    assert_eq!(parse_ours(&input, LINE / 1024, limits).ok(), Some(1));
    let mut group = c.benchmark_group("line_8MiB");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.sample_size(20);
    for chunks in [1usize, 1024] {
        let chunk = input.len().div_ceil(chunks);
        group.bench_with_input(BenchmarkId::new("chunks", chunks), &chunk, |b, &chunk| {
            b.iter(|| parse_ours(black_box(&input), chunk, limits));
        });
    }
    group.finish();
}

criterion_group!(benches, throughput, linearity);
criterion_main!(benches);
