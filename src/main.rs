//! Entry point: everything happens in `cli::main`, which parses the command line and
//! returns the process exit status (2 for bad configuration, such as an invalid résumé).

use std::process::ExitCode;

fn main() -> ExitCode {
    ssh_resume::cli::main()
}
