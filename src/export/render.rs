//! Rendering DOT to SVG or PNG with Graphviz's `dot` program.

use std::io::Write;
use std::process::{Command, Stdio};

use super::ExportError;

/// The image formats `--render` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// Scalable vector graphics.
    Svg,
    /// A PNG bitmap.
    Png,
}

impl Image {
    /// Graphviz's name for the format (`-Tsvg`).
    pub fn as_str(self) -> &'static str {
        match self {
            Image::Svg => "svg",
            Image::Png => "png",
        }
    }
}

/// What Graphviz made: the image, and any warnings it printed.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The image's bytes.
    pub image: Vec<u8>,
    /// What `dot` wrote on its standard error (warnings), if anything.
    pub warnings: String,
}

/// Runs `dot -T<format>` on DOT text. The program is looked up on `PATH`;
/// when it is missing the error names the package to install.
pub fn render(dot: &str, format: Image) -> Result<Rendered, ExportError> {
    let child = Command::new("dot")
        .arg(format!("-T{}", format.as_str()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ExportError::GraphvizMissing)
        }
        Err(e) => return Err(ExportError::GraphvizFailed(e.to_string())),
    };
    let text = dot.as_bytes().to_vec();
    let mut stdin = child.stdin.take();
    // Feed stdin from a thread so that a large image on stdout cannot
    // dead-lock against a full stdin pipe.
    let feeder = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&text);
        }
        drop(stdin);
    });
    let out = child
        .wait_with_output()
        .map_err(|e| ExportError::GraphvizFailed(e.to_string()))?;
    let _ = feeder.join();
    let warnings = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        return Err(ExportError::GraphvizFailed(if warnings.is_empty() {
            format!("exit status {}", out.status)
        } else {
            warnings
        }));
    }
    Ok(Rendered {
        image: out.stdout,
        warnings,
    })
}
