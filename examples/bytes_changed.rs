//! How many bytes a repair changed: bytes deleted plus bytes inserted by a minimal
//! diff of two files (lines first, then bytes inside each changed stretch).
//!
//! ```sh
//! cargo run --release --example bytes_changed -- original.html repaired.html
//! # prints "<changed>\t<original size>"
//! ```

#![allow(clippy::print_stdout, reason = "an example that reports on stdout")]
#![allow(
    clippy::print_stderr,
    reason = "an example that reports unreadable files"
)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};

/// Bytes deleted plus bytes inserted turning `old` into `new`.
fn changed(old: &[u8], new: &[u8]) -> usize {
    let a: Vec<&[u8]> = old.split_inclusive(|&c| c == b'\n').collect();
    let b: Vec<&[u8]> = new.split_inclusive(|&c| c == b'\n').collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut total = 0;
    for op in capture_diff_slices_deadline(Algorithm::Myers, &a, &b, Some(deadline)) {
        if let DiffOp::Equal { .. } = op {
            continue;
        }
        let (old_range, new_range) = (op.old_range(), op.new_range());
        let x: Vec<u8> = a[old_range].concat();
        let y: Vec<u8> = b[new_range].concat();
        let inner = Instant::now() + Duration::from_secs(5);
        for op in capture_diff_slices_deadline(Algorithm::Myers, &x, &y, Some(inner)) {
            match op {
                DiffOp::Equal { .. } => {}
                DiffOp::Delete { old_len, .. } => total += old_len,
                DiffOp::Insert { new_len, .. } => total += new_len,
                DiffOp::Replace {
                    old_len, new_len, ..
                } => total += old_len + new_len,
            }
        }
    }
    total
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old, new] = args.as_slice() else {
        eprintln!("usage: bytes_changed ORIGINAL REPAIRED");
        return ExitCode::from(2);
    };
    match (std::fs::read(old), std::fs::read(new)) {
        (Ok(a), Ok(b)) => {
            println!("{}\t{}", changed(&a, &b), a.len());
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
