//! Decode a 1,000-event System Log page into lockouts: the work of one full poll.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use accessdesk::idp::okta::logs::decode_page;

/// A 1,000-event page built from the real lock event sample (`../shared` beside the repo).
fn page() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/specs/samples/panther-user.account.lock.okta-shape.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; ../shared must sit beside the repository"));
    let sample: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            let mut e = sample.clone();
            e["uuid"] = format!("{i:08x}-0000-4000-8000-000000000000").into();
            e["actor"]["alternateId"] = format!("user{i}@example.com").into();
            if i % 3 == 0 {
                e["eventType"] = "user.session.start".into();
            }
            e
        })
        .collect();
    serde_json::to_vec(&events).unwrap()
}

fn bench(c: &mut Criterion) {
    let json = page();
    let now = chrono::Utc::now();
    let mut group = c.benchmark_group("log_page");
    group.throughput(Throughput::Elements(1000));
    group.bench_function("decode_1000_events", |b| {
        b.iter(|| {
            let events = decode_page(black_box(&json)).unwrap();
            let lockouts: Vec<_> = events
                .into_iter()
                .filter_map(|e| e.into_lockout(now))
                .collect();
            assert_eq!(lockouts.len(), 1000);
            lockouts
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
