//! Calendar arithmetic (Howard Hinnant's civil-from-days algorithms) and the
//! month being generated.

use crate::rng::Rng;

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u64;
    let mp = ((m + 9) % 12) as u64;
    let doy = (153 * mp + 2) / 5 + d as u64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i64 - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe as i64 + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// The month being generated, as a half-open range of epoch milliseconds.
pub(crate) struct MonthSpan {
    start_ms: i64,
    end_ms: i64,
}

impl MonthSpan {
    pub(crate) fn new(year: i64, month: u32) -> MonthSpan {
        let (ny, nm) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        MonthSpan {
            start_ms: days_from_civil(year, month, 1) * 86_400_000,
            end_ms: days_from_civil(ny, nm, 1) * 86_400_000,
        }
    }

    /// A timestamp `progress` (0..1) of the way through the month, with a few
    /// seconds of jitter so the file is only roughly sorted.
    pub(crate) fn at(&self, progress: f64, rng: &mut Rng) -> i64 {
        let span = (self.end_ms - self.start_ms) as f64;
        let base = self.start_ms + (span * progress.clamp(0.0, 1.0)) as i64;
        let jitter = rng.below(6_001) as i64 - 3_000;
        (base + jitter).clamp(self.start_ms, self.end_ms - 1)
    }
}
