//! Work on untrusted input under a time budget: it runs on a thread of its own (with a large
//! stack), and past the budget the caller gets `TimedOut` and goes on; the thread is left to
//! finish alone. The structural bounds (bounds.rs, the tokenizer's limits) keep that rare.

use std::time::Duration;

/// How untrusted work ended when it did not give a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// It ran past its budget.
    TimedOut,
    /// It panicked, or its thread could not start.
    Failed,
}

/// A stack large enough that recursion within the nesting bounds never overflows it.
const STACK: usize = 64 * 1024 * 1024;

/// Runs `work` on its own thread and waits at most `budget` for it.
pub fn within<T: Send + 'static>(
    budget: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Over> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("focusfeed-untrusted".into())
        .stack_size(STACK)
        .spawn(move || {
            let _ = tx.send(work());
        })
        .map_err(|_| Over::Failed)?;
    rx.recv_timeout(budget).map_err(|e| match e {
        std::sync::mpsc::RecvTimeoutError::Timeout => Over::TimedOut,
        std::sync::mpsc::RecvTimeoutError::Disconnected => Over::Failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_in_time_comes_back_and_a_late_or_failed_one_does_not() {
        assert_eq!(within(Duration::from_secs(10), || 42), Ok(42));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let late = within(Duration::from_millis(1), move || {
            let _ = wait.recv();
        });
        assert_eq!(late, Err(Over::TimedOut));
        drop(release);
        let failed: Result<(), Over> = within(Duration::from_secs(10), || panic!("hostile"));
        assert_eq!(failed, Err(Over::Failed));
    }
}
