//! The CJK font, read only once CJK text is about to be drawn. The face is 20 MB held in
//! memory (mapping the file would need unsafe code), and a reader whose feeds and UI are all
//! Latin never needs it.

use super::Face;
use egui::{FallbackRequest, FontInsert, FontProvider};
use std::sync::{Arc, Condvar, Mutex};

/// Whether `c` belongs to a script or block the CJK font is there for: ideographs and their
/// radicals and strokes, kana, Bopomofo, Hangul, CJK punctuation, full-width forms and the
/// enclosed and compatibility blocks.
pub fn is_cjk(c: char) -> bool {
    matches!(
        c as u32,
        0x1100..=0x11FF
            | 0x2E80..=0x2FDF
            | 0x2FF0..=0x9FFF
            | 0xA960..=0xA97F
            | 0xAC00..=0xD7FF
            | 0xF900..=0xFAFF
            | 0xFE10..=0xFE1F
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF
            | 0x1F200..=0x1F2FF
            | 0x20000..=0x3134F
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Loading,
    Installed,
    Failed,
}

/// A font provider egui asks when no installed font draws a character. The first CJK
/// character starts reading the face on a thread of its own (egui asks from inside a frame,
/// and a cold 20 MB read must not hold the window); the face is then added like any
/// configured font and a repaint asked for, so the boxes of that one frame are redrawn as
/// glyphs. Clones share the face and its state.
#[derive(Clone)]
pub struct CjkOnDemand(Arc<Shared>);

struct Shared {
    ctx: egui::Context,
    face: Face,
    state: Mutex<State>,
    changed: Condvar,
}

impl CjkOnDemand {
    pub fn new(ctx: &egui::Context, face: Face) -> Self {
        Self(Arc::new(Shared {
            ctx: ctx.clone(),
            face,
            state: Mutex::new(State::Waiting),
            changed: Condvar::new(),
        }))
    }

    /// The face it offers.
    pub fn face(&self) -> &Face {
        &self.0.face
    }

    /// Whether the face has been read and added to egui's fonts.
    pub fn is_installed(&self) -> bool {
        self.0.state() == State::Installed
    }

    /// Whether the face's file was asked for (it is being read, or was).
    pub fn was_asked_for(&self) -> bool {
        self.0.state() != State::Waiting
    }

    /// Waits until a read that has started ends; true if the face was added. For tests and
    /// benches, which must not sleep.
    pub fn wait(&self) -> bool {
        let shared = &self.0;
        let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        while *state == State::Loading {
            state = shared
                .changed
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
        *state == State::Installed
    }

    /// Starts the read unless one has started.
    fn start(&self) {
        {
            let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
            if *state != State::Waiting {
                return;
            }
            *state = State::Loading;
        }
        let shared = Arc::clone(&self.0);
        let spawned = std::thread::Builder::new()
            .name("cjk-font".into())
            .spawn(move || {
                let installed = super::install(&shared.ctx, &[&shared.face]);
                shared.set(if installed.is_empty() {
                    State::Failed
                } else {
                    State::Installed
                });
                shared.ctx.request_repaint();
            });
        if spawned.is_err() {
            self.0.set(State::Failed);
        }
    }
}

impl Shared {
    fn state(&self) -> State {
        *self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, state: State) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = state;
        self.changed.notify_all();
    }
}

impl FontProvider for CjkOnDemand {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        if request.cluster.chars().next().is_some_and(is_cjk) {
            self.start();
        }
        // Nothing this frame: the face arrives as a configured font once read.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::is_cjk;

    #[test]
    fn ideographs_kana_hangul_and_full_width_forms_are_cjk_and_latin_is_not() {
        for c in [
            '中', '文', '番', 'ひ', 'カ', '한', '。', '，', '！', 'ㄅ', '㊀', '𠀀',
        ] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', 'É', 'ß', 'Ж', 'α', '—', '→', '€', '😀', '\n'] {
            assert!(!is_cjk(c), "{c}");
        }
    }
}
