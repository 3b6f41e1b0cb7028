//! What `a` costs: open the audit log, check the hash chain and read the newest records, for
//! logs of a shift, a year and several years. Opening checks from the stored checkpoint
//! (`open_*`: the same cost at any size); `V` and `audit verify` walk every record
//! (`full_*`: grows with the log). The dashboard does both on a blocking thread, so the
//! figure is how long the agent waits for the screen, not a stall of the loop.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use accessdesk::audit::{AuditEntry, AuditLog, Evidence, Outcome};
use accessdesk::tui::audit_view::AUDIT_SHOWN;

/// A log of `records` unlocks, each with a push as evidence.
fn log_with(records: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
    let start = chrono::Utc::now() - chrono::Duration::days(365);
    for i in 0..records {
        let time = start + chrono::Duration::minutes(i as i64);
        let mut entry = AuditEntry::new(time, "agent.smith", "unlock", Outcome::Succeeded);
        entry.target_id = Some(format!("00u{i:017}"));
        entry.target_login = Some(format!("user{i}@example.com"));
        entry.ticket = Some(format!("INC{:07}", i % 10_000_000));
        entry.checklist = vec!["identity".into(), "callback".into()];
        entry.evidence = vec![Evidence {
            kind: "push".into(),
            subject_login: entry.target_login.clone(),
            factor_id: Some("opf1".into()),
            transaction_id: Some(format!("v2mst.{i}")),
            result: "SUCCESS".into(),
            at: Some(time),
        }];
        log.append(&entry).unwrap();
    }
    dir
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("audit_screen");
    group.sample_size(10);
    for records in [1_000, 20_000, 100_000] {
        let dir = log_with(records);
        let path = AuditLog::default_path(dir.path());
        // The first visit walks everything and leaves the checkpoint the others start at.
        let first = AuditLog::open(&path).unwrap().verify().unwrap();
        assert!(first.is_intact());
        group.bench_function(format!("open_{records}"), |b| {
            b.iter_batched(
                || path.clone(),
                |path| {
                    let log = AuditLog::open(&path).unwrap();
                    let report = log.verify_from_checkpoint().unwrap();
                    let recent = log.newest(AUDIT_SHOWN).unwrap();
                    black_box((report.is_intact(), recent.len(), report.records))
                },
                BatchSize::SmallInput,
            );
        });
        group.bench_function(format!("full_{records}"), |b| {
            b.iter_batched(
                || path.clone(),
                |path| {
                    let log = AuditLog::open(&path).unwrap();
                    let report = log.verify().unwrap();
                    let recent = log.newest(AUDIT_SHOWN).unwrap();
                    black_box((report.is_intact(), recent.len(), report.records))
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
