//! Stage timings and memory on stderr when `DWGK_TIMINGS` is set (bench/ reads them).

use std::collections::HashMap;
use std::sync::Mutex;

/// CPU time (user + system) of the whole process so far: the search index runs
/// alone, so the difference around it is its cost even on a busy machine.
pub(crate) fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// Whether `DWGK_TIMINGS` asks for stage timings on stderr (bench/).
pub(crate) fn timings() -> bool {
    std::env::var_os("DWGK_TIMINGS").is_some()
}

/// Resident memory now and its peak so far, in MiB (`VmRSS`, `VmHWM`; 0 where
/// /proc is missing), for `DWGK_TIMINGS`.
pub(crate) fn memory_mib() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| status.lines().find_map(|l| l.strip_prefix(key)).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    format!("rss_mib {} peak_mib {}", kib("VmRSS:").unwrap_or(0) / 1024, kib("VmHWM:").unwrap_or(0) / 1024)
}

/// Thread time per template (building variables, then rendering + writing),
/// printed with the stage timings when `DWGK_TIMINGS` is set.
pub(super) struct Profile(Option<Mutex<HashMap<String, TemplateTime>>>);

#[derive(Default)]
struct TemplateTime {
    vars: f64,
    render: f64,
    outputs: usize,
}

impl Profile {
    pub(super) fn new() -> Profile {
        Profile(timings().then(|| Mutex::new(HashMap::new())))
    }

    pub(super) fn add(&self, template: &str, started: std::time::Instant, prepared: std::time::Instant) {
        if let Some(m) = &self.0 {
            let mut m = m.lock().expect("profile");
            let e = m.entry(template.to_string()).or_default();
            e.vars += (prepared - started).as_secs_f64();
            e.render += prepared.elapsed().as_secs_f64();
            e.outputs += 1;
        }
    }

    pub(super) fn print(&self) {
        let Some(m) = &self.0 else { return };
        let mut rows: Vec<_> = m.lock().expect("profile").drain().collect();
        rows.sort_by(|(_, a), (_, b)| (b.vars + b.render).total_cmp(&(a.vars + a.render)));
        for (t, TemplateTime { vars, render, outputs }) in rows {
            eprintln!("timing template {t} vars {vars:.3} render+write {render:.3} outputs {outputs}");
        }
    }
}

/// Stage timings on stderr when `DWGK_TIMINGS` is set (used by bench/).
pub(crate) struct Timer {
    on: bool,
    last: std::time::Instant,
}

impl Timer {
    pub(crate) fn new() -> Timer {
        Timer { on: timings(), last: std::time::Instant::now() }
    }

    pub(crate) fn lap(&mut self, stage: &str) {
        if self.on {
            eprintln!("timing {stage} {:.3} {}", self.last.elapsed().as_secs_f64(), memory_mib());
        }
        self.last = std::time::Instant::now();
    }
}
