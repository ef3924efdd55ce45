//! Progress on stderr: bytes done, MB/s and ETA, only when stderr is a
//! terminal and `--quiet` is not given (hidden otherwise, so pipes, CI logs
//! and tests never see it).
//!
//! Workers report once per chunk (a few MiB) or per read of a stream, never
//! per record; the bar's counter is atomic and it redraws at most a few
//! times a second, so it adds no lock to the hot path.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether a run shows progress: stderr is a terminal and not `--quiet`.
pub fn wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A bar over `total` input bytes (a spinner when the total is unknown,
/// e.g. standard input alone), hidden unless `show`.
pub fn bar(total: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = if total > 0 {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {binary_bytes} {binary_bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        )
    };
    bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_bars_count_silently() {
        let b = bar(100, false);
        assert!(b.is_hidden());
        b.inc(40);
        assert_eq!(b.position(), 40);
    }
}
