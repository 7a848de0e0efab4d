//! Arbitrary query text evaluated on the seed graph (a fresh copy each
//! time, so that mutating statements run too), with variable-length
//! patterns bounded by `max_hops` and a watchdog that sets the cancel
//! flag once an input has run for WATCHDOG_MS. Results are rendered as
//! the CLI renders them; a graph a statement changed is written and
//! loaded again (which may refuse it, as saving does, but never panics).
#![no_main]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Once};
use std::time::{Duration, Instant};

use kg::graph::Graph;
use kg::query::{execute, parse_script, Options, Params, Value};
use libfuzzer_sys::fuzz_target;

/// How long one input may run before the watchdog cancels it.
const WATCHDOG_MS: u64 = 1000;

static SEED: LazyLock<Graph> = LazyLock::new(|| {
    kg::graph::load_str(
        "rare-earths-2025.json",
        include_str!("../../graphs/rare-earths-2025.json"),
    )
    .expect("the seed graph loads")
});

static CANCEL: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
/// When the running input started (ms since EPOCH, plus one), 0 when idle.
static STARTED: AtomicU64 = AtomicU64::new(0);
static WATCHDOG: Once = Once::new();

fn now_ms() -> u64 {
    EPOCH.elapsed().as_millis() as u64 + 1
}

fn start_watchdog() {
    WATCHDOG.call_once(|| {
        let cancel = Arc::clone(&CANCEL);
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(10));
            let started = STARTED.load(Ordering::SeqCst);
            if started != 0 && now_ms().saturating_sub(started) > WATCHDOG_MS {
                cancel.store(true, Ordering::SeqCst);
            }
        });
    });
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let script = match parse_script(text) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.render(text);
            return;
        }
    };
    start_watchdog();
    let mut graph = SEED.clone();
    let mut params = Params::new();
    params.insert("name".into(), Value::Str("Rostec".into()));
    params.insert("n".into(), Value::Int(2));
    // Small limits: a fuzzed query must not hold the machine's memory.
    let options = Options {
        max_hops: 4,
        as_of: None,
        cancel: Some(Arc::clone(&CANCEL)),
        max_rows: 100_000,
        ..Options::default()
    };
    CANCEL.store(false, Ordering::SeqCst);
    STARTED.store(now_ms(), Ordering::SeqCst);
    let mut changed = false;
    for statement in &script.statements {
        match execute(&mut graph, text, statement, &params, &options) {
            Ok(result) => {
                changed |= kg::query::is_mutating(statement);
                let mut out = Vec::new();
                let _ = kg::output::rows::write_table(&mut out, &graph, &result);
                let _ = kg::output::rows::write_json(&mut out, &graph, &result);
                let _ = kg::output::rows::write_csv(&mut out, &graph, &result, false);
                let _ = kg::output::rows::write_csv(&mut out, &graph, &result, true);
            }
            Err(e) => {
                let _ = e.render(text);
                break;
            }
        }
    }
    STARTED.store(0, Ordering::SeqCst);
    if changed {
        kg_fuzz::check_save_is_checked(&graph);
    }
});
