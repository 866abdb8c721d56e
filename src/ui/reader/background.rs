//! The reader's background reads: a list's ids and the sidebar's counts take tens of milliseconds
//! on a big database, and even a page of rows or one article can wait on a busy disk, so all of
//! them run on a thread with its own read connection and the window shows the answer when it
//! comes. A newer request of the same kind supersedes an older one.

use super::list::{ListKind, LoadedList, read_list};
use super::row_cache::RowsRequest;
use super::sidebar::{SidebarData, read_sidebar};
use crate::model::{ItemId, UnixTime};
use crate::store::ReadStore;
use crate::store::reader::{Article, ListRow};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

/// What the list needs read.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRequest {
    pub kind: ListKind,
    pub unread_only: bool,
    pub entered_at: UnixTime,
    /// The list on screen (For you keeps it in place while it is read).
    pub shown: Vec<ItemId>,
    /// The answer replaces the list (a new ranking taking over), echoed in the answer.
    pub take_over: bool,
}

/// What an article is read for; each purpose has its own latest request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleFor {
    /// Opening it in the article pane.
    Show,
    /// The open article again, after the worker changed it (flags, full text).
    Flags,
    /// Its address, to open the original in the browser.
    Original,
}

impl ArticleFor {
    const ALL: [ArticleFor; 3] = [ArticleFor::Show, ArticleFor::Flags, ArticleFor::Original];

    fn index(self) -> usize {
        self as usize
    }
}

/// An article read: `None` when the item is gone.
pub type ArticleRead = Result<Option<Article>, String>;

enum Request {
    List(u64, ListRequest),
    Sidebar(u64),
    Rows(RowsRequest),
    Article(u64, ArticleFor, ItemId),
}

/// An answer, with the request number it answers; errors are meant for the user.
enum Answer {
    List(u64, Result<(bool, LoadedList), String>),
    Sidebar(u64, Result<SidebarData, String>),
    Rows(RowsRequest, Result<Vec<ListRow>, String>),
    /// Boxed: an article (full text and all) is far larger than the other answers.
    Article(u64, ArticleFor, ItemId, Box<ArticleRead>),
}

/// The latest answers taken in one frame.
#[derive(Default)]
pub struct Answers {
    /// `(take_over, list)`: see [`ListRequest::take_over`].
    pub list: Option<Result<(bool, LoadedList), String>>,
    pub sidebar: Option<Result<SidebarData, String>>,
    /// Every rows answer that came: an older one still holds good rows, and the list drops
    /// those its invalidations made stale (see [`RowsRequest::generation`]).
    pub rows: Vec<(RowsRequest, Result<Vec<ListRow>, String>)>,
    /// The answer to the latest article request of each purpose, as `(purpose, item, read)`.
    pub articles: Vec<(ArticleFor, ItemId, ArticleRead)>,
}

pub struct BackgroundReads {
    requests: Option<Sender<Request>>,
    answers: Receiver<Answer>,
    thread: Option<JoinHandle<()>>,
    list_asked: u64,
    list_answered: u64,
    sidebar_asked: u64,
    /// By [`ArticleFor::index`].
    article_asked: [u64; 3],
}

impl BackgroundReads {
    /// Starts the reader thread on the database at `db`; `wake` is called after each answer
    /// (the window passes `request_repaint`).
    pub fn spawn(db: &Path, wake: impl Fn() + Send + 'static) -> Self {
        let (req_tx, req_rx) = mpsc::channel::<Request>();
        let (ans_tx, ans_rx) = mpsc::channel::<Answer>();
        let db = db.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("focusfeed-reader".into())
            .spawn(move || {
                let store = ReadStore::open(&db).map_err(|e| e.to_string());
                serve(store, &req_rx, &ans_tx, &wake);
            })
            .ok();
        Self {
            requests: Some(req_tx),
            answers: ans_rx,
            thread,
            list_asked: 0,
            list_answered: 0,
            sidebar_asked: 0,
            article_asked: [0; 3],
        }
    }

    pub fn ask_list(&mut self, request: ListRequest) {
        self.list_asked += 1;
        self.send(Request::List(self.list_asked, request));
    }

    /// Drops the answer to any list request still out: the list was replaced meanwhile (a new
    /// view, search results) and an old answer must not overwrite it.
    pub fn cancel_list(&mut self) {
        self.list_asked += 1;
        self.list_answered = self.list_asked;
    }

    pub fn ask_sidebar(&mut self) {
        self.sidebar_asked += 1;
        self.send(Request::Sidebar(self.sidebar_asked));
    }

    pub fn ask_rows(&mut self, request: RowsRequest) {
        self.send(Request::Rows(request));
    }

    pub fn ask_article(&mut self, id: ItemId, purpose: ArticleFor) {
        let n = &mut self.article_asked[purpose.index()];
        *n += 1;
        let n = *n;
        self.send(Request::Article(n, purpose, id));
    }

    /// Drops the answer to the article request of `purpose` still out (the article was closed).
    pub fn cancel_article(&mut self, purpose: ArticleFor) {
        self.article_asked[purpose.index()] += 1;
    }

    fn send(&self, request: Request) {
        // The thread ends only with this handle; a send cannot fail while it lives.
        if let Some(tx) = &self.requests {
            let _ = tx.send(request);
        }
    }

    /// Whether a list was asked for and has not come back yet.
    pub fn list_pending(&self) -> bool {
        self.list_answered < self.list_asked
    }

    /// The answers to the latest requests that came since the last call; answers to requests
    /// made stale by newer ones are dropped.
    pub fn take_answers(&mut self) -> Answers {
        let mut out = Answers::default();
        for answer in self.answers.try_iter() {
            match answer {
                Answer::List(n, r) if n == self.list_asked => {
                    self.list_answered = n;
                    out.list = Some(r);
                }
                Answer::Sidebar(n, r) if n == self.sidebar_asked => out.sidebar = Some(r),
                Answer::Rows(q, r) => out.rows.push((q, r)),
                Answer::Article(n, purpose, id, r) if n == self.article_asked[purpose.index()] => {
                    out.articles.retain(|(p, _, _)| *p != purpose);
                    out.articles.push((purpose, id, *r));
                }
                _ => {}
            }
        }
        out
    }
}

impl Drop for BackgroundReads {
    fn drop(&mut self) {
        self.requests.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Answers requests until the window goes, skipping any request a newer one of its kind has
/// already replaced in the queue. The quick reads a person waits on (the article, the rows in
/// view) come first; then a batch's list, then its sidebar.
fn serve(
    store: Result<ReadStore, String>,
    requests: &Receiver<Request>,
    answers: &Sender<Answer>,
    wake: &dyn Fn(),
) {
    while let Ok(first) = requests.recv() {
        let (mut list, mut sidebar, mut rows) = (None, None, None);
        let mut articles: [Option<(u64, ItemId)>; 3] = [None; 3];
        for r in std::iter::once(first).chain(requests.try_iter()) {
            match r {
                Request::List(n, q) => list = Some((n, q)),
                Request::Sidebar(n) => sidebar = Some(n),
                Request::Rows(q) => rows = Some(q),
                Request::Article(n, purpose, id) => articles[purpose.index()] = Some((n, id)),
            }
        }
        let store = match &store {
            Ok(s) => Ok(s),
            Err(e) => Err(format!("cannot open the database: {e}")),
        };
        for purpose in ArticleFor::ALL {
            if let Some((n, id)) = articles[purpose.index()] {
                let r = store
                    .clone()
                    .and_then(|s| s.article(id).map_err(|e| e.to_string()));
                let _ = answers.send(Answer::Article(n, purpose, id, Box::new(r)));
            }
        }
        if let Some(q) = rows {
            let r = store
                .clone()
                .and_then(|s| s.list_rows(&q.ids).map_err(|e| e.to_string()));
            let _ = answers.send(Answer::Rows(q, r));
        }
        if let Some((n, q)) = list {
            let r = store.clone().and_then(|s| {
                read_list(s, q.kind, q.unread_only, q.entered_at, &q.shown)
                    .map(|l| (q.take_over, l))
                    .map_err(|e| e.to_string())
            });
            let _ = answers.send(Answer::List(n, r));
        }
        if let Some(n) = sidebar {
            let r = store
                .clone()
                .and_then(|s| read_sidebar(s).map_err(|e| e.to_string()));
            let _ = answers.send(Answer::Sidebar(n, r));
        }
        wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::DB_FILE;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// Steps until the reader answered the latest list request (bounded by a deadline).
    fn wait_for_list(reads: &mut BackgroundReads) -> Result<(bool, LoadedList), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(r) = reads.take_answers().list {
                return r;
            }
            assert!(Instant::now() < deadline, "no answer");
            std::thread::yield_now();
        }
    }

    #[test]
    fn the_latest_request_is_answered_and_older_ones_dropped() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = dir.path().join(DB_FILE);
        let store = ReadStore::open(&db).unwrap_or_else(|e| panic!("{e}"));
        drop(store);
        let woken = Arc::new(Mutex::new(0));
        let w = woken.clone();
        let mut reads = BackgroundReads::spawn(&db, move || {
            if let Ok(mut n) = w.lock() {
                *n += 1;
            }
        });
        let ask = |kind| ListRequest {
            kind,
            unread_only: false,
            entered_at: 0,
            shown: Vec::new(),
            take_over: kind == ListKind::ForYou,
        };
        reads.ask_list(ask(ListKind::Latest));
        reads.ask_list(ask(ListKind::ForYou));
        assert!(reads.list_pending());
        let (take_over, loaded) = wait_for_list(&mut reads).unwrap_or_else(|e| panic!("{e}"));
        assert!(take_over, "the answer is the second request's");
        assert_eq!(loaded.ids, Some(Vec::new()));
        assert!(!reads.list_pending());
        // The thread wakes the window after it sends, so the wake may trail the answer a little.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !woken.lock().map(|n| *n >= 1).unwrap_or(false) {
            assert!(Instant::now() < deadline, "the window was never woken");
            std::thread::yield_now();
        }

        // A list replaced meanwhile (search results) drops the answer still out. The sidebar,
        // answered after any list asked before it, shows when that answer has come.
        reads.ask_list(ask(ListKind::Latest));
        reads.cancel_list();
        reads.ask_sidebar();
        assert!(!reads.list_pending());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let answers = reads.take_answers();
            assert!(answers.list.is_none(), "the cancelled list was dropped");
            if answers.sidebar.is_some() {
                break;
            }
            assert!(Instant::now() < deadline, "no sidebar");
            std::thread::yield_now();
        }
    }

    #[test]
    fn rows_and_articles_are_read_on_the_thread() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = dir.path().join(DB_FILE);
        super::super::bench::fill(dir.path(), 10, 1_800_000_000).unwrap_or_else(|e| panic!("{e}"));
        let mut reads = BackgroundReads::spawn(&db, || {});
        let request = RowsRequest {
            seq: 1,
            generation: 0,
            ids: vec![1, 2, 99],
        };
        reads.ask_rows(request.clone());
        // Opening item 1, then item 2 before the first answer: only item 2 is shown.
        reads.ask_article(1, ArticleFor::Show);
        reads.ask_article(2, ArticleFor::Show);
        reads.ask_article(3, ArticleFor::Original);
        let deadline = Instant::now() + Duration::from_secs(20);
        let (mut rows, mut articles) = (Vec::new(), Vec::new());
        while rows.is_empty() || articles.len() < 2 {
            let answers = reads.take_answers();
            rows.extend(answers.rows);
            articles.extend(answers.articles);
            assert!(Instant::now() < deadline, "no answer");
            std::thread::yield_now();
        }
        let (answered, got) = &rows[0];
        assert_eq!(answered, &request, "the request comes back with its rows");
        let mut ids: Vec<ItemId> = got
            .as_ref()
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|r| r.id)
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, vec![1, 2], "a missing item is skipped");
        let opened: Vec<(ArticleFor, ItemId)> = articles
            .iter()
            .filter(|(_, _, a)| matches!(a, Ok(Some(_))))
            .map(|(p, id, _)| (*p, *id))
            .collect();
        assert!(opened.contains(&(ArticleFor::Show, 2)), "{opened:?}");
        assert!(opened.contains(&(ArticleFor::Original, 3)), "{opened:?}");
        assert!(!opened.contains(&(ArticleFor::Show, 1)), "superseded");
    }

    #[test]
    fn a_database_that_cannot_open_is_a_readable_error() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // A directory where the database file should be.
        let db = dir.path().join("not-a-file");
        std::fs::create_dir(&db).unwrap_or_else(|e| panic!("{e}"));
        let mut reads = BackgroundReads::spawn(&db, || {});
        reads.ask_list(ListRequest {
            kind: ListKind::Latest,
            unread_only: false,
            entered_at: 0,
            shown: Vec::new(),
            take_over: false,
        });
        let e = wait_for_list(&mut reads).err().unwrap_or_default();
        assert!(e.contains("cannot open the database"), "{e}");
    }
}
