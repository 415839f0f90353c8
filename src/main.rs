//! Entry point: parse the command line and hand over to `cli::run`, which returns the
//! process exit status (2 for bad configuration, such as an invalid résumé).

use std::process::ExitCode;


    ssh_resume::cli::main()
}
fn main() {}
