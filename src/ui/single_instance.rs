//! One window per data directory. The window listens on a socket in the data directory; a
//! second start asks it to come to the front and exits. Where that cannot work (no socket,
//! another platform), the second start says that a window is open, in a small window of its
//! own rather than only on a terminal nobody sees when started from a launcher.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

const SOCKET: &str = "window.sock";
const RAISE: &[u8] = b"raise\n";

fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}

/// The open window's ear for "come to the front" from a second start.
pub struct RaiseRequests {
    rx: Receiver<()>,
}

impl std::fmt::Debug for RaiseRequests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RaiseRequests")
    }
}

impl RaiseRequests {
    /// Whether a second start asked since the last call.
    pub fn asked(&self) -> bool {
        self.rx.try_iter().count() > 0
    }
}

/// Listens for second starts (the caller holds the window lock, so a socket file left by a
/// crashed window is stale and replaced); `wake` is called on each request.
#[cfg(unix)]
pub fn listen(data_dir: &Path, wake: impl Fn() + Send + 'static) -> Option<RaiseRequests> {
    use std::io::Read;
    let path = socket_path(data_dir);
    let _ = std::fs::remove_file(&path);
    let listener = std::os::unix::net::UnixListener::bind(&path).ok()?;
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("focusfeed-raise".into())
        .spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut buf = [0u8; 16];
                let n = stream.read(&mut buf).unwrap_or(0);
                if buf[..n] == *RAISE {
                    if tx.send(()).is_err() {
                        return;
                    }
                    wake();
                }
            }
        })
        .ok()?;
    Some(RaiseRequests { rx })
}

#[cfg(not(unix))]
pub fn listen(_data_dir: &Path, _wake: impl Fn() + Send + 'static) -> Option<RaiseRequests> {
    None
}

/// Asks the open window to come to the front; true if it heard.
#[cfg(unix)]
pub fn ask_open_window_to_raise(data_dir: &Path) -> bool {
    use std::io::Write;
    std::os::unix::net::UnixStream::connect(socket_path(data_dir))
        .and_then(|mut s| s.write_all(RAISE))
        .is_ok()
}

#[cfg(not(unix))]
pub fn ask_open_window_to_raise(_data_dir: &Path) -> bool {
    false
}

/// Says, in a small window, that focusfeed is already open on `data_dir`.
pub fn tell_already_open(data_dir: &Path) -> anyhow::Result<()> {
    let message = rust_i18n::t!("single_instance.open", dir = data_dir.display()).into_owned();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("focusfeed")
            .with_inner_size([460.0, 140.0])
            .with_icon(std::sync::Arc::new(super::desktop::window_icon())),
        ..Default::default()
    };
    eframe::run_ui_native("focusfeed", options, move |ui, _frame| {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.add_space(8.0);
            ui.label(&message);
            ui.add_space(8.0);
            if ui.button(rust_i18n::t!("single_instance.ok")).clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Enter) || i.key_pressed(egui::Key::Escape))
            {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
    })
    .map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_start_reaches_the_open_window() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(!ask_open_window_to_raise(dir.path()), "nobody listens yet");
        let (woke_tx, woke) = channel();
        let ear = listen(dir.path(), move || {
            let _ = woke_tx.send(());
        })
        .unwrap_or_else(|| panic!("listening"));
        assert!(!ear.asked());
        assert!(ask_open_window_to_raise(dir.path()));
        woke.recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(ear.asked());
        assert!(!ear.asked(), "each request is seen once");
    }
}
