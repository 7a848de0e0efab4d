//! The `kg` binary: parse the command line, run, map errors to messages
//! and exit codes. A closed pipe (`kg ... | head`) ends quietly.

use std::io::{self, BufWriter, ErrorKind, Write};
use std::process::ExitCode;

use clap::Parser;
use kg::cli::{self, Args, CliError};
use kg::output::table::visible;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    kg::alloc::keep_freed_pages();
    let args = Args::parse();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = cli::run(&args, &mut out).and_then(|()| out.flush().map_err(CliError::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Io(e)) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            // Messages quote names and values from graph files: their
            // control characters must not reach the terminal raw.
            let message = visible(&e.to_string());
            match &e {
                CliError::NoRows => {}
                // Problem lists already start with the file they concern.
                CliError::Load(_) | CliError::Failed(_) | CliError::TimedOut(_) => {
                    eprintln!("{message}")
                }
                _ => eprintln!("kg: {message}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}
