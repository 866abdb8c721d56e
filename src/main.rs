//! The `focusfeed` binary: no subcommand opens the window, subcommands run headless.

fn main() -> std::process::ExitCode {
    focusfeed::cli::main()
}
