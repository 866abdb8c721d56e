//! Telling the user a phase ended: a desktop notification (notify-rust) and a short chime.
//!
//! The chime is a WAV generated here and handed to whichever of `paplay`, `pw-play` or `aplay`
//! exists. That needs no audio `-dev` package at build time (an audio crate would link ALSA) and
//! no bundled asset; when no player or no device works, the caller shows an in-app notice instead.
//! Both calls can block (D-Bus, the player): run them off the UI and worker threads.

use super::timer::{Phase, PhaseEnd};
use rust_i18n::t;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLE_RATE: u32 = 22_050;
const PLAYERS: [(&str, &[&str]); 3] = [("paplay", &[]), ("pw-play", &[]), ("aplay", &["-q"])];
const PLAYER_TIMEOUT: Duration = Duration::from_secs(5);

/// The notification's title and body for a phase that ended, in the UI's language; `digest` is
/// how many items the break's digest holds (None when the digest is off).
pub fn message(end: &PhaseEnd, task: Option<&str>, digest: Option<usize>) -> (String, String) {
    let long = end.next == Phase::LongBreak;
    let summary = match end.phase {
        Phase::Focus => t!("alert.focus_done"),
        Phase::ShortBreak => t!("alert.short_break_over"),
        Phase::LongBreak => t!("alert.long_break_over"),
    };
    let body = match (end.next, task) {
        (Phase::Focus, Some(t)) => t!("alert.next_focus_on", task = t),
        (Phase::Focus, None) => t!("alert.next_focus"),
        (_, _) => match (digest, long) {
            (Some(0), false) => t!("alert.short_break_nothing_new"),
            (Some(0), true) => t!("alert.long_break_nothing_new"),
            (Some(n), _) => t!("alert.break_picked", n = n),
            (None, false) => t!("alert.short_break"),
            (None, true) => t!("alert.long_break"),
        },
    };
    (summary.into_owned(), body.into_owned())
}

/// Shows a desktop notification; the error says why it could not.
pub fn notify(summary: &str, body: &str) -> Result<(), String> {
    notify_rust::Notification::new()
        .appname("focusfeed")
        .summary(summary)
        .body(body)
        .timeout(notify_rust::Timeout::Milliseconds(8000))
        .show()
        .map(|_| ())
        .map_err(|e| format!("no desktop notification ({e})"))
}

/// Plays the chime with the first player that works.
pub fn chime() -> Result<(), String> {
    let path = chime_file().map_err(|e| format!("no sound (cannot write the chime: {e})"))?;
    let mut tried = Vec::new();
    for (player, args) in PLAYERS {
        match play_with(player, args, &path) {
            Ok(()) => return Ok(()),
            Err(e) => tried.push(format!("{player}: {e}")),
        }
    }
    Err(format!("no sound ({})", tried.join("; ")))
}

fn play_with(player: &str, args: &[&str], path: &std::path::Path) -> Result<(), String> {
    let mut child = Command::new(player)
        .args(args)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "not installed".to_owned(),
            _ => e.to_string(),
        })?;
    let deadline = Instant::now() + PLAYER_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("failed ({status})")),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("timed out".into());
            }
            // Polling a child that is playing a half-second sound; nothing else waits on this.
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Writes the chime once per process to the temp directory.
fn chime_file() -> std::io::Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("focusfeed-chime-{}.wav", std::process::id()));
    if !path.exists() {
        let mut f = std::fs::File::create(&path)?;
        f.write_all(&chime_wav())?;
    }
    Ok(path)
}

/// Two soft sine tones (E6 then A5), 16-bit mono PCM with short fades so nothing clicks.
pub fn chime_wav() -> Vec<u8> {
    let mut samples: Vec<i16> = Vec::new();
    for (freq, ms) in [(1318.5_f32, 160_u32), (880.0, 260)] {
        let n = SAMPLE_RATE * ms / 1000;
        let fade = (SAMPLE_RATE / 100) as f32; // 10 ms
        for i in 0..n {
            let t = i as f32 / SAMPLE_RATE as f32;
            let env = (i as f32 / fade).min(1.0) * ((n - i) as f32 / fade).min(1.0);
            let v = (t * freq * std::f32::consts::TAU).sin() * env * 0.3;
            samples.push((v * f32::from(i16::MAX)) as i16);
        }
    }
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chime_is_a_well_formed_wav() {
        let wav = chime_wav();
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(&wav[8..12], b"WAVE");
        let riff_len = u32::from_le_bytes([wav[4], wav[5], wav[6], wav[7]]) as usize;
        assert_eq!(riff_len + 8, wav.len());
        let data_len = u32::from_le_bytes([wav[40], wav[41], wav[42], wav[43]]) as usize;
        assert_eq!(data_len + 44, wav.len());
        // About 0.42 s of 16-bit mono audio.
        assert!((9_000..9_500).contains(&(data_len / 2)));
    }

    #[test]
    fn messages_name_what_comes_next() {
        let end = PhaseEnd {
            phase: Phase::Focus,
            at: 0,
            next: Phase::LongBreak,
        };
        assert_eq!(message(&end, None, None).1, "Time for a long break.");
        assert_eq!(message(&end, None, Some(3)).1, "Break: 3 picked for you.");
        assert!(message(&end, None, Some(0)).1.contains("stand up"));
        let end = PhaseEnd {
            phase: Phase::ShortBreak,
            at: 0,
            next: Phase::Focus,
        };
        let (s, b) = message(&end, Some("Write"), Some(3));
        assert_eq!(s, "Short break over");
        assert!(b.contains("Write"));
    }
}
