//! The `focusfeed` binary: no subcommand opens the window, subcommands run headless.

/// mimalloc instead of glibc's malloc: the window's threads each build and drop large
/// transient structures (the recommender's corpus, index batches), and glibc kept every
/// thread's freed arena resident, so the window held 500 MiB at 100,000 items for a heap
/// that peaked at 160 MiB (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    focusfeed::cli::main()
}
