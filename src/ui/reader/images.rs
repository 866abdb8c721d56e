//! Article images, fetched only when the user asks ("Load images", or always for a feed), so a
//! sender never learns when an item was read. The app's own fetcher gets them (http and https,
//! 5 MiB and 10 s an image); they are cached in the data directory under a cap (oldest files go
//! first) and decoded on a loader thread with limits, so an image bomb fails instead of
//! allocating; big ones are scaled down before they reach the GPU.

use crate::feeds::fetch::{Body, FetchConfig, Fetcher, Validators};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// The cache folder inside the data directory.
pub const CACHE_DIR: &str = "images";
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
pub const IMAGE_TIMEOUT: Duration = Duration::from_secs(10);
/// At most this many images of one article are fetched.
pub const MAX_PER_ARTICLE: usize = 20;
/// The cache's size cap on disk.
pub const CACHE_CAP_BYTES: u64 = 200 * 1024 * 1024;
/// Larger declared sizes are refused before decoding (a 100,000 × 100,000 PNG is 40 GB).
const MAX_DECLARED_SIDE: u32 = 16_384;
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
/// Wider images are scaled down to this before they become a texture: the column is narrower.
const MAX_SHOWN_SIDE: u32 = 1_600;

pub enum ImageState {
    Loading,
    Ready(egui::TextureHandle),
    Failed(String),
}

type Loaded = (String, Result<egui::ColorImage, String>);

/// The images asked for this session, by address, and the thread that loads them.
pub struct Images {
    states: HashMap<String, ImageState>,
    requests: Option<Sender<String>>,
    loaded: Receiver<Loaded>,
}

impl std::fmt::Debug for Images {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Images")
            .field("asked", &self.states.len())
            .finish_non_exhaustive()
    }
}

impl Images {
    /// Starts the loader thread, caching in `cache_dir`; `egui_ctx` is woken when one is loaded.
    pub fn new(cache_dir: PathBuf, egui_ctx: egui::Context) -> Self {
        let (tx, rx) = mpsc::channel::<String>();
        let (done_tx, done_rx) = mpsc::channel::<Loaded>();
        let fetcher = Fetcher::new(FetchConfig {
            max_bytes: MAX_IMAGE_BYTES,
            total_timeout: IMAGE_TIMEOUT,
            connect_timeout: IMAGE_TIMEOUT,
            ..FetchConfig::default()
        });
        let spawned = std::thread::Builder::new()
            .name("focusfeed-images".into())
            .spawn(move || {
                for url in rx {
                    let result = load(&fetcher, &cache_dir, &url);
                    if done_tx.send((url, result)).is_err() {
                        return;
                    }
                    egui_ctx.request_repaint();
                }
            });
        Self {
            states: HashMap::new(),
            requests: spawned.ok().map(|_| tx),
            loaded: done_rx,
        }
    }

    /// Asks for `url` unless it was asked for already.
    pub fn request(&mut self, url: &str) {
        if self.states.contains_key(url) {
            return;
        }
        let state = match &self.requests {
            Some(tx) if tx.send(url.to_owned()).is_ok() => ImageState::Loading,
            _ => ImageState::Failed("the image loader could not start".into()),
        };
        self.states.insert(url.to_owned(), state);
    }

    /// Turns what the loader finished into textures (on the UI thread, which owns the GPU).
    pub fn poll(&mut self, egui_ctx: &egui::Context) {
        for (url, result) in self.loaded.try_iter() {
            let state = match result {
                Ok(image) => ImageState::Ready(egui_ctx.load_texture(
                    url.clone(),
                    image,
                    egui::TextureOptions::LINEAR,
                )),
                Err(why) => ImageState::Failed(why),
            };
            self.states.insert(url, state);
        }
    }

    pub fn state(&self, url: &str) -> Option<&ImageState> {
        self.states.get(url)
    }
}

/// Hosts (and host suffixes) that serve counting pixels, not pictures: an image from one of
/// them is never fetched, since fetching it tells the sender the item was read.
const TRACKER_HOSTS: &[&str] = &[
    "feeds.feedburner.com",
    "feedproxy.google.com",
    "feeds.feedblitz.com",
    "pixel.wp.com",
    "stats.wordpress.com",
    "pixel.quantserve.com",
    "google-analytics.com",
    "doubleclick.net",
    "scorecardresearch.com",
    "feedsportal.com",
    "pi.pardot.com",
    "ct.pinterest.com",
    "analytics.twitter.com",
    "facebook.com",
    "pixel.mathtag.com",
    "list-manage.com",
    "mailchimp.com",
    "sendgrid.net",
    "app.convertkit.com",
    "substackcdn.com/open",
];

/// Whether `url` points at a known tracker (so it is dropped, never fetched).
pub fn is_known_tracker(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let host_path = format!("{host}{}", parsed.path());
    TRACKER_HOSTS.iter().any(|t| {
        if t.contains('/') {
            host_path.starts_with(t)
        } else {
            host == *t || host.ends_with(&format!(".{t}"))
        }
    }) || parsed.path().contains("/open.gif")
        || parsed.path().ends_with("/pixel.gif")
}

/// One image: from the cache, else fetched (and cached); then decoded.
fn load(fetcher: &Fetcher, cache_dir: &Path, url: &str) -> Result<egui::ColorImage, String> {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        _ => return Err("only web images (http, https) are loaded".into()),
    }
    let path = cache_dir.join(cache_name(url));
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(_) => {
            let fetched = fetcher
                .fetch(url, &Validators::default())
                .map_err(|e| e.to_string())?;
            let Body::Fresh { bytes, .. } = fetched.body else {
                return Err("the server sent no image".into());
            };
            // A cache that cannot be written only costs a fetch next time.
            if std::fs::create_dir_all(cache_dir).is_ok() && std::fs::write(&path, &bytes).is_ok() {
                evict(cache_dir, CACHE_CAP_BYTES);
            }
            bytes
        }
    };
    decode(&bytes)
}

/// The cache file's name for `url`: a hash, so no address reaches the file system.
fn cache_name(url: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    url.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Decodes with limits (the declared size is checked before any pixel is allocated) and
/// scales down what is wider or taller than the pane could show.
pub fn decode(bytes: &[u8]) -> Result<egui::ColorImage, String> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("not an image: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECLARED_SIDE);
    limits.max_image_height = Some(MAX_DECLARED_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => "the image is too large to show".to_owned(),
        image::ImageError::Unsupported(_) => "this image format cannot be shown".to_owned(),
        other => format!("the image could not be read: {other}"),
    })?;
    let image = if image.width() > MAX_SHOWN_SIDE || image.height() > MAX_SHOWN_SIDE {
        image.resize(
            MAX_SHOWN_SIDE,
            MAX_SHOWN_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        image
    };
    let rgba = image.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        size,
        rgba.as_raw(),
    ))
}

/// Deletes the oldest cached images until the folder holds at most `cap` bytes.
pub fn evict(dir: &Path, cap: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(std::fs::Metadata::is_file)?;
            Some((meta.modified().ok()?, meta.len(), e.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    files.sort();
    for (_, len, path) in files {
        if total <= cap {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG that declares `w` × `h` pixels (its data is not needed to refuse it).
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(w.to_be_bytes());
        ihdr.extend(h.to_be_bytes());
        ihdr.extend([8, 6, 0, 0, 0]);
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc32fast::hash(&ihdr).to_be_bytes());
        png
    }

    #[test]
    fn an_image_bomb_is_refused_before_it_is_decoded() {
        let bomb = png_header(100_000, 100_000);
        assert!(bomb.len() < 100);
        assert_eq!(
            decode(&bomb).err().as_deref(),
            Some("the image is too large to show")
        );
    }

    #[test]
    fn a_real_image_decodes_and_a_wide_one_is_scaled_down() {
        let mut bytes = Vec::new();
        image::RgbaImage::from_pixel(3_200, 100, image::Rgba([200, 10, 10, 255]))
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let image = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(image.size, [1_600, 50]);
        assert!(decode(b"<html>not an image</html>").is_err());
    }

    #[test]
    fn the_cache_keeps_under_its_cap_dropping_the_oldest() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (i, name) in ["old", "mid", "new"].iter().enumerate() {
            let path = dir.path().join(name);
            std::fs::write(&path, vec![0u8; 1_000]).unwrap_or_else(|e| panic!("{e}"));
            let t = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000 * (i as u64 + 1));
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(t))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        evict(dir.path(), 2_000);
        assert!(!dir.path().join("old").exists());
        assert!(dir.path().join("mid").exists() && dir.path().join("new").exists());
    }

    #[test]
    fn known_trackers_are_recognised_and_pictures_are_not() {
        assert!(is_known_tracker("https://pixel.wp.com/b.gif?host=x"));
        assert!(is_known_tracker(
            "http://feeds.feedburner.com/~r/site/~4/abc"
        ));
        assert!(is_known_tracker(
            "https://www.google-analytics.com/collect?v=1"
        ));
        assert!(is_known_tracker(
            "https://news.example.com/track/open.gif?id=1"
        ));
        assert!(!is_known_tracker("https://i0.wp.com/photo.jpg"));
        assert!(!is_known_tracker("https://example.com/cat.png"));
        assert!(!is_known_tracker("not a url"));
    }

    #[test]
    fn only_web_images_are_fetched() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fetcher = Fetcher::new(FetchConfig::default());
        assert!(load(&fetcher, dir.path(), "file:///etc/hosts").is_err());
        assert!(load(&fetcher, dir.path(), "data:image/png;base64,AAAA").is_err());
    }
}
