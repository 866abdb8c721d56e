//! Getting a feed's bytes: http(s) with ureq (timeouts, our own redirect handling so permanent
//! moves are seen, a size cap, gzip/deflate/brotli, conditional GET) and local files.

use crate::model::UnixTime;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use url::Url;

/// Limits and identity for fetching; tests shorten the timeouts.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub connect_timeout: Duration,
    /// Whole exchange, body included, per request.
    pub total_timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_bytes: u64,
    pub max_redirects: u32,
    pub user_agent: String,
    /// How long a request to a host may be out before a refresh opens a second connection to
    /// that host for its other feeds (the fetch pool's one-request-per-host rule, relaxed
    /// for a server that stalls).
    pub host_patience: Duration,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            host_patience: Duration::from_secs(3),
            user_agent: format!(
                "focusfeed/{} (+https://github.com/focusfeed; desktop feed reader)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// What the last successful response said, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// When the server asks us to come back (`Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    At(UnixTime),
}

impl RetryAfter {
    pub fn parse(v: &str) -> Option<Self> {
        let v = v.trim();
        if let Ok(s) = v.parse::<u64>() {
            return Some(Self::Seconds(s));
        }
        chrono::DateTime::parse_from_rfc2822(v)
            .ok()
            .map(|d| Self::At(d.timestamp()))
    }

    /// The earliest time to ask again, given the time now.
    pub fn not_before(self, now: UnixTime) -> UnixTime {
        match self {
            Self::Seconds(s) => now.saturating_add(i64::try_from(s).unwrap_or(i64::MAX)),
            Self::At(t) => t.max(now),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Fresh {
        bytes: Vec<u8>,
        content_type: Option<String>,
        validators: Validators,
    },
    /// 304: what we have is current.
    NotModified,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Where the body finally came from (after redirects).
    pub final_url: String,
    /// Set when every redirect on the way was permanent (301/308): the feed's new address.
    pub moved_to: Option<String>,
    pub body: Body,
    /// `Cache-Control: max-age`, in seconds.
    pub max_age: Option<u64>,
}

impl Fetched {
    /// Lets go of the body's bytes once they are parsed, keeping its validators: a refresh
    /// holds many parsed feeds waiting for the writer, and each one's body beside it was as
    /// large again.
    pub fn drop_body_bytes(&mut self) {
        if let Body::Fresh { bytes, .. } = &mut self.body {
            *bytes = Vec::new();
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("{address:?} is not a feed address: {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error("{url} did not answer within {} s; will try again later", .after.as_secs_f32())]
    Timeout { url: String, after: Duration },
    #[error("{url} redirects more than {max} times; giving up")]
    TooManyRedirects { url: String, max: u32 },
    #[error("{url} redirects in a loop; the site is misconfigured")]
    RedirectLoop { url: String },
    #[error("{url} is gone (410): the publisher removed this feed, so it is no longer fetched")]
    Gone { url: String },
    #[error("{url} answered {status}{}", status_hint(.status))]
    Status {
        url: String,
        status: u16,
        retry_after: Option<RetryAfter>,
    },
    #[error("{url} sent more than {} MiB; refusing to read it", .limit / (1024 * 1024))]
    TooLarge { url: String, limit: u64 },
    #[error("could not reach {url}: {message}")]
    Network { url: String, message: String },
    #[error("could not read {path}: {message}")]
    File { path: String, message: String },
}

fn status_hint(status: &u16) -> &'static str {
    match *status {
        404 => " (not found): check the address",
        401 | 403 => " (access denied)",
        429 => " (too many requests): backing off",
        500..=599 => " (server error): will try again later",
        _ => "",
    }
}

impl FetchError {
    pub fn retry_after(&self) -> Option<RetryAfter> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Where a feed lives: the web or this disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Http(Url),
    File(PathBuf),
}

impl Source {
    /// Reads what a user typed: an http(s) or file URL, a local path, or a bare host name.
    pub fn parse(input: &str) -> Result<Self, FetchError> {
        let input = input.trim();
        let invalid = |reason: &str| FetchError::InvalidAddress {
            address: input.to_string(),
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(invalid("it is empty"));
        }
        if let Ok(url) = Url::parse(input) {
            return match url.scheme() {
                "http" | "https" if url.host().is_some() => Ok(Self::Http(url)),
                "file" => url
                    .to_file_path()
                    .map(Self::File)
                    .map_err(|()| invalid("not a local file path")),
                // A Windows path such as C:\feeds\a.xml parses as scheme "c".
                s if s.len() == 1 => Ok(Self::File(PathBuf::from(input))),
                s => Err(invalid(&format!(
                    "{s}: is not supported; use http(s), file or a path"
                ))),
            };
        }
        let path = Path::new(input);
        let looks_like_host = !path.exists()
            && !input.starts_with(['.', '/', '~', '\\'])
            && input.split('/').next().is_some_and(|h| h.contains('.'))
            && !input.contains(char::is_whitespace);
        if looks_like_host && let Ok(url) = Url::parse(&format!("https://{input}")) {
            return Ok(Self::Http(url));
        }
        Ok(Self::File(path.to_path_buf()))
    }

    /// The canonical address stored for the feed.
    pub fn to_url_string(&self) -> String {
        match self {
            Self::Http(u) => u.to_string(),
            Self::File(p) => {
                let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                Url::from_file_path(&abs)
                    .map_or_else(|()| abs.display().to_string(), |u| u.to_string())
            }
        }
    }
}

/// Fetches feeds; one per engine, shared by the refresh threads (ureq's agent is thread-safe).
pub struct Fetcher {
    agent: ureq::Agent,
    config: FetchConfig,
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // We follow redirects ourselves, to see permanent moves and loops.
            .max_redirects(0)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.total_timeout))
            .user_agent(config.user_agent.as_str())
            .accept_encoding("gzip, deflate, br")
            .accept("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
            .build()
            .into();
        Self { agent, config }
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `address` (an http(s) or file URL, or a path), conditionally when `validators`
    /// come from an earlier response.
    pub fn fetch(&self, address: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        match Source::parse(address)? {
            Source::File(path) => self.read_file(&path),
            Source::Http(url) => self.fetch_http(url, validators),
        }
    }

    fn read_file(&self, path: &Path) -> Result<Fetched, FetchError> {
        let err = |message: String| FetchError::File {
            path: path.display().to_string(),
            message,
        };
        // Opening a FIFO blocks until someone writes to it, and a device can be read forever:
        // only a regular file is read (the check follows symbolic links, as opening does).
        let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
        if !meta.is_file() {
            let kind = if meta.is_dir() {
                "a folder"
            } else {
                "a device, pipe or socket"
            };
            return Err(err(format!("it is {kind}, not a regular file")));
        }
        let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
        let mut bytes = Vec::new();
        file.take(self.config.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(e.to_string()))?;
        if bytes.len() as u64 > self.config.max_bytes {
            return Err(FetchError::TooLarge {
                url: path.display().to_string(),
                limit: self.config.max_bytes,
            });
        }
        Ok(Fetched {
            final_url: Source::File(path.to_path_buf()).to_url_string(),
            moved_to: None,
            body: Body::Fresh {
                bytes,
                content_type: None,
                validators: Validators::default(),
            },
            max_age: None,
        })
    }

    fn fetch_http(&self, start: Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let start_scheme = start.scheme().to_owned();
        let mut url = start;
        let mut seen: Vec<Url> = Vec::new();
        let mut all_permanent = true;
        loop {
            // One deadline for the whole fetch: each redirect gets only what is left of it, not
            // a fresh timeout of its own.
            let left = self.config.total_timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(FetchError::Timeout {
                    url: seen.first().unwrap_or(&url).to_string(),
                    after: self.config.total_timeout,
                });
            }
            let mut req = self
                .agent
                .get(url.as_str())
                .config()
                .timeout_global(Some(left))
                .build();
            if let Some(etag) = &validators.etag {
                req = req.header("If-None-Match", etag.as_str());
            }
            if let Some(lm) = &validators.last_modified {
                req = req.header("If-Modified-Since", lm.as_str());
            }
            let resp = req.call().map_err(|e| self.map_error(&url, e, started))?;
            let status = resp.status().as_u16();
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                let Some(location) = header("location") else {
                    return Err(FetchError::Status {
                        url: url.to_string(),
                        status,
                        retry_after: None,
                    });
                };
                let next = url
                    .join(&location)
                    .map_err(|e| FetchError::InvalidAddress {
                        address: location.clone(),
                        reason: format!("bad redirect target: {e}"),
                    })?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(FetchError::InvalidAddress {
                        address: next.to_string(),
                        reason: "redirect to a non-web address".into(),
                    });
                }
                all_permanent &= matches!(status, 301 | 308);
                seen.push(url);
                if seen.contains(&next) {
                    return Err(FetchError::RedirectLoop {
                        url: seen[0].to_string(),
                    });
                }
                if seen.len() > self.config.max_redirects as usize {
                    return Err(FetchError::TooManyRedirects {
                        url: seen[0].to_string(),
                        max: self.config.max_redirects,
                    });
                }
                url = next;
                continue;
            }
            // A permanent move is kept as the feed's address, but never one from https to
            // http: a downgrade would send every later fetch in the clear.
            let downgrade = is_downgrade(&start_scheme, &url);
            let moved_to =
                (!seen.is_empty() && all_permanent && !downgrade).then(|| url.to_string());
            let max_age = header("cache-control").and_then(|cc| parse_max_age(&cc));
            return match status {
                200..=299 => {
                    let content_type = header("content-type");
                    let encoding = header("content-encoding").map(|e| e.to_ascii_lowercase());
                    let validators = Validators {
                        etag: header("etag"),
                        last_modified: header("last-modified"),
                    };
                    let bytes =
                        self.read_body(resp.into_body(), encoding.as_deref(), &url, started)?;
                    Ok(Fetched {
                        final_url: url.to_string(),
                        moved_to,
                        body: Body::Fresh {
                            bytes,
                            content_type,
                            validators,
                        },
                        max_age,
                    })
                }
                304 => Ok(Fetched {
                    final_url: url.to_string(),
                    moved_to,
                    body: Body::NotModified,
                    max_age,
                }),
                410 => Err(FetchError::Gone {
                    url: url.to_string(),
                }),
                _ => Err(FetchError::Status {
                    url: url.to_string(),
                    status,
                    retry_after: header("retry-after").and_then(|v| RetryAfter::parse(&v)),
                }),
            };
        }
    }

    fn read_body(
        &self,
        body: ureq::Body,
        encoding: Option<&str>,
        url: &Url,
        started: Instant,
    ) -> Result<Vec<u8>, FetchError> {
        let cap = self.config.max_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: cap,
        };
        // ureq decodes gzip and brotli itself; deflate we decode here.
        let reader = body.into_with_config().limit(u64::MAX).reader();
        let mut raw = Vec::new();
        reader
            .take(cap + 1)
            .read_to_end(&mut raw)
            .map_err(|e| self.map_error(url, ureq::Error::from(e), started))?;
        if raw.len() as u64 > cap {
            return Err(too_large());
        }
        if encoding != Some("deflate") {
            return Ok(raw);
        }
        let mut out = Vec::new();
        let zlib = flate2::read::ZlibDecoder::new(raw.as_slice())
            .take(cap + 1)
            .read_to_end(&mut out);
        if zlib.is_err() {
            // Some servers send raw deflate without the zlib header.
            out.clear();
            flate2::read::DeflateDecoder::new(raw.as_slice())
                .take(cap + 1)
                .read_to_end(&mut out)
                .map_err(|e| FetchError::Network {
                    url: url.to_string(),
                    message: format!("bad deflate data: {e}"),
                })?;
        }
        if out.len() as u64 > cap {
            return Err(too_large());
        }
        Ok(out)
    }

    fn map_error(&self, url: &Url, e: ureq::Error, started: Instant) -> FetchError {
        let url = url.to_string();
        match e {
            ureq::Error::Timeout(_) => FetchError::Timeout {
                url,
                after: started.elapsed().min(self.config.total_timeout),
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                FetchError::Timeout {
                    url,
                    after: started.elapsed(),
                }
            }
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
                url,
                limit: self.config.max_bytes,
            },
            ureq::Error::HostNotFound => FetchError::Network {
                url,
                message: "host not found (check the address or your connection)".into(),
            },
            ureq::Error::BadUri(m) => FetchError::InvalidAddress {
                address: url,
                reason: m,
            },
            other => FetchError::Network {
                url,
                message: other.to_string(),
            },
        }
    }
}

/// `max-age` from a Cache-Control header (ignored when the response may not be reused).
fn parse_max_age(cc: &str) -> Option<u64> {
    let lower = cc.to_ascii_lowercase();
    if lower.contains("no-store") || lower.contains("no-cache") {
        return None;
    }
    lower.split(',').find_map(|d| {
        d.trim()
            .strip_prefix("max-age=")
            .and_then(|v| v.trim_matches('"').parse().ok())
    })
}

/// Whether a move from a `from_scheme` address to `to` would lose https.
fn is_downgrade(from_scheme: &str, to: &Url) -> bool {
    from_scheme == "https" && to.scheme() != "https"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permanent_move_from_https_to_http_is_a_downgrade() {
        let http = Url::parse("http://example.com/feed").unwrap_or_else(|e| panic!("{e}"));
        let https = Url::parse("https://example.com/feed").unwrap_or_else(|e| panic!("{e}"));
        assert!(is_downgrade("https", &http));
        assert!(!is_downgrade("https", &https));
        assert!(!is_downgrade("http", &https));
        assert!(!is_downgrade("http", &http));
    }

    #[test]
    fn only_a_regular_file_is_read_from_disk() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fetcher = Fetcher::new(FetchConfig::default());
        let refused =
            |path: &Path| match fetcher.fetch(&path.to_string_lossy(), &Validators::default()) {
                Err(FetchError::File { message, .. }) => message,
                other => panic!("{}: {other:?}", path.display()),
            };
        // A folder, a device that never ends, and a FIFO nobody writes to (opening it would
        // block for ever): each is refused at once, before it is opened.
        assert!(refused(dir.path()).contains("a folder"));
        assert!(refused(Path::new("/dev/zero")).contains("not a regular file"));
        let fifo = dir.path().join("feed.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(refused(&fifo).contains("not a regular file"));
        }
        let file = dir.path().join("feed.xml");
        std::fs::write(&file, "<rss/>").unwrap_or_else(|e| panic!("{e}"));
        assert!(
            fetcher
                .fetch(&file.to_string_lossy(), &Validators::default())
                .is_ok()
        );
    }

    #[test]
    fn sources_are_understood() {
        assert!(matches!(
            Source::parse("https://ex.org/feed"),
            Ok(Source::Http(_))
        ));
        assert!(matches!(
            Source::parse("file:///tmp/a.xml"),
            Ok(Source::File(_))
        ));
        assert!(matches!(
            Source::parse("./feeds/a.xml"),
            Ok(Source::File(_))
        ));
        assert!(matches!(Source::parse("ex.org/feed"), Ok(Source::Http(_))));
        assert!(matches!(
            Source::parse("ftp://ex.org/a"),
            Err(FetchError::InvalidAddress { .. })
        ));
        assert!(matches!(
            Source::parse("  "),
            Err(FetchError::InvalidAddress { .. })
        ));
    }

    #[test]
    fn retry_after_and_max_age() {
        assert_eq!(RetryAfter::parse("120"), Some(RetryAfter::Seconds(120)));
        assert_eq!(
            RetryAfter::parse("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(RetryAfter::At(1_445_412_480))
        );
        assert_eq!(RetryAfter::Seconds(60).not_before(1000), 1060);
        assert_eq!(parse_max_age("public, max-age=600"), Some(600));
        assert_eq!(parse_max_age("no-cache, max-age=600"), None);
    }
}
