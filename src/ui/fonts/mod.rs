//! Fonts for every language. egui's bundled fonts draw Latin, Greek and Cyrillic only, so a
//! Chinese title would be a row of empty boxes: the system's fonts are scanned (fontdb, pure
//! Rust) on a background thread, and a CJK font and symbol fonts are added after the bundled
//! ones, which stay first for Latin text. The CJK font is read when the UI speaks a CJK
//! language, or else once the first CJK character is drawn (`on_demand`).

mod on_demand;

pub use on_demand::{CjkOnDemand, is_cjk};

use egui::{FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A font face on the system, as much of it as the choice needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    pub family: String,
    pub path: PathBuf,
    /// The face's index in a collection (.ttc); 0 in a single font file.
    pub index: u32,
    pub weight: u16,
    pub italic: bool,
}

/// Which shapes the reader expects for CJK ideographs: one character is drawn differently in
/// mainland China, Taiwan, Hong Kong, Japan and Korea, and each font region follows one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Han {
    Simplified,
    Traditional,
    HongKong,
    Japanese,
    Korean,
}

impl Han {
    /// From a locale or language tag ("zh_CN.UTF-8", "zh-Hant", "ja_JP", "en_GB"). Anything not
    /// CJK gets Simplified Chinese: the app's readers read Chinese news beside English ones.
    pub fn from_locale(tag: &str) -> Han {
        Self::of_cjk_locale(tag).unwrap_or(Han::Simplified)
    }

    /// The shapes a CJK locale asks for; `None` for a locale of another language.
    pub fn of_cjk_locale(tag: &str) -> Option<Han> {
        let tag = tag
            .split(['.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut parts = tag.split(['_', '-']);
        match parts.next().unwrap_or("") {
            "ja" => Some(Han::Japanese),
            "ko" => Some(Han::Korean),
            "zh" | "yue" => {
                let rest: Vec<&str> = parts.collect();
                Some(if rest.contains(&"hk") || rest.contains(&"mo") {
                    Han::HongKong
                } else if rest.contains(&"tw") || rest.contains(&"hant") {
                    Han::Traditional
                } else {
                    Han::Simplified
                })
            }
            _ => None,
        }
    }

    /// Region suffixes of CJK font families, this one's first, the nearest ones next.
    fn regions(self) -> [&'static str; 5] {
        match self {
            Han::Simplified => ["SC", "TC", "HK", "JP", "KR"],
            Han::Traditional => ["TC", "HK", "SC", "JP", "KR"],
            Han::HongKong => ["HK", "TC", "SC", "JP", "KR"],
            Han::Japanese => ["JP", "SC", "TC", "HK", "KR"],
            Han::Korean => ["KR", "JP", "SC", "TC", "HK"],
        }
    }
}

/// The locale the UI follows, read as POSIX programs do: `LANGUAGE`'s first entry, then
/// `LC_ALL`, `LC_MESSAGES`, `LANG`.
pub fn system_locale() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    var("LANGUAGE")
        .and_then(|l| l.split(':').next().map(str::to_owned))
        .or_else(|| var("LC_ALL"))
        .or_else(|| var("LC_MESSAGES"))
        .or_else(|| var("LANG"))
        .unwrap_or_default()
}

/// CJK families by preference: the pan-CJK sans families cover every region's characters (their
/// region suffix only picks glyph shapes), the others cover Chinese; serif reads worse on screen.
/// Matched by prefix, so "Noto Sans CJK SC" and "Source Han Sans TW" are found.
const CJK_FAMILIES: &[(&str, Option<&str>)] = &[
    ("Noto Sans CJK", None),
    ("Source Han Sans", None),
    ("Noto Sans SC", Some("SC")),
    ("Noto Sans TC", Some("TC")),
    ("Noto Sans HK", Some("HK")),
    ("Noto Sans JP", Some("JP")),
    ("Noto Sans KR", Some("KR")),
    ("WenQuanYi Micro Hei", Some("SC")),
    ("WenQuanYi Zen Hei", Some("SC")),
    ("Droid Sans Fallback", Some("SC")),
    ("Noto Serif CJK", None),
    ("Source Han Serif", None),
];

/// Symbol and emoji fonts egui can draw (outlines). Colour bitmap emoji (Noto Color Emoji's
/// CBDT) are left out: without epaint's colour-font renderer their glyphs draw as nothing.
const SYMBOL_FAMILIES: &[&str] = &[
    "Noto Emoji",
    "Symbola",
    "Noto Sans Symbols 2",
    "Noto Sans Symbols",
    "DejaVu Sans",
];

/// Where a family stands in the CJK preference for `han`: (family rank, region rank).
fn cjk_rank(family: &str, han: Han) -> Option<(usize, usize)> {
    let (rank, (prefix, fixed)) = CJK_FAMILIES
        .iter()
        .enumerate()
        .find(|(_, (prefix, _))| family.starts_with(prefix))?;
    // Family names are "Noto Sans CJK SC", "Source Han Sans K" (older) or "Source Han Sans TW".
    let suffix = family[prefix.len()..]
        .split_whitespace()
        .next()
        .unwrap_or("");
    let region = fixed.unwrap_or(match suffix {
        "SC" | "CN" => "SC",
        "TC" | "TW" => "TC",
        "HK" => "HK",
        "JP" | "J" | "" => "JP",
        "KR" | "K" => "KR",
        _ => "",
    });
    let regions = han.regions();
    let region_rank = regions
        .iter()
        .position(|r| *r == region)
        .unwrap_or(regions.len());
    // The pan-CJK families first, the fixed-region ones by the reader's region.
    let family_rank = if fixed.is_some() && rank < 7 { 2 } else { rank };
    Some((family_rank, region_rank))
}

/// Regular upright faces first, then the nearest weight.
fn style_rank(face: &Face) -> (bool, u16) {
    (face.italic, face.weight.abs_diff(400))
}

/// The CJK font for `han`: a known family by preference, else any face `covers` says draws
/// Chinese (asked only when no known family is installed, since it reads the file).
pub fn choose_cjk(faces: &[Face], han: Han, covers: impl Fn(&Face) -> bool) -> Option<&Face> {
    let known = faces
        .iter()
        .filter_map(|f| cjk_rank(&f.family, han).map(|r| (r, style_rank(f), f)))
        .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
        .map(|(_, _, f)| f);
    known.or_else(|| {
        faces
            .iter()
            .filter(|f| !f.italic && covers(f))
            .min_by_key(|f| style_rank(f))
    })
}

/// The symbol fonts: the first emoji-capable family installed, and DejaVu Sans for the
/// arrows, shapes and dingbats the others lack.
pub fn choose_symbols(faces: &[Face]) -> Vec<&Face> {
    let best = |families: &[&str]| {
        faces
            .iter()
            .filter_map(|f| {
                let rank = families.iter().position(|x| f.family == *x)?;
                Some(((rank, style_rank(f)), f))
            })
            .min_by_key(|(r, _)| *r)
            .map(|(_, f)| f)
    };
    let emoji = best(&SYMBOL_FAMILIES[..SYMBOL_FAMILIES.len() - 1]);
    let general = best(&SYMBOL_FAMILIES[SYMBOL_FAMILIES.len() - 1..]);
    emoji.into_iter().chain(general).collect()
}

/// The faces fontdb found, one entry per face (a .ttc has several).
fn faces_of(db: &fontdb::Database) -> Vec<Face> {
    db.faces()
        .filter_map(|info| {
            let path = match &info.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                fontdb::Source::Binary(_) => return None,
            };
            let family = info.families.first()?.0.clone();
            Some(Face {
                family,
                path,
                index: info.index,
                weight: info.weight.0,
                italic: info.style != fontdb::Style::Normal,
            })
        })
        .collect()
}

/// Whether the face draws "中文" (reads the font's character map).
fn draws_chinese(face: &Face) -> bool {
    use skrifa::MetadataProvider as _;
    let Ok(bytes) = std::fs::read(&face.path) else {
        return false;
    };
    let Ok(font) = skrifa::FontRef::from_index(&bytes, face.index) else {
        return false;
    };
    let charmap = font.charmap();
    "中文".chars().all(|c| charmap.map(c).is_some())
}

/// When the CJK font is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cjk {
    /// Now, with the symbol fonts: the UI itself will draw CJK text.
    Now,
    /// When egui first meets a CJK character no installed font draws.
    OnDemand,
}

impl Cjk {
    /// `Now` if the fonts' locale is a CJK one: the system's, or zh_CN for a 简体中文 UI (see
    /// `Language::font_locale`).
    pub fn for_locale(locale: &str) -> Cjk {
        match Han::of_cjk_locale(locale) {
            Some(_) => Cjk::Now,
            None => Cjk::OnDemand,
        }
    }
}

/// What a scan found and added, and how long each part took.
#[derive(Clone, Default)]
pub struct Report {
    pub faces_scanned: usize,
    /// "Noto Sans CJK SC (NotoSansCJK-Regular.ttc #2)".
    pub installed: Vec<String>,
    /// The CJK face left to be read on demand.
    pub on_demand: Option<CjkOnDemand>,
    pub scan: Duration,
    pub load: Duration,
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report")
            .field("faces_scanned", &self.faces_scanned)
            .field("installed", &self.installed)
            .field(
                "on_demand",
                &self.on_demand.as_ref().map(|c| &c.face().family),
            )
            .field("scan", &self.scan)
            .field("load", &self.load)
            .finish()
    }
}

/// Reads the chosen faces' files and adds them to egui's proportional and monospace families,
/// after the fonts already there.
fn install(ctx: &egui::Context, chosen: &[&Face]) -> Vec<String> {
    let mut installed = Vec::new();
    for face in chosen {
        // Read, not memory-mapped: mapping is unsafe code, and a 20 MB read happens once.
        let Ok(bytes) = std::fs::read(&face.path) else {
            continue;
        };
        let file = face
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = format!("{} ({file} #{})", face.family, face.index);
        let families = [FontFamily::Proportional, FontFamily::Monospace]
            .into_iter()
            .map(|family| InsertFontFamily {
                family,
                priority: FontPriority::Lowest,
            })
            .collect();
        let data = FontData::from_blob(Arc::new(bytes), face.index);
        ctx.add_font(FontInsert::new(&name, data, families));
        installed.push(name);
    }
    installed
}

/// Scans `dirs` (instead of the system's font folders) and installs what `locale` needs, here
/// and now; tests use it with a font of their own.
pub fn install_from_dirs(ctx: &egui::Context, dirs: &[&Path], locale: &str) -> Report {
    install_from_dirs_with(ctx, dirs, locale, Cjk::Now)
}

/// As `install_from_dirs`, with the CJK font read when `cjk` says.
pub fn install_from_dirs_with(
    ctx: &egui::Context,
    dirs: &[&Path],
    locale: &str,
    cjk: Cjk,
) -> Report {
    scan_and_install(ctx, locale, cjk, |db| {
        for d in dirs {
            db.load_fonts_dir(d);
        }
    })
}

/// Scans the system's fonts and installs what `locale` needs.
pub fn install_system(ctx: &egui::Context, locale: &str, cjk: Cjk) -> Report {
    scan_and_install(ctx, locale, cjk, fontdb::Database::load_system_fonts)
}

fn scan_and_install(
    ctx: &egui::Context,
    locale: &str,
    cjk: Cjk,
    load: impl FnOnce(&mut fontdb::Database),
) -> Report {
    let started = Instant::now();
    let mut db = fontdb::Database::new();
    load(&mut db);
    let faces = faces_of(&db);
    let scan = started.elapsed();
    let started = Instant::now();
    let han = Han::from_locale(locale);
    let cjk_face = choose_cjk(&faces, han, draws_chinese);
    let mut now: Vec<&Face> = Vec::new();
    let mut on_demand = None;
    match (cjk, cjk_face) {
        (Cjk::Now, Some(face)) => now.push(face),
        (Cjk::OnDemand, Some(face)) => on_demand = Some(CjkOnDemand::new(ctx, face.clone())),
        (_, None) => {}
    }
    now.extend(choose_symbols(&faces));
    let installed = install(ctx, &now);
    if let Some(provider) = &on_demand {
        ctx.add_font_provider(std::sync::Arc::new(provider.clone()));
    }
    Report {
        faces_scanned: faces.len(),
        installed,
        on_demand,
        scan,
        load: started.elapsed(),
    }
}

/// Installs the system fallbacks on a thread of its own, so the first frame does not wait for
/// the scan; egui uses them from the frame after they arrive (a repaint is asked for).
/// `locale` picks the CJK font's region (see `Han::from_locale`).
pub fn install_system_in_background(ctx: &egui::Context, locale: String, cjk: Cjk) {
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("fonts".into())
        .spawn(move || {
            install_system(&ctx, &locale, cjk);
            ctx.request_repaint();
        });
    // No thread: the window still works, in the bundled fonts.
    drop(spawned);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(family: &str, file: &str, index: u32, weight: u16) -> Face {
        Face {
            family: family.into(),
            path: PathBuf::from(format!("/usr/share/fonts/{file}")),
            index,
            weight,
            italic: false,
        }
    }

    /// What fonts-noto-cjk installs: two collections, each with a face per region.
    fn noto_cjk() -> Vec<Face> {
        let mut faces = Vec::new();
        for (file, weight) in [
            ("NotoSansCJK-Bold.ttc", 700),
            ("NotoSansCJK-Regular.ttc", 400),
        ] {
            for (i, region) in (0u32..).zip(["JP", "KR", "SC", "TC", "HK"]) {
                faces.push(face(&format!("Noto Sans CJK {region}"), file, i, weight));
                let mono = format!("Noto Sans Mono CJK {region}");
                faces.push(face(&mono, file, i + 5, weight));
            }
        }
        faces.push(face(
            "Noto Serif CJK SC",
            "NotoSerifCJK-Regular.ttc",
            2,
            400,
        ));
        faces
    }

    fn never(_: &Face) -> bool {
        panic!("a known family was installed: no file needs reading")
    }

    fn chosen(faces: &[Face], locale: &str) -> Option<(String, u32)> {
        choose_cjk(faces, Han::from_locale(locale), never).map(|f| (f.family.clone(), f.index))
    }

    fn some(family: &str, index: u32) -> Option<(String, u32)> {
        Some((family.into(), index))
    }

    #[test]
    fn the_window_reads_the_cjk_font_at_once_only_for_a_cjk_font_locale() {
        // A 简体中文 UI on an English system gives the fonts zh_CN (`Language::font_locale`).
        for locale in [
            "zh_CN",
            "zh_CN.UTF-8",
            "zh-Hant",
            "ja_JP.UTF-8",
            "ko_KR",
            "yue_HK",
            "ZH_TW",
        ] {
            assert_eq!(Cjk::for_locale(locale), Cjk::Now, "{locale}");
        }
        for locale in ["en_GB.UTF-8", "de_DE", "C", "", "kok_IN"] {
            assert_eq!(Cjk::for_locale(locale), Cjk::OnDemand, "{locale}");
        }
    }

    #[test]
    fn locales_map_to_their_han_region() {
        for (tag, han) in [
            ("zh_CN.UTF-8", Han::Simplified),
            ("zh", Han::Simplified),
            ("zh-Hans-SG", Han::Simplified),
            ("zh_TW.UTF-8", Han::Traditional),
            ("zh-Hant", Han::Traditional),
            ("zh_HK", Han::HongKong),
            ("ja_JP.UTF-8", Han::Japanese),
            ("ko-KR", Han::Korean),
            ("en_GB.UTF-8", Han::Simplified),
            ("C", Han::Simplified),
            ("", Han::Simplified),
        ] {
            assert_eq!(Han::from_locale(tag), han, "{tag}");
        }
    }

    #[test]
    fn the_regular_face_of_the_readers_region_is_chosen_from_a_collection() {
        let faces = noto_cjk();
        assert_eq!(chosen(&faces, "zh_CN.UTF-8"), some("Noto Sans CJK SC", 2));
        assert_eq!(chosen(&faces, "en_US.UTF-8"), some("Noto Sans CJK SC", 2));
        assert_eq!(chosen(&faces, "zh_TW.UTF-8"), some("Noto Sans CJK TC", 3));
        assert_eq!(chosen(&faces, "zh_HK.UTF-8"), some("Noto Sans CJK HK", 4));
        assert_eq!(chosen(&faces, "ja_JP.UTF-8"), some("Noto Sans CJK JP", 0));
        assert_eq!(chosen(&faces, "ko_KR.UTF-8"), some("Noto Sans CJK KR", 1));
        let f = choose_cjk(&faces, Han::Simplified, never);
        assert!(
            f.is_some_and(|f| f.path.ends_with("NotoSansCJK-Regular.ttc")),
            "{f:?}"
        );
    }

    #[test]
    fn pan_cjk_sans_beats_chinese_only_and_serif_families_and_the_rest_follow_in_order() {
        let mut faces = vec![
            face("WenQuanYi Zen Hei", "wqy-zenhei.ttc", 0, 400),
            face("Droid Sans Fallback", "DroidSansFallbackFull.ttf", 0, 400),
            face("Noto Serif CJK SC", "NotoSerifCJK-Regular.ttc", 2, 400),
            face("Source Han Sans TW", "SourceHanSansTW-Regular.otf", 0, 400),
        ];
        // Another region of a pan-CJK sans family still beats a Chinese-only one.
        assert_eq!(chosen(&faces, "zh_CN"), some("Source Han Sans TW", 0));
        faces.pop();
        assert_eq!(chosen(&faces, "zh_CN"), some("WenQuanYi Zen Hei", 0));
        faces.remove(0);
        assert_eq!(chosen(&faces, "ja_JP"), some("Droid Sans Fallback", 0));
        faces.remove(0);
        assert_eq!(chosen(&faces, "zh_CN"), some("Noto Serif CJK SC", 2));
    }

    #[test]
    fn a_region_specific_family_follows_the_readers_region() {
        let faces = vec![
            face("Noto Sans JP", "NotoSansJP-Regular.otf", 0, 400),
            face("Noto Sans SC", "NotoSansSC-Regular.otf", 0, 400),
        ];
        assert_eq!(chosen(&faces, "zh_CN"), some("Noto Sans SC", 0));
        assert_eq!(chosen(&faces, "ja_JP"), some("Noto Sans JP", 0));
    }

    #[test]
    fn an_unknown_family_is_used_only_if_it_draws_chinese() {
        let faces = vec![
            face("DejaVu Sans", "DejaVuSans.ttf", 0, 400),
            face("AR PL UMing CN", "uming.ttc", 0, 400),
        ];
        let f = choose_cjk(&faces, Han::Simplified, |f| f.family.starts_with("AR PL"));
        assert_eq!(f, Some(&faces[1]));
        assert_eq!(choose_cjk(&faces, Han::Simplified, |_| false), None);
    }

    #[test]
    fn symbols_take_an_outline_emoji_font_and_dejavu_never_colour_bitmaps() {
        let faces = vec![
            face("Noto Color Emoji", "NotoColorEmoji.ttf", 0, 400),
            face("DejaVu Sans", "DejaVuSans-Bold.ttf", 0, 700),
            face("DejaVu Sans", "DejaVuSans.ttf", 0, 400),
            face("Symbola", "Symbola_hint.ttf", 0, 400),
        ];
        assert_eq!(choose_symbols(&faces), vec![&faces[3], &faces[2]]);
        assert!(choose_symbols(&faces[..1]).is_empty());
    }
}
