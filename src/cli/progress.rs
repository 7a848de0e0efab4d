//! A one-line progress display on stderr for loads that take longer than a
//! second, when stderr is a terminal: rewritten in place with `\r` and
//! cleared at the end, so that scripts and pipes never see it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::graph::Progress;

/// A load shorter than this shows nothing.
const QUIET_FOR: Duration = Duration::from_secs(1);
/// The line is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(100);

/// The progress line of a load of `what` (a file name).
pub fn line(what: &str, p: Progress) -> String {
    let percent = (p.fraction() * 100.0).floor() as u32;
    match p {
        Progress::Parsing { done, total } => format!(
            "loading {what}: parsing {percent}% ({} of {})",
            megabytes(done),
            megabytes(total)
        ),
        Progress::Building { done, total } => {
            format!("loading {what}: building the graph {percent}% ({done} of {total} records)")
        }
        Progress::Snapshot { done, total } => format!(
            "loading {what}: reading the compiled snapshot {percent}% ({} of {})",
            megabytes(done),
            megabytes(total)
        ),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{} MB", (bytes as f64 / 1e6).round() as u64)
}

/// Draws the progress of one load on stderr.
pub struct LoadProgress {
    what: String,
    started: Instant,
    drawn: Option<(Instant, usize)>,
    terminal: bool,
}

impl LoadProgress {
    /// A display for the load of `paths`, shown only when stderr is a
    /// terminal.
    pub fn new(paths: &[PathBuf]) -> LoadProgress {
        let what = match paths {
            [one] => one.file_name().map_or_else(
                || one.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            several => format!("{} files", several.len()),
        };
        LoadProgress {
            what,
            started: Instant::now(),
            drawn: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Shows `p` once the load has run for a second (redrawn at most ten
    /// times a second).
    pub fn update(&mut self, p: Progress) {
        if !self.terminal || self.started.elapsed() < QUIET_FOR {
            return;
        }
        if let Some((at, _)) = self.drawn {
            if at.elapsed() < REDRAW {
                return;
            }
        }
        let text = line(&self.what, p);
        let width = self.drawn.map_or(0, |(_, w)| w);
        let mut err = std::io::stderr().lock();
        // Pad over a longer previous line.
        let _ = write!(err, "\r{text:<width$}");
        let _ = err.flush();
        self.drawn = Some((Instant::now(), text.len().max(width)));
    }

    /// Clears the line, if one was drawn.
    pub fn finish(&mut self) {
        if let Some((_, width)) = self.drawn.take() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{:width$}\r", "");
            let _ = err.flush();
        }
    }
}

impl Drop for LoadProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_the_stage_the_percentage_and_the_amounts() {
        assert_eq!(
            line(
                "graph.json",
                Progress::Parsing {
                    done: 167_000_000,
                    total: 370_000_000
                }
            ),
            "loading graph.json: parsing 45% (167 MB of 370 MB)"
        );
        assert_eq!(
            line(
                "g.json",
                Progress::Building {
                    done: 3_000_000,
                    total: 3_000_000
                }
            ),
            "loading g.json: building the graph 100% (3000000 of 3000000 records)"
        );
        assert_eq!(
            line(
                "g.json",
                Progress::Snapshot {
                    done: 77_600_000,
                    total: 155_200_000
                }
            ),
            "loading g.json: reading the compiled snapshot 50% (78 MB of 155 MB)"
        );
        // Never over 100%, and an empty load is done.
        assert_eq!(Progress::Parsing { done: 5, total: 4 }.fraction(), 1.0);
        assert_eq!(Progress::Building { done: 0, total: 0 }.fraction(), 1.0);
    }
}
