use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(tagmend::cli::run(std::env::args_os()))
}
