use std::process::ExitCode;

/// mimalloc instead of the system allocator: parsing and linting make many small,
/// short-lived allocations per page (tokens, attribute lists, decoded text), and
/// glibc's malloc/free were ~12% of a check's cycles. Library users keep their own
/// allocator; only the command line sets it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(tagmend::cli::run(std::env::args_os()))
}
