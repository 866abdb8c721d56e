//! The UI's language: English or 简体中文, chosen from the stored setting, else (in the real
//! window only) from the system locale; switching applies at once, through `rust_i18n`'s locale.

use crate::store::ReadSetting;

/// The settings row that holds the chosen language ("en" or "zh-CN").
pub const LANGUAGE_KEY: &str = "ui.language";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    English,
    Chinese,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Chinese];

    /// The locale code of the locale files (`locales/en.yml`, `locales/zh-CN.yml`).
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Chinese => "zh-CN",
        }
    }

    /// Its own name, the same in every UI language, so a reader can always find their own.
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Chinese => "简体中文",
        }
    }

    /// Its name as the Settings choice shows it: in its own script where the fonts can draw
    /// it (a CJK font is found on the fonts thread), else in English rather than as empty boxes.
    pub fn choice_label(self, ctx: &egui::Context) -> &'static str {
        let own = self.name();
        let drawable = own.is_ascii()
            || ctx.fonts_mut(|f| f.has_glyphs(&egui::FontId::proportional(14.0), own));
        match self {
            _ if drawable => own,
            Language::English => "English",
            Language::Chinese => "Chinese (Simplified)",
        }
    }

    /// A stored code back to a language; anything unknown is `None`.
    pub fn from_code(code: &str) -> Option<Language> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// From a locale tag ("zh_CN.UTF-8", "zh-Hans", "en_GB"): every Chinese one is 简体中文,
    /// the only Chinese the UI has; anything else English.
    pub fn from_locale(tag: &str) -> Language {
        let lower = tag.trim().to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh_") || lower.starts_with("zh-") {
            Language::Chinese
        } else {
            Language::English
        }
    }

    /// The system's language (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`, as the fonts read it).
    pub fn system() -> Language {
        Self::from_locale(&super::fonts::system_locale())
    }

    /// The stored choice, if there is a readable one.
    pub fn stored(store: &impl ReadSetting) -> Option<Language> {
        store
            .setting(LANGUAGE_KEY)
            .ok()
            .flatten()
            .and_then(|code| Language::from_code(&code))
    }

    /// The language every `t!` uses from now on (process-wide).
    pub fn apply(self) {
        rust_i18n::set_locale(self.code());
    }

    /// The locale the font fallbacks follow: the system's, except that a 简体中文 UI on a
    /// non-Chinese system prefers the Simplified Chinese CJK font (a Japanese system would
    /// otherwise draw the UI's Chinese in Japanese glyph shapes).
    pub fn font_locale() -> String {
        let system = super::fonts::system_locale();
        if Self::current() == Language::Chinese && Self::from_locale(&system) != Language::Chinese {
            "zh_CN".to_owned()
        } else {
            system
        }
    }

    /// The language `t!` uses now.
    pub fn current() -> Language {
        Language::from_code(&rust_i18n::locale()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(locale: &str) -> BTreeSet<String> {
        crate::_rust_i18n_backend()
            .messages_for_locale(locale)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, _)| k.into_owned())
            .collect()
    }

    #[test]
    fn english_and_chinese_have_the_same_keys() {
        let en = keys("en");
        let zh = keys("zh-CN");
        assert!(en.len() > 50, "the English locale file was not compiled in");
        let missing: Vec<_> = en.difference(&zh).collect();
        let extra: Vec<_> = zh.difference(&en).collect();
        assert!(missing.is_empty(), "untranslated in zh-CN: {missing:?}");
        assert!(extra.is_empty(), "only in zh-CN: {extra:?}");
    }

    #[test]
    fn chinese_locales_choose_chinese_and_the_rest_english() {
        for tag in ["zh_CN.UTF-8", "zh-Hans", "zh_TW", "zh", "ZH_cn"] {
            assert_eq!(Language::from_locale(tag), Language::Chinese, "{tag}");
        }
        for tag in ["en_GB.UTF-8", "", "C", "ja_JP", "zu"] {
            assert_eq!(Language::from_locale(tag), Language::English, "{tag}");
        }
        assert_eq!(Language::from_code("zh-CN"), Some(Language::Chinese));
        assert_eq!(Language::from_code("fr"), None);
    }

    #[test]
    fn a_key_reads_in_both_languages_without_switching_the_process() {
        assert_eq!(rust_i18n::t!("nav.board", locale = "en"), "Board");
        assert_eq!(rust_i18n::t!("nav.board", locale = "zh-CN"), "看板");
    }
}
