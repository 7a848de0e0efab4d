//! `kg export`: the graph, or what a query found, in another format.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use super::args::{ExportFormat, RankDir as ArgRankDir, RenderFormat};
use super::{Args, CliError, LimitArgs};
use crate::export::render::{render, Image};
use crate::export::{
    self, csv, file, query_subgraph, whole_graph, ClusterBy, DiagramOptions, ExportError, Format,
    RankDir,
};
use crate::graph::Date;
use crate::query::DEFAULT_MAX_HOPS;

/// What the user asked `kg export` for.
pub struct Request<'a> {
    /// The format.
    pub to: ExportFormat,
    /// `--query`.
    pub query: Option<&'a str>,
    /// `-o`.
    pub output: Option<&'a Path>,
    /// `--rankdir`.
    pub rankdir: ArgRankDir,
    /// `--cluster-by`.
    pub cluster_by: Option<&'a str>,
    /// `--render`.
    pub render: Option<RenderFormat>,
    /// `--csv-safe`.
    pub csv_safe: bool,
    /// `--max-rows`, `--timeout`, `--max-query-bytes`, `--max-nesting`.
    pub limits: &'a LimitArgs,
}

pub(super) fn format_of(f: ExportFormat) -> Format {
    match f {
        ExportFormat::Dot => Format::Dot,
        ExportFormat::Mermaid => Format::Mermaid,
        ExportFormat::Graphml => Format::Graphml,
        ExportFormat::Cypher => Format::Cypher,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    }
}

/// The civil date of a day counted from 1970-01-01 (Howard Hinnant's
/// algorithm).
fn civil_from_unix_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(1970),
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
}

/// Today's date (UTC). `KG_TODAY` (YYYY-MM-DD) overrides it, so that
/// tests and reproducible builds can fix it.
pub(super) fn today() -> Option<Date> {
    if let Ok(s) = std::env::var("KG_TODAY") {
        if let Ok(d) = Date::parse(&s) {
            return Some(d);
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let days = i64::try_from(secs / 86_400).ok()?;
    let (y, m, d) = civil_from_unix_days(days);
    Date::day(y, m, d)
}

fn failed(e: ExportError) -> CliError {
    match e {
        ExportError::TimedOut(m) => CliError::TimedOut(m),
        e => CliError::Failed(e.to_string()),
    }
}

/// Runs `kg export`.
pub fn run(args: &Args, req: &Request<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let format = format_of(req.to);
    let diagram = matches!(format, Format::Dot | Format::Mermaid);
    if req.render.is_some() && format != Format::Dot {
        return Err(CliError::Usage(
            "--render makes an image from a Graphviz diagram: use it with --to dot".into(),
        ));
    }
    if req.cluster_by.is_some() && !diagram {
        return Err(CliError::Usage(
            "--cluster-by groups the nodes of a diagram: use it with --to dot or --to mermaid"
                .into(),
        ));
    }
    if format == Format::Csv && req.output.is_none() {
        return Err(CliError::Usage(
            "--to csv writes several files (nodes.csv, relationships.csv, sources.csv, ladybug/, load-ladybug.cypher): give the directory to write them into with -o DIR".into(),
        ));
    }
    if let Some(q) = req.query {
        // A syntax error is reported before the graph is loaded.
        req.limits
            .check_length(q)
            .map_err(|m| CliError::Failed(format!("--query: {m}")))?;
        crate::query::parse_script_limited(q, req.limits.max_nesting)
            .map_err(|e| CliError::Failed(e.render(q)))?;
    }
    if req.csv_safe && format != Format::Csv {
        return Err(CliError::Usage(
            "--csv-safe changes the fields of CSV files: use it with --to csv".into(),
        ));
    }
    let graph = super::load_kept(args)?;
    let sub = match req.query {
        Some(q) => {
            let options = req.limits.options(DEFAULT_MAX_HOPS, args.as_of);
            Cow::Owned(query_subgraph(&graph, q, &options).map_err(failed)?)
        }
        None => whole_graph(&graph, args.as_of),
    };
    let options = DiagramOptions {
        rankdir: match req.rankdir {
            ArgRankDir::TB => RankDir::TB,
            ArgRankDir::LR => RankDir::LR,
            ArgRankDir::BT => RankDir::BT,
            ArgRankDir::RL => RankDir::RL,
        },
        cluster_by: req.cluster_by.map(|c| {
            if c == "label" {
                ClusterBy::Label
            } else {
                ClusterBy::Property(c.to_string())
            }
        }),
        ended_before: args.as_of.or_else(today),
    };

    if format == Format::Csv {
        if let Some(dir) = req.output {
            csv::write_dir(&sub, dir, req.csv_safe).map_err(failed)?;
        }
        return super::refuse_damaged(&graph);
    }
    let text = export::to_text(&sub, format, &options).map_err(failed)?;
    let bytes = match req.render {
        Some(r) => {
            let image = match r {
                RenderFormat::Svg => Image::Svg,
                RenderFormat::Png => Image::Png,
            };
            let rendered = render(&text, image).map_err(failed)?;
            if !rendered.warnings.is_empty() {
                eprintln!("kg: graphviz: {}", rendered.warnings);
            }
            rendered.image
        }
        None => text.into_bytes(),
    };
    match req.output {
        Some(path) => file::write_atomic(path, &bytes).map_err(failed)?,
        None => out.write_all(&bytes)?,
    }
    super::refuse_damaged(&graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_from_unix_days() {
        assert_eq!(civil_from_unix_days(0), (1970, 1, 1));
        assert_eq!(civil_from_unix_days(20_000), (2024, 10, 4));
        assert_eq!(civil_from_unix_days(11_016), (2000, 2, 29));
    }
}
