//! focusfeed as a desktop app for daily use: a freedesktop `.desktop` entry and its icon
//! (hicolor: SVG and PNGs at the usual sizes), installed into the user's data folder by
//! `focusfeed install-desktop` and removed by `--uninstall`. The window uses the same icon.

use std::path::{Path, PathBuf};

/// The icon's name in the hicolor theme, and the desktop entry's file name (and app id).
pub const APP_ID: &str = "focusfeed";
/// PNG sizes desktops ask for.
pub const PNG_SIZES: [u32; 6] = [16, 32, 48, 64, 128, 256];

const TOMATO: [u8; 3] = [0xE5, 0x53, 0x3D];
const LEAF: [u8; 3] = [0x3F, 0x9B, 0x4B];
const PAGE: [u8; 3] = [0xFA, 0xF7, 0xF0];

/// The icon as SVG: a tomato (the Pomodoro) holding a page of lines (the reader).
pub const ICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <circle cx="32" cy="35" r="26" fill="#E5533D"/>
  <path d="M32 10 C26 4 18 6 16 10 C22 12 27 12 32 10 C37 12 42 12 48 10 C46 6 38 4 32 10 Z" fill="#3F9B4B"/>
  <rect x="20" y="24" width="24" height="24" rx="3" fill="#FAF7F0"/>
  <rect x="24" y="29" width="16" height="2.5" fill="#E5533D"/>
  <rect x="24" y="35" width="16" height="2.5" fill="#E5533D"/>
  <rect x="24" y="41" width="10" height="2.5" fill="#E5533D"/>
</svg>
"##;

/// The same icon drawn into `size` × `size` RGBA pixels (for the PNGs and the window).
pub fn icon_rgba(size: u32) -> Vec<u8> {
    let s = size as f32 / 64.0;
    let mut px = vec![0u8; (size * size * 4) as usize];
    for y in 0..size {
        for x in 0..size {
            // Sample the pixel's centre in the SVG's 64-unit space.
            let (u, v) = ((x as f32 + 0.5) / s, (y as f32 + 0.5) / s);
            let in_rect =
                |x0: f32, y0: f32, w: f32, h: f32| u >= x0 && u < x0 + w && v >= y0 && v < y0 + h;
            let line = in_rect(24.0, 29.0, 16.0, 2.5)
                || in_rect(24.0, 35.0, 16.0, 2.5)
                || in_rect(24.0, 41.0, 10.0, 2.5);
            let colour = if line {
                Some(TOMATO)
            } else if in_rect(20.0, 24.0, 24.0, 24.0) {
                Some(PAGE)
            } else if (u - 32.0).powi(2) + (v - 35.0).powi(2) <= 26.0f32.powi(2) {
                Some(TOMATO)
            } else if ((u - 32.0) / 16.0).powi(2) + ((v - 9.0) / 3.5).powi(2) <= 1.0 {
                Some(LEAF)
            } else {
                None
            };
            if let Some([r, g, b]) = colour {
                let i = ((y * size + x) * 4) as usize;
                px[i..i + 4].copy_from_slice(&[r, g, b, 255]);
            }
        }
    }
    px
}

/// The window's icon.
pub fn window_icon() -> egui::IconData {
    egui::IconData {
        rgba: icon_rgba(64),
        width: 64,
        height: 64,
    }
}

/// The desktop entry that starts `exe`.
pub fn desktop_entry(exe: &Path) -> String {
    // Exec takes a quoted path (the spec's quoting: backslash, quote, dollar and backquote).
    let mut quoted = String::new();
    for c in exe.display().to_string().chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    format!(
        "[Desktop Entry]\nType=Application\nVersion=1.5\nName=focusfeed\n\
         GenericName=Focus timer and feed reader\n\
         Comment=Plan on a board, focus with a Pomodoro timer, read a filtered feed in the breaks\n\
         Exec=\"{quoted}\"\nIcon={APP_ID}\nTerminal=false\nStartupWMClass={APP_ID}\n\
         Categories=Office;ProjectManagement;News;\nKeywords=pomodoro;kanban;rss;atom;feed;reader;\n"
    )
}

/// The files `install` writes under `data_home` (`~/.local/share` on Linux).
pub fn installed_files(data_home: &Path) -> Vec<PathBuf> {
    let icons = data_home.join("icons/hicolor");
    let mut files = vec![
        data_home.join(format!("applications/{APP_ID}.desktop")),
        icons.join(format!("scalable/apps/{APP_ID}.svg")),
    ];
    files.extend(
        PNG_SIZES
            .iter()
            .map(|n| icons.join(format!("{n}x{n}/apps/{APP_ID}.png"))),
    );
    files
}

/// Writes the desktop entry (starting `exe`) and the icons under `data_home`.
pub fn install(data_home: &Path, exe: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let files = installed_files(data_home);
    let write = |path: &Path, bytes: &[u8]| -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    };
    write(&files[0], desktop_entry(exe).as_bytes())?;
    write(&files[1], ICON_SVG.as_bytes())?;
    for (n, path) in PNG_SIZES.iter().zip(&files[2..]) {
        let image = image::RgbaImage::from_raw(*n, *n, icon_rgba(*n))
            .ok_or_else(|| anyhow::anyhow!("the icon is not {n}×{n}"))?;
        let mut png = Vec::new();
        image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
        write(path, &png)?;
    }
    Ok(files)
}

/// Removes what `install` wrote; returns the files that were there.
pub fn uninstall(data_home: &Path) -> Vec<PathBuf> {
    installed_files(data_home)
        .into_iter()
        .filter(|p| std::fs::remove_file(p).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_writes_the_entry_and_icons_and_uninstall_removes_them() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let exe = Path::new("/opt/my apps/focusfeed");
        let files = install(dir.path(), exe).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(files.len(), 2 + PNG_SIZES.len());
        let entry = std::fs::read_to_string(&files[0]).unwrap_or_default();
        assert!(entry.contains("Exec=\"/opt/my apps/focusfeed\"\n"));
        assert!(entry.contains("Icon=focusfeed\n"));
        for (n, png) in PNG_SIZES.iter().zip(&files[2..]) {
            let img = image::open(png).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((img.width(), img.height()), (*n, *n));
        }
        assert_eq!(uninstall(dir.path()).len(), files.len());
        assert!(files.iter().all(|f| !f.exists()));
    }

    #[test]
    fn the_icon_has_the_tomato_and_the_page() {
        let px = icon_rgba(64);
        let at = |x: usize, y: usize| &px[(y * 64 + x) * 4..(y * 64 + x) * 4 + 4];
        assert_eq!(at(10, 40), &[0xE5, 0x53, 0x3D, 255], "the tomato");
        assert_eq!(at(22, 26), &[0xFA, 0xF7, 0xF0, 255], "the page");
        assert_eq!(at(1, 1)[3], 0, "transparent corners");
    }
}
