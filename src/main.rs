//! The `focusfeed` binary: no subcommand opens the window, subcommands run headless.

/// jemalloc rather than glibc's allocator: a refresh frees parsed feeds and index batches in
/// bursts on a dozen threads, and glibc kept what each thread's arena had held (the window's
/// resident memory during a refresh of 100,000 items: 305-357 MiB with glibc, 230 with
/// jemalloc as `.cargo/config.toml` sets it up).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    focusfeed::cli::main()
}
